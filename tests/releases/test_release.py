"""Open data releases: a valid Frictionless package of exactly the published incidents,
nothing unpublished or personal, suppression that survives an attempt to undo it, signed
and immutable files, and CHANGES between releases by stable reference."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from casebook.analysis.stats.suppression import suppression_audit
from casebook.audit.models import AuditEntry
from casebook.cases.models import IncidentStatus
from casebook.codebook.models import ActType, Organisation
from casebook.lib.signing import signature_valid
from casebook.publishing.publishable import public_incidents, published_incidents
from casebook.publishing.services import publication_withdraw
from casebook.releases.services import ReleaseRefused, release_write
from tests.factories import ActFactory, IncidentFactory
from tests.publishing.world import CANARIES, PublishedWorld, approve, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data):
    return PublishedWorld()


def published(*, date=dt.date(2024, 3, 10), force="metropolitan-police-service", acts=("arrest",)):
    incident = IncidentFactory(
        summary=f"Invented summary {date} {force}",
        status=IncidentStatus.VERIFIED,
        date=date,
        force=Organisation.objects.get(slug=force),
    )
    for slug in acts:
        ActFactory(incident=incident, act_type=ActType.objects.get(slug=slug), perpetrator=None)
    approve(incident, "summary", "An approved invented summary.")
    publish(incident)
    return incident


def read(folder: Path, name: str) -> list[dict]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_release_is_a_valid_frictionless_data_package(world, tmp_path):
    from frictionless import Package, validate

    written = release_write(folder=tmp_path / "r1", actor=None)
    report = validate(str(written.folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(written.folder / "datapackage.json"))
    assert {r.name for r in package.resources} == {
        "incidents",
        "acts",
        "outcomes",
        "sources",
        "aggregates",
    }
    descriptor = json.loads((written.folder / "datapackage.json").read_text())
    assert descriptor["version"] == written.release.version and descriptor["licenses"]
    act_type = next(
        field
        for resource in descriptor["resources"]
        if resource["name"] == "acts"
        for field in resource["schema"]["fields"]
        if field["name"] == "act_type"
    )
    assert "arrest" in act_type["constraints"]["enum"]


def test_the_dictionary_is_written_from_the_same_schema(world, tmp_path):
    written = release_write(folder=tmp_path / "r1", actor=None)
    descriptor = json.loads((written.folder / "datapackage.json").read_text())
    markdown = (written.folder / "data-dictionary.md").read_text()
    html = (written.folder / "data-dictionary.html").read_text()
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert f"`{field['name']}`" in markdown
            assert f"<code>{field['name']}</code>" in html


def test_a_release_read_back_gives_the_published_incidents(world, tmp_path):
    extra = published(date=dt.date(2024, 2, 1))
    written = release_write(folder=tmp_path / "r1", actor=None)
    rows = read(written.folder, "incidents.csv")
    expected = public_incidents(published_incidents().order_by("date", "reference"))
    assert [row["reference"] for row in rows] == [i.reference for i in expected]
    assert {row["reference"] for row in rows} == {world.incident.reference, extra.reference}
    by_reference = {row["reference"]: row for row in rows}
    for incident in expected:
        row = by_reference[incident.reference]
        assert row["summary"] == incident.summary and row["title"] == incident.title
        assert row["date"] == incident.date.isoformat()
        assert row["date_precision"] == incident.date_precision
    acts = read(written.folder, "acts.csv")
    assert len(acts) == sum(len(i.acts) for i in expected)


def test_nothing_unpublished_or_personal_is_in_any_file(world, tmp_path):
    written = release_write(folder=tmp_path / "r1", actor=None)
    for path in written.folder.iterdir():
        text = path.read_text(encoding="utf-8")
        for canary in CANARIES:
            assert canary not in text, (canary, path.name)
        for incident in (world.unpublished, world.unapproved, world.unverified):
            assert incident.reference not in text, path.name


def test_month_only_dates_carry_their_precision(world, tmp_path):
    incident = published(date=dt.date(2024, 7, 1))
    incident.date_precision = "month"
    incident.save()
    written = release_write(folder=tmp_path / "r1", actor=None)
    row = next(
        r for r in read(written.folder, "incidents.csv") if r["reference"] == incident.reference
    )
    assert (row["date"], row["date_precision"]) == ("2024-07-01", "month")
    acled = next(
        r for r in read(written.folder, "acled.csv") if r["event_id_cnty"] == incident.reference
    )
    assert acled["time_precision"] == "3"  # ACLED's "a day in a known month"


def test_locations_are_at_the_published_precision(world, tmp_path):
    written = release_write(folder=tmp_path / "r1", actor=None)
    features = json.loads((written.folder / "incidents.geojson").read_text())["features"]
    (feature,) = features
    longitude, latitude = feature["geometry"]["coordinates"]
    assert (latitude, longitude) == (51.5, -0.1)  # 51.512345, -0.123456 on a 0.05° grid
    assert feature["properties"]["place_precision"] == "town"
    row = read(written.folder, "incidents.csv")[0]
    assert row["place"] == "Testford" and row["latitude"] == "51.50"


def test_acled_and_hxl_layouts(world, tmp_path):
    written = release_write(folder=tmp_path / "r1", actor=None)
    with (written.folder / "acled.csv").open() as handle:
        header = next(csv.reader(handle))
    assert len(header) == 31 and header[0] == "event_id_cnty"
    with (written.folder / "hxl.csv").open() as handle:
        lines = list(csv.reader(handle))
    assert lines[1][lines[0].index("event_date")] == "#date+occurred"
    assert lines[1][lines[0].index("latitude")] == "#geo+lat"
    assert lines[2][0] == world.incident.reference


def _month_table(rows: list[dict], month: str):
    """The month's table as an outsider rebuilds it from aggregates.csv alone: the
    published counts, the hidden cells, zero where no row is given."""
    mine = [row for row in rows if row["month"] == month]
    forces = sorted({r["force"] for r in mine} - {"all"}) + ["all"]
    kinds = sorted({r["act_type"] for r in mine} - {"all"}) + ["all"]
    values = np.zeros((len(forces), len(kinds)))
    hidden = np.zeros(values.shape, dtype=bool)
    for row in mine:
        index = (forces.index(row["force"]), kinds.index(row["act_type"]))
        if row["suppressed"]:
            hidden[index] = True
        else:
            values[index] = int(row["acts"])
    return values, hidden


def test_suppressed_cells_cannot_be_recovered_from_the_totals(world, tmp_path):
    # March 2024: the Met with 9 arrests and 2 seizures, Kent with 1 arrest and 6 seizures.
    for _ in range(9):
        published(acts=("arrest",))
    for _ in range(2):
        published(acts=("seizure",))
    published(force="kent-police", acts=("arrest",))
    for _ in range(6):
        published(force="kent-police", acts=("seizure",))
    written = release_write(folder=tmp_path / "r1", actor=None)
    rows = read(written.folder, "aggregates.csv")
    march = [r for r in rows if r["month"] == "2024-03"]
    primary = [r for r in march if r["suppressed"] == "primary"]
    assert {(r["force"], r["act_type"]) for r in primary} == {
        ("metropolitan-police-service", "seizure"),
        ("kent-police", "arrest"),
    }
    assert any(r["suppressed"] == "complementary" for r in march)
    values, hidden = _month_table(rows, "2024-03")
    # The attack: the least and greatest value each hidden cell can take, given every
    # published count and total and that counts are never negative (linear programming).
    for cell, (low, high) in suppression_audit(values, hidden).items():
        assert high - low >= 1, f"cell {cell} is pinned to {low}"
    # And nothing under the threshold is shown as a number.
    assert all(int(r["acts"]) >= 5 or int(r["acts"]) == 0 for r in march if r["acts"])


def test_the_manifest_is_signed_and_the_sums_match(world, tmp_path, settings):
    written = release_write(folder=tmp_path / "r1", actor=None)
    folder = written.folder
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    manifest = (folder / "manifest.json").read_bytes()
    signature = (folder / "manifest.sig").read_text().strip()
    public = (folder / "public-key.pem").read_bytes()
    assert signature_valid(public, manifest, signature)
    assert not signature_valid(public, manifest.replace(b"1", b"2"), signature)
    assert base64.b64decode(signature)
    assert written.release.manifest_sha256 == hashlib.sha256(manifest).hexdigest()


def test_releases_are_immutable(world, tmp_path):
    written = release_write(folder=tmp_path / "r1", actor=None)
    assert all(path.stat().st_mode & 0o222 == 0 for path in written.folder.iterdir())
    with pytest.raises(ReleaseRefused, match="never written over"):
        release_write(folder=tmp_path / "r1", actor=None)
    second = release_write(folder=tmp_path / "r2", actor=None)
    assert second.release.version != written.release.version
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_changes_list_what_was_added_corrected_and_withdrawn(world, personas, tmp_path):
    kept, corrected, withdrawn = (published(), published(), published())
    release_write(folder=tmp_path / "r1", actor=None)
    added = published(date=dt.date(2024, 4, 2))
    act = corrected.acts.first()
    act.number_affected = 7
    act.save()
    publication_withdraw(incident=withdrawn, actor=personas["coordinator"])
    written = release_write(folder=tmp_path / "r2", actor=personas["coordinator"])
    assert written.added == [added.reference]
    assert written.corrected == [corrected.reference]
    assert written.withdrawn == [withdrawn.reference]
    changes = (written.folder / "CHANGES").read_text()
    assert f"Withdrawn (1):\n  {withdrawn.reference}" in changes
    assert kept.reference not in changes
    entry = AuditEntry.objects.filter(action="releases.release.written").first()
    assert entry.actor_name == "coordinator" and entry.changes["withdrawn"] == [None, 1]


def test_a_period_leaves_out_incidents_outside_it_without_calling_them_withdrawn(world, tmp_path):
    early = published(date=dt.date(2023, 1, 5))
    release_write(folder=tmp_path / "r1", actor=None)
    written = release_write(
        folder=tmp_path / "r2", actor=None, date_from=dt.date(2024, 1, 1), date_to=None
    )
    assert early.reference not in (written.folder / "incidents.csv").read_text()
    assert written.withdrawn == []


@pytest.mark.parametrize("persona", ["caseworker", "analyst"])
def test_only_coordinators_and_administrators_write_releases(world, personas, tmp_path, persona):
    with pytest.raises(PermissionDenied):
        release_write(folder=tmp_path / "r", actor=personas[persona])
    assert not (tmp_path / "r").exists()


def test_the_command_writes_a_release(world, tmp_path, capsys):
    call_command("release", "-o", str(tmp_path / "r1"), "--from", "2024-01-01")
    out = capsys.readouterr().out
    assert "1 published incidents" in out and "Manifest SHA-256" in out
    with pytest.raises(CommandError, match="never written over"):
        call_command("release", "-o", str(tmp_path / "r1"))


def test_the_releases_page_writes_one_and_the_public_list_follows_the_portal(
    world, client_for, settings, tmp_path
):
    settings.RELEASES_DIR = tmp_path / "releases"
    coordinator = client_for("coordinator")
    response = coordinator.post(reverse("releases:manage"), {"date_from": "", "date_to": ""})
    assert response.status_code == 302
    version = coordinator.get(reverse("releases:manage")).context["releases"][0].version
    anonymous = client_for("anonymous")
    assert anonymous.get(reverse("releases:list")).status_code == 404
    from tests.publishing.world import portal_on

    portal_on()
    assert version in anonymous.get(reverse("releases:list")).content.decode()
    data = anonymous.get(reverse("releases:file", args=[version, "incidents.csv"]))
    assert world.incident.reference in b"".join(data.streaming_content).decode()
    assert anonymous.get(reverse("releases:file", args=[version, "settings.py"])).status_code == 404
    archive = anonymous.get(reverse("releases:zip", args=[version]))
    assert archive["Content-Type"] == "application/zip"


def test_the_portal_links_to_the_releases(world, client_for):
    from tests.publishing.world import portal_on

    portal_on()
    page = client_for("anonymous").get("/")
    assert reverse("releases:list").encode() in page.content
