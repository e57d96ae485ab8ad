"""An import reads its file as a stream, a chunk of incidents at a time, twice (to check,
then to write), and holds neither the file nor its records: what it writes must not depend
on where the chunks fall, and it must read any file it is given, however given."""

from __future__ import annotations

import io
import json
import re

import pytest

from casebook.cases.models import Incident, Protest
from casebook.sources.models import Source
from casebook.transfer import services
from casebook.transfer.services import ImportFileError, incidents_export, incidents_import
from tests.transfer.conftest import csv_bytes, incident_row

pytestmark = pytest.mark.django_db


def mixed_file() -> bytes:
    """Rows of one incident apart from each other, rows without an id, a source cited by
    several incidents (by address, and by title alone), a protest named by several."""
    shared = {"source_url": "https://news.example.test/story/shared"}
    untitled = {"source_url": "", "source_title": "Invented leaflet", "source_publisher": ""}
    return csv_bytes(
        [
            incident_row(incident_id="a", protest="Invented march", tags="night", **shared),
            incident_row(incident_id="b", title="Invented kettle", act_type="dispersal"),
            incident_row(incident_id="", title="Invented search", date="2024-05-01", **untitled),
            incident_row(incident_id="a", act_id="2", act_type="seizure", **untitled),
            incident_row(incident_id="c", title="Invented stop", protest="Invented march"),
            incident_row(incident_id="b", title="Invented kettle", act_id="2", **shared),
            incident_row(incident_id="", title="Invented caution", date="2024-05-02", **untitled),
            incident_row(incident_id="d", title="Invented dispersal", date="2023-02-01"),
        ]
    )


def comparable_export() -> list:
    """The full export, without the keys and references a casebook hands out anew."""
    stream = io.StringIO()
    incidents_export(stream=stream, actor=None, format="json", personal_data=True)
    text = re.sub(r"CB-\d{4}-\d{6}", "CB-#", stream.getvalue())
    text = re.sub(r'"(act|source)-\d+"', r'"\1-#"', text)
    return json.loads(text)["incidents"]


def test_where_the_chunks_fall_changes_nothing_that_is_written(
    coordinator, monkeypatch, reference_data
):
    report = incidents_import(file=mixed_file(), actor=coordinator)
    assert report.ok, report.problems
    whole = comparable_export()
    references = list(Incident.objects.order_by("pk").values_list("external_id", flat=True))
    Incident.objects.all().delete()
    Source.objects.all().delete()
    Protest.objects.all().delete()

    monkeypatch.setattr(services, "CHUNK", 1)
    report = incidents_import(file=mixed_file(), actor=coordinator)

    assert report.ok, report.problems
    assert report.created == 6
    assert comparable_export() == whole
    # In the order the incidents first appear in the file, however their rows are spread.
    again = list(Incident.objects.order_by("pk").values_list("external_id", flat=True))
    assert again == references == ["a", "b", None, "c", None, "d"]
    assert Source.objects.filter(url__endswith="/shared").count() == 1
    assert Source.objects.filter(title="Invented leaflet").count() == 1
    assert Protest.objects.filter(name="Invented march").count() == 1


def test_a_problem_in_a_later_chunk_stops_the_whole_file(coordinator, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 1)
    rows = [incident_row(incident_id=f"id-{n}", title=f"Invented {n}") for n in range(4)]
    rows[3]["force"] = "Invented Constabulary"

    report = incidents_import(file=csv_bytes(rows), actor=coordinator)

    assert not report.ok
    assert [(p.where, p.field) for p in report.problems] == [("Row 5", "force")]
    assert not Incident.objects.exists()


class _Pipe(io.RawIOBase):
    """Bytes that can be read once, from the start, as from a pipe."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self.data.readinto(buffer)


def test_a_file_that_cannot_be_read_twice_is_imported_whole(coordinator):
    rows = [incident_row(incident_id=f"id-{n}", title=f"Invented {n}") for n in range(3)]
    stream = io.BufferedReader(_Pipe(csv_bytes(rows)))
    assert not stream.seekable()

    report = incidents_import(file=stream, actor=coordinator)

    assert report.ok, report.problems
    assert report.created == 3


def test_a_file_that_stops_being_utf8_far_in_is_refused_whole(coordinator):
    rows = [incident_row(incident_id=f"id-{n}", title=f"Invented {n}") for n in range(200)]
    data = csv_bytes(rows).replace(b"Invented 199", "Invented 199 é".encode("latin-1"))

    with pytest.raises(ImportFileError, match="not UTF-8 text.*CSV UTF-8"):
        incidents_import(file=data, actor=coordinator)

    assert not Incident.objects.exists()
