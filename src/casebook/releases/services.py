"""Writing an open data release: the published incidents of a period as a signed, versioned
folder of files that researchers, journalists and humanitarian tools can load.

A release carries only what the portal may show (`releases/rows.py` starts from the
publishing app's public values). It is written into a folder of its own that must not exist
yet (or be empty), first under a temporary name beside it, then renamed whole; its files are
made read-only, its manifest is signed, and a `Release` row keeps what it said about each
incident so that the next release's CHANGES can say what was added, corrected or withdrawn.
Nothing ever rewrites a release: a correction is a new release.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from casebook.accounts import roles
from casebook.audit.services import audit_record
from casebook.lib.signing import signing_key
from casebook.publishing.models import PortalSettings
from casebook.publishing.publishable import published_incidents
from casebook.releases import rows as release_rows
from casebook.releases.dictionary import dictionary_html, dictionary_markdown
from casebook.releases.models import Release
from casebook.releases.schema import resources
from casebook.transfer.formats.acled import COLUMNS as ACLED_COLUMNS

FORMAT = "casebook-open-data-release/1"
# HXL hashtags of ACLED's columns as HDX tags ACLED data (../shared/reference/hxl/), and the
# suggested tags for the two precision columns, which HDX does not tag.
HXL_TAGS = {
    "event_id_cnty": "#event+code",
    "event_date": "#date+occurred",
    "year": "#date+year",
    "time_precision": "#date+precision",
    "event_type": "#event+type",
    "sub_event_type": "#event+type+sub",
    "actor1": "#group+name+first",
    "assoc_actor_1": "#group+name+first+assoc",
    "actor2": "#group+name+second",
    "assoc_actor_2": "#group+name+second+assoc",
    "region": "#region+name",
    "country": "#country+name",
    "iso": "#country+code",
    "admin1": "#adm1+name",
    "admin2": "#adm2+name",
    "admin3": "#adm3+name",
    "location": "#loc+name",
    "latitude": "#geo+lat",
    "longitude": "#geo+lon",
    "geo_precision": "#geo+precision",
    "source": "#meta+source",
    "notes": "#description",
    "fatalities": "#affected+killed",
}
HXL_COLUMNS = tuple(column for column in ACLED_COLUMNS if column in HXL_TAGS)
SIGNED_FILES_EXCLUDED = ("SHA256SUMS", "manifest.json", "manifest.sig")


class ReleaseRefused(Exception):
    """A release cannot be written; the message says why and what to do."""


@dataclass(frozen=True)
class ReleaseWritten:
    release: Release
    folder: Path
    files: list[str]
    added: list[str]
    corrected: list[str]
    withdrawn: list[str]


def release_may_write(user) -> bool:
    return roles.can_verify(user)


def _version(today: dt.date) -> str:
    base = f"{today:%Y.%m.%d}"
    taken = set(Release.objects.filter(version__startswith=base).values_list("version", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


class _Writers:
    """The CSV and GeoJSON files, written incident by incident as they are read."""

    def __init__(self, folder: Path, tables, place_precision: str) -> None:
        self.place_precision = place_precision
        self.handles: list[TextIO] = []
        self.csv: dict[str, Any] = {}
        for resource in tables:
            self.csv[resource.name] = self._open(folder / resource.path, resource.header)
        self.csv["acled"] = self._open(folder / "acled.csv", list(ACLED_COLUMNS))
        self.csv["hxl"] = self._open(folder / "hxl.csv", list(HXL_COLUMNS))
        self.csv["hxl"].writerow([HXL_TAGS[column] for column in HXL_COLUMNS])
        self.geojson = open(folder / "incidents.geojson", "w", encoding="utf-8")  # noqa: SIM115
        self.handles.append(self.geojson)
        self.geojson.write('{"type": "FeatureCollection", "features": [\n')
        self.features = 0

    def _open(self, path: Path, header: list[str]):
        handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.handles.append(handle)
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        return writer

    def add(self, incident) -> None:
        self.csv["incidents"].writerow(release_rows.incident_row(incident, self.place_precision))
        self.csv["acts"].writerows(release_rows.act_rows(incident))
        self.csv["outcomes"].writerows(release_rows.outcome_rows(incident))
        self.csv["sources"].writerows(release_rows.source_rows(incident))
        acled = release_rows.acled_values(incident, self.place_precision)
        self.csv["acled"].writerow(acled)
        by_column = dict(zip(ACLED_COLUMNS, acled, strict=True))
        self.csv["hxl"].writerow([by_column[column] for column in HXL_COLUMNS])
        if incident.latitude is not None and incident.longitude is not None:
            feature = {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [incident.longitude, incident.latitude],
                },
                "properties": {
                    "reference": incident.reference,
                    "title": incident.title,
                    "date": incident.date.isoformat(),
                    "date_precision": incident.date_precision,
                    "place": incident.place,
                    "place_precision": self.place_precision,
                    "force": incident.force.slug if incident.force else None,
                    "act_types": [term.slug for term in incident.act_types],
                },
            }
            separator = ",\n" if self.features else ""
            self.geojson.write(separator + json.dumps(feature, ensure_ascii=False))
            self.features += 1

    def close(self) -> None:
        self.geojson.write("\n]}\n")
        for handle in self.handles:
            handle.close()


def _changes(previous: Release | None, now: dict[str, str]) -> tuple[list, list, list]:
    before = previous.fingerprints if previous else {}
    added = sorted(set(now) - set(before))
    corrected = sorted(ref for ref in now if ref in before and before[ref] != now[ref])
    gone = set(before) - set(now)
    # Out of this release's period but still published is not a withdrawal.
    still = set(
        published_incidents().filter(reference__in=gone).values_list("reference", flat=True)
    )
    return added, corrected, sorted(gone - still)


def _changes_text(version: str, previous: Release | None, added, corrected, withdrawn) -> str:
    since = f"release {previous.version}" if previous else "nothing (this is the first release)"
    lines = [f"Changes in release {version} since {since}, by stable incident reference.", ""]
    for title, refs in (("Added", added), ("Corrected", corrected), ("Withdrawn", withdrawn)):
        lines.append(f"{title} ({len(refs)}):")
        lines += [f"  {ref}" for ref in refs] or ["  none"]
        lines.append("")
    return "\n".join(lines)


def _readme(context: dict) -> str:
    return (
        f"# {context['title']}, release {context['version']}\n\n"
        f"Written {context['created']}. {context['count']} published incidents"
        f"{context['period']}. Licence: {context['licence']}.\n\n"
        "Only incidents the organisation has verified and published are here, as its public "
        "portal shows them: approved redacted text only, places and coordinates no finer than "
        f"the published precision ({context['place_precision']}), people never named or "
        "referenced.\n\n"
        "Files: `datapackage.json` (Frictionless data package: the Table Schema of every CSV), "
        "`incidents.csv`, `acts.csv`, `outcomes.csv`, `sources.csv`, `aggregates.csv` (acts by "
        f"month, force and act type, counts under {context['threshold']} suppressed with "
        "complementary suppression), `acled.csv` (ACLED's 31-column layout), `hxl.csv` (the "
        "same with HXL hashtags, for HDX tools), `incidents.geojson`, `data-dictionary.md` and "
        "`.html`, `CHANGES`, `public-key.pem`, `SHA256SUMS`, `manifest.json` and `manifest.sig`."
        "\n\nDates: `date_precision` says whether a date is known to the day, the month or the "
        "year; a month-only date is written as the first of the month and is not the 1st.\n\n"
        "## Checking it\n\n"
        "    sha256sum -c SHA256SUMS\n"
        "    base64 -d manifest.sig > manifest.sig.bin\n"
        "    openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin "
        "-in manifest.json -sigfile manifest.sig.bin\n\n"
        f"The signing key's fingerprint (SHA-256 of the raw key) is {context['fingerprint']}; "
        "compare it with the one the organisation publishes.\n"
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _target(folder: Path) -> Path:
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ReleaseRefused(
            f"{folder} exists and is not an empty folder: releases are never written over. "
            "Choose a new folder; a correction is a new release."
        )
    return folder


def release_write(
    *,
    folder: Path,
    actor,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    threshold: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReleaseWritten:
    """Write a new release of the published incidents of the period into `folder`.

    `actor` None is the command line. Raises PermissionDenied for anyone but coordinators
    and administrators, ReleaseRefused when `folder` already holds something.
    """
    if actor is not None and not release_may_write(actor):
        raise PermissionDenied("Only coordinators and administrators write releases.")
    if date_from and date_to and date_from > date_to:
        raise ReleaseRefused("--from is after --to: give the period's first day first.")
    folder = _target(folder)
    threshold = threshold or settings.SMALL_CELL_THRESHOLD
    key = signing_key(settings.SIGNING_KEY_FILE)
    portal = PortalSettings.current()
    created = timezone.now()
    version = _version(created.date())
    tables = resources()
    partial = folder.with_name(f".{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        writers = _Writers(partial, tables, portal.place_precision)
        counts, fingerprints = release_rows.MonthlyCounts(), {}
        try:
            for chunk in release_rows.release_chunks(date_from=date_from, date_to=date_to):
                for incident in chunk:
                    writers.add(incident)
                    counts.add(incident)
                    fingerprints[incident.reference] = release_rows.fingerprint(incident)
                if progress:
                    progress(len(chunk))
        finally:
            writers.close()
        aggregates = next(resource for resource in tables if resource.name == "aggregates")
        with (partial / aggregates.path).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(aggregates.header)
            writer.writerows(counts.rows(threshold=threshold))
        previous = Release.objects.order_by("-created_at", "-id").first()
        added, corrected, withdrawn = _changes(previous, fingerprints)
        (partial / "CHANGES").write_text(
            _changes_text(version, previous, added, corrected, withdrawn), encoding="utf-8"
        )
        period = ""
        if date_from or date_to:
            period = f" dated {date_from or 'the start'} to {date_to or 'today'}"
        title = f"{portal.name} open data"
        context = {
            "title": title,
            "version": version,
            "created": created.isoformat(timespec="seconds"),
            "count": len(fingerprints),
            "period": period,
            "licence": settings.RELEASE_LICENCE,
            "place_precision": portal.place_precision,
            "threshold": threshold,
            "fingerprint": key.fingerprint,
        }
        intro = (
            f"Release {version} of {portal.name}'s published incidents{period}. Every column "
            "of every file, as datapackage.json declares it."
        )
        (partial / "data-dictionary.md").write_text(
            dictionary_markdown(tables, title=title, intro=intro), encoding="utf-8"
        )
        (partial / "data-dictionary.html").write_text(
            dictionary_html(tables, title=title, intro=intro), encoding="utf-8"
        )
        (partial / "README.md").write_text(_readme(context), encoding="utf-8")
        (partial / "public-key.pem").write_text(key.public_pem(), encoding="ascii")
        package = {
            "profile": "tabular-data-package",
            "name": "casebook-release",
            "title": title,
            "version": version,
            "created": context["created"],
            "description": intro + f" Small counts (under {threshold}) are suppressed.",
            "licenses": [{"name": settings.RELEASE_LICENCE, "title": settings.RELEASE_LICENCE}],
            "sources": [{"title": f"{portal.name}: verified and published incidents"}],
            "contributors": [{"title": portal.name, "role": "publisher"}],
            "resources": [resource.descriptor() for resource in tables],
        }
        (partial / "datapackage.json").write_text(
            json.dumps(package, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        names = sorted(path.name for path in partial.iterdir())
        sums = {name: _sha256(partial / name) for name in names}
        (partial / "SHA256SUMS").write_text(
            "".join(f"{digest}  {name}\n" for name, digest in sums.items()), encoding="ascii"
        )
        manifest = {
            "format": FORMAT,
            "version": version,
            "created": context["created"],
            "incidents": len(fingerprints),
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
            "previous": previous.version if previous else None,
            "signing_key_fingerprint": key.fingerprint,
            "files": [{"path": name, "sha256": digest} for name, digest in sums.items()],
        }
        manifest_bytes = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
        (partial / "manifest.json").write_bytes(manifest_bytes)
        (partial / "manifest.sig").write_text(key.sign(manifest_bytes) + "\n", encoding="ascii")
        for path in partial.iterdir():
            path.chmod(0o444)
        if folder.exists():
            folder.rmdir()  # empty, checked above
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    with transaction.atomic():
        release = Release.objects.create(
            version=version,
            created_at=created,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            date_from=date_from,
            date_to=date_to,
            incident_count=len(fingerprints),
            manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
            signing_key=key.fingerprint,
            folder=str(folder.resolve()),
            fingerprints=fingerprints,
        )
        audit_record(
            action="releases.release.written",
            instance=release,
            actor=actor,
            changes={
                "version": [None, version],
                "incidents": [None, len(fingerprints)],
                "added": [None, len(added)],
                "corrected": [None, len(corrected)],
                "withdrawn": [None, len(withdrawn)],
                "manifest_sha256": [None, release.manifest_sha256],
            },
        )
    return ReleaseWritten(
        release, folder, [*names, *SIGNED_FILES_EXCLUDED], added, corrected, withdrawn
    )
