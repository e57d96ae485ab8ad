"""The casebook's incidents as the compare package's records.

Everything is read in a handful of grouped queries (no query per incident), and people only
through the keyed hashes of the blind index: a person's tokens (kept in the keyring, see
`people.services.people_index_tokens`) are hashed once more into one token per person, so
two incidents share a person when the same details (name and contact) were recorded on
both. No person's details are opened.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from casebook.cases.models import Act, Incident, NumberPrecision
from casebook.linkage.compare.records import ActSummary, LinkageRecord
from casebook.people.models import Involvement
from casebook.people.services import people_index_tokens
from casebook.sources.models import EvidenceFile, IncidentSource

BATCH = 2000


def person_token(search_tokens: str) -> str | None:
    """One token for one person's blind-index tokens (None for a person with none left).

    >>> person_token(" 0a 1b ") == person_token("1b 0a")
    True
    >>> person_token("  ") is None
    True
    """
    tokens = sorted(set(search_tokens.split()))
    if not tokens:
        return None
    return hashlib.sha256(" ".join(tokens).encode()).hexdigest()[:20]


def incident_as_record(incident: Incident) -> LinkageRecord:
    return incidents_as_records(Incident.objects.filter(pk=incident.pk))[0]


def incidents_as_records(incidents: QuerySet[Incident] | None = None) -> list[LinkageRecord]:
    """Every incident of `incidents` (all of them by default) as a `LinkageRecord`, whose
    `record_id` is the incident's reference."""
    queryset = (Incident.objects.all() if incidents is None else incidents).select_related("force")
    records: list[LinkageRecord] = []
    batch: list[Incident] = []
    for incident in queryset.order_by("id").iterator(chunk_size=BATCH):
        batch.append(incident)
        if len(batch) == BATCH:
            records.extend(_records_of(batch))
            batch = []
    if batch:
        records.extend(_records_of(batch))
    return records


def _records_of(incidents: list[Incident]) -> Iterable[LinkageRecord]:
    ids = [incident.pk for incident in incidents]
    acts: dict[int, list[ActSummary]] = defaultdict(list)
    provisions: dict[int, set[str]] = defaultdict(set)
    triggers: dict[int, list[str]] = defaultdict(list)
    rows = Act.objects.filter(incident_id__in=ids).values_list(
        "incident_id",
        "act_type__slug",
        "number_affected",
        "number_precision",
        "legal_provision__slug",
        "trigger_wording",
    )
    for incident_id, act_type, number, precision, provision, wording in rows:
        approximate = precision == NumberPrecision.APPROXIMATE
        acts[incident_id].append(ActSummary(act_type, number, approximate))
        if provision:
            provisions[incident_id].add(provision)
        if wording:
            triggers[incident_id].append(wording)
    people: dict[int, set[str]] = defaultdict(set)
    involved = list(
        Involvement.objects.filter(act__incident_id__in=ids).values_list(
            "act__incident_id", "person__key_id"
        )
    )
    tokens_of = people_index_tokens(key_id for _, key_id in involved)
    for incident_id, key_id in involved:
        token = person_token(" ".join(tokens_of.get(str(key_id), [])))
        if token:
            people[incident_id].add(token)
    evidence: dict[int, set[str]] = defaultdict(set)
    photos: dict[int, set[str]] = defaultdict(set)
    attached = [
        EvidenceFile.objects.filter(incident_id__in=ids).values_list(
            "incident_id", "sha256", "perceptual_hash"
        ),
        EvidenceFile.objects.filter(source__incident_links__incident_id__in=ids).values_list(
            "source__incident_links__incident_id", "sha256", "perceptual_hash"
        ),
    ]
    for rows_of_files in attached:
        for incident_id, sha256, phash in rows_of_files:
            evidence[incident_id].add(sha256)
            if phash:
                photos[incident_id].add(phash)
    channels: dict[int, set[str]] = defaultdict(set)
    for incident_id, channel in IncidentSource.objects.filter(incident_id__in=ids).values_list(
        "incident_id", "source__channel__slug"
    ):
        channels[incident_id].add(channel)
    for incident in incidents:
        pk = incident.pk
        yield LinkageRecord(
            record_id=incident.reference,
            date=incident.date,
            date_precision=incident.date_precision,
            force=incident.force.slug if incident.force else None,
            place=incident.place,
            latitude=float(incident.latitude) if incident.latitude is not None else None,
            longitude=float(incident.longitude) if incident.longitude is not None else None,
            protest=str(incident.protest_id) if incident.protest_id else None,
            acts=tuple(acts[pk]),
            provisions=tuple(sorted(provisions[pk])),
            trigger_wording=" ".join(triggers[pk]),
            title=incident.title,
            summary=incident.summary,
            evidence_sha256=tuple(sorted(evidence[pk])),
            evidence_phash=tuple(sorted(photos[pk])),
            people_hashes=tuple(sorted(people[pk])),
            channels=tuple(sorted(channels[pk])),
            time=incident.time,
        )
