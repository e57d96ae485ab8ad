"""What goes into an evidence bundle, as plain data: the incident, its sources, its people
(as far as the requester's role and each person's consent allow), the evidence files with
their chain of custody, and the audit entries with the chain links between them.

Nothing here writes; `bundles/services.py` puts these into the zip.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from casebook.accounts import roles
from casebook.audit.models import AuditEntry
from casebook.audit.services import entry_content, entry_fields
from casebook.bundles.verifier import ENTRY_FIELDS
from casebook.cases.models import Incident
from casebook.people.models import Involvement, Person
from casebook.redaction.approved import approved_text_for
from casebook.sources.evidence.holder import EXTENSIONS
from casebook.sources.evidence.services import evidence_details_visible_to
from casebook.sources.models import EvidenceFile, IncidentSource

WITHHELD = "[withheld: no approved redaction]"


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, dt.date | dt.time) else value


def evidence_path(evidence: EvidenceFile) -> str:
    """Where an original lives in the bundle: by its hash, so one blob is stored once."""
    return f"evidence/{evidence.sha256}.{EXTENSIONS.get(evidence.media_type, 'bin')}"


def incident_evidence(incident: Incident):
    """Evidence attached to the incident itself or to one of the sources it cites."""
    return (
        EvidenceFile.objects.filter(
            Q(incident=incident) | Q(source__incident_links__incident=incident)
        )
        .distinct()
        .select_related("added_by", "incident", "source", "person")
        .order_by("added_at", "id")
    )


@dataclass
class Outlook:
    """Who the bundle is for: what of the record it may carry."""

    actor: Any
    redacted: bool

    @property
    def may_see_people(self) -> bool:
        # The command line (actor None) is the operator of the installation, who holds the
        # keys; the web asks for a coordinator or an administrator before getting here.
        return not self.redacted and (self.actor is None or roles.sees_all_people(self.actor))

    def text(self, obj, field_name: str, *, approvable: bool = False) -> str:
        """A free-text field as the bundle may carry it."""
        value = getattr(obj, field_name) or ""
        if not self.redacted or not value:
            return value
        if approvable:
            approved = approved_text_for(obj, field_name)
            if approved is not None:
                return approved
        return WITHHELD


# --- The incident, its people and sources ---------------------------------------------------


def person_record(person: Person, *, outlook: Outlook) -> dict:
    """A person by reference, with their details only where role and consent allow."""
    record: dict[str, Any] = {"reference": person.reference, "details": None}
    if outlook.redacted:
        record["details_left_out"] = "a redacted bundle carries no personal details"
    elif not outlook.may_see_people:
        record["details_left_out"] = "the requester's role may not see people's details"
    elif person.is_erased:
        record["details_left_out"] = "erased"
    elif not person.consent_share:
        record["details_left_out"] = "the person did not consent to their details being shared"
    else:
        record["details"] = {
            "full_name": person.full_name,
            "contact": person.contact,
            "address": person.address,
            "date_of_birth": _iso(person.date_of_birth),
        }
        record["details_left_out"] = None
    record["consent"] = {
        "record": person.consent_record,
        "share": person.consent_share,
        "publish": person.consent_publish,
    }
    return record


def incident_record(incident: Incident, *, outlook: Outlook) -> tuple[dict, list[str]]:
    """The incident with its acts, outcomes and people; and the references of the people
    whose details it carries."""
    acts = []
    people_out: list[str] = []
    people: dict[int, dict] = {}
    involvements = defaultdict(list)
    for involvement in Involvement.objects.filter(act__incident=incident).select_related("person"):
        involvements[involvement.act_id].append(involvement)
        if involvement.person_id not in people:
            people[involvement.person_id] = person_record(involvement.person, outlook=outlook)
    for act in incident.acts.select_related(
        "act_type", "legal_provision", "trigger_type", "perpetrator"
    ).order_by("position", "id"):
        acts.append(
            {
                "act_type": act.act_type.label,
                "number_affected": act.number_affected,
                "number_precision": act.number_precision,
                "legal_provision": act.legal_provision.citation if act.legal_provision else None,
                "offence_wording": outlook.text(act, "offence_wording"),
                "trigger_type": act.trigger_type.label if act.trigger_type else None,
                "trigger_wording": outlook.text(act, "trigger_wording"),
                "perpetrator": act.perpetrator.name if act.perpetrator else None,
                "perpetrator_unit": outlook.text(act, "perpetrator_unit"),
                "outcomes": [
                    {
                        "outcome": outcome.outcome_type.label,
                        "date": _iso(outcome.date),
                        "note": outlook.text(outcome, "note"),
                    }
                    for outcome in act.outcomes.select_related("outcome_type").order_by("id")
                ],
                "people": [
                    {"reference": item.person.reference, "role": item.role}
                    for item in involvements[act.pk]
                ],
            }
        )
    for record in people.values():
        if record["details"] is not None:
            people_out.append(record["reference"])
    data = {
        "reference": incident.reference,
        "title": outlook.text(incident, "title", approvable=True),
        "summary": outlook.text(incident, "summary", approvable=True),
        "status": incident.status,
        "date": _iso(incident.date),
        "date_precision": incident.date_precision,
        "end_date": _iso(incident.end_date),
        "time": _iso(incident.time),
        "place": outlook.text(incident, "place"),
        "country": incident.country,
        "latitude": str(incident.latitude) if incident.latitude is not None else None,
        "longitude": str(incident.longitude) if incident.longitude is not None else None,
        "coordinate_precision": incident.coordinate_precision,
        "force": incident.force.name if incident.force else None,
        "acts": acts,
        "people": sorted(people.values(), key=lambda item: item["reference"]),
    }
    return data, sorted(people_out)


def source_records(incident: Incident, *, outlook: Outlook) -> list[dict]:
    """The sources the incident cites, with their texts and admiralty grades."""
    records = []
    links = (
        IncidentSource.objects.filter(incident=incident)
        .select_related("source__channel")
        .order_by("id")
    )
    for link in links:
        source = link.source
        text = outlook.text(source, "text", approvable=True)
        records.append(
            {
                "id": source.pk,
                "kind": source.get_kind_display(),
                "channel": source.channel.name,
                "title": outlook.text(source, "title", approvable=True),
                "url": WITHHELD if outlook.redacted and source.url else source.url,
                "publisher": outlook.text(source, "publisher"),
                "author": outlook.text(source, "author"),
                "published_at": _iso(source.published_at),
                "retrieved_at": _iso(source.retrieved_at),
                "reliability": source.reliability,
                "credibility": source.credibility,
                "grade": source.grade,
                "grade_meaning": (
                    f"{source.get_reliability_display()}; {source.get_credibility_display()}"
                ),
                "supports": outlook.text(link, "supports"),
                "found_independently": link.found_independently,
                "text": text,
                # The hash of the text as it was recorded: re-hash `text` to compare (an
                # approved redaction is a different text and will not match).
                "text_sha256": source.text_sha256,
                "text_is_redacted": text != source.text,
            }
        )
    return records


# --- Evidence and its chain of custody --------------------------------------------------------


def _viewed_ids(entry: AuditEntry) -> set[str]:
    shown = (entry.changes or {}).get("evidence") or [None, ""]
    listed = shown[1] if isinstance(shown, list) and len(shown) > 1 else ""
    return {part.strip().lstrip("#") for part in str(listed or "").split(",") if part.strip()}


def custody_records(
    evidence: list[EvidenceFile], entries: list[AuditEntry], *, outlook: Outlook
) -> list[dict]:
    """Each file: who added it, when and from where, and every later access the trail holds."""
    records = []
    for item in evidence:
        own = str(item.pk)
        accesses = [
            {
                "sequence": entry.sequence,
                "at": _iso(entry.at),
                "by": entry.actor_name or "the system (a command or a scheduled job)",
                "action": entry.action,
                "what": entry.wording,
                "from": None if outlook.redacted else entry.ip_address,
            }
            for entry in entries
            if (entry.object_type == "sources.evidencefile" and entry.object_id == own)
            or (entry.action == "sources.evidence.viewed" and own in _viewed_ids(entry))
            or (entry.action == "bundles.bundle.made" and own in _viewed_ids(entry))
        ]
        record: dict[str, Any] = {
            "evidence_id": item.pk,
            "sha256": item.sha256,
            "size": item.size,
            "media_type": item.media_type,
            "attached_to": {
                "incident": item.incident.reference if item.incident else None,
                "source": item.source_id,
                "person": item.person.reference if item.person else None,
            },
            "added_by": item.added_by.get_username() if item.added_by else "the system",
            "added_at": _iso(item.added_at),
            "added_from": None if outlook.redacted else item.added_from,
            "accesses": accesses,
        }
        if not outlook.redacted and (
            outlook.actor is None or evidence_details_visible_to(user=outlook.actor, evidence=item)
        ):
            record["restricted"] = {
                "original_filename": item.original_filename,
                "caption": item.caption,
                "captured_at": _iso(item.captured_at),
                "capture_offset_known": item.capture_offset_known,
                "gps": (
                    [str(item.gps_latitude), str(item.gps_longitude)] if item.has_location else None
                ),
                "device": " ".join(filter(None, [item.device_make, item.device_model])) or None,
            }
        records.append(record)
    return records


# --- Audit entries and chain links -------------------------------------------------------------


def audit_entries(incident: Incident, evidence: list[EvidenceFile]) -> list[AuditEntry]:
    """The incident's history and every entry about one of its evidence files."""
    ids = [str(item.pk) for item in evidence]
    return list(
        AuditEntry.objects.filter(
            Q(incident_reference=incident.reference)
            | Q(object_type="sources.evidencefile", object_id__in=ids)
        ).order_by("sequence")
    )


