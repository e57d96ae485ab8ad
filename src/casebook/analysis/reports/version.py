"""The data version of a report: a content hash of the records its figures were computed from,
and the codebook's version, so that anyone holding two reports can tell whether they came
from the same data.

The hash covers what the figures read, value by value, in primary-key order: the incidents
matching the report's filters (date and its precision, force, country, protest, status,
tags), their acts (type, provision, trigger, number affected), the acts' outcomes (type,
date), their source links (channel, retrieval date, found independently or not), every
source's channel and retrieval date (the recording coverage counts them all), and the lists
channels are mapped to (the undercount estimate's capture histories). Editing a title or a
summary changes no figure and leaves the version alone; editing a date, a force, a count or
an outcome changes it. Nothing personal is read: people are counted through acts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from casebook.analysis.lists.models import CaptureList, ListChannel
from casebook.cases.models import Act, Incident, Outcome
from casebook.codebook.models import Jurisdiction
from casebook.sources.models import IncidentSource, Source

CHUNK = 5000
SHOWN = 16  # hex digits printed: 64 bits, enough to tell versions apart by eye


@dataclass(frozen=True)
class DataVersion:
    digest: str  # SHA-256 of the records, in hex
    codebook: str  # "uk 2026.1"

    @property
    def short(self) -> str:
        return self.digest[:SHOWN]

    def __str__(self) -> str:
        return f"{self.short} · codebook {self.codebook or 'none loaded'}"


def _feed(digest, name: str, rows: Iterable[tuple]) -> None:
    digest.update(f"\n[{name}]\n".encode())
    for row in rows:
        digest.update("|".join("" if v is None else str(v) for v in row).encode())
        digest.update(b"\n")


def codebook_version() -> str:
    """Every loaded jurisdiction's code and version: "uk 2026.1"."""
    return ", ".join(
        f"{code} {version}"
        for code, version in Jurisdiction.objects.order_by("code").values_list("code", "version")
    )


def data_version_of(incidents: QuerySet[Incident]) -> DataVersion:
    """The version of the data behind figures computed from `incidents`."""
    digest = hashlib.sha256()
    ids = incidents.order_by().values("pk")
    _feed(
        digest,
        "incidents",
        Incident.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "date", "date_precision", "force_id", "country", "protest_id", "status")
        .iterator(chunk_size=CHUNK),
    )
    _feed(
        digest,
        "tags",
        Incident.tags.through.objects.filter(incident_id__in=ids)
        .order_by("incident_id", "tag_id")
        .values_list("incident_id", "tag_id")
        .iterator(chunk_size=CHUNK),
    )
    acts = Act.objects.filter(incident_id__in=ids)
    _feed(
        digest,
        "acts",
        acts.order_by("pk")
        .values_list(
            "pk",
            "incident_id",
            "act_type_id",
            "legal_provision_id",
            "trigger_type_id",
            "number_affected",
        )
        .iterator(chunk_size=CHUNK),
    )
    _feed(
        digest,
        "outcomes",
        Outcome.objects.filter(act_id__in=acts.values("pk"))
        .order_by("pk")
        .values_list("pk", "act_id", "outcome_type_id", "date")
        .iterator(chunk_size=CHUNK),
    )
    _feed(
        digest,
        "source links",
        IncidentSource.objects.filter(incident_id__in=ids)
        .order_by("pk")
        .values_list("pk", "incident_id", "source_id", "found_independently")
        .iterator(chunk_size=CHUNK),
    )
    _feed(
        digest,
        "sources",
        Source.objects.order_by("pk")
        .values_list("pk", "channel_id", "retrieved_at")
        .iterator(chunk_size=CHUNK),
    )
    _feed(digest, "lists", CaptureList.objects.order_by("pk").values_list("pk", "position", "name"))
    _feed(
        digest,
        "list channels",
        ListChannel.objects.order_by(
            "capture_list__position", "capture_list_id", "channel_id"
        ).values_list("capture_list_id", "capture_list__position", "channel_id"),
    )
    return DataVersion(digest.hexdigest(), codebook_version())