def audit_entry_line(entry: AuditEntry) -> tuple[dict, bytes]:
    """An entry as the bundle shows it, and the exact bytes its keyed hash covers."""
    covered = entry_content(**entry_fields(entry))
    previous, content = covered.decode().split("\n", 1)
    line = {
        "sequence": entry.sequence,
        "previous_hash": entry.previous_hash,
        "entry_hash": entry.entry_hash,
        "content": content,
    }
    # The readable fields are the content's own values, so verify.py can compare them.
    values = dict(zip(ENTRY_FIELDS, json.loads(content), strict=True))
    line.update(values)
    line["wording"] = entry.wording
    return line, covered


def chain_links(first: int, last: int, included: set[int]) -> Iterator[dict]:
    """The hashes (never the content) of the entries between `first` and `last` that are
    not in the bundle, so the stretch of chain can be followed without a gap."""
    rows = (
        AuditEntry.objects.filter(sequence__gte=first, sequence__lte=last)
        .order_by("sequence")
        .values_list("sequence", "previous_hash", "entry_hash")
        .iterator(chunk_size=5000)
    )
    for sequence, previous_hash, entry_hash in rows:
        if sequence not in included:
            yield {"sequence": sequence, "previous_hash": previous_hash, "entry_hash": entry_hash}


@dataclass
class BundleContents:
    incident: dict
    people_with_details: list[str]
    sources: list[dict]
    evidence: list[EvidenceFile]
    custody: list[dict]
    entries: list[AuditEntry]
    left_out: list[str] = field(default_factory=list)
