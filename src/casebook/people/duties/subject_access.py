"""Subject access: everything Casebook holds about one person, in one zip archive.

The archive holds `person.json` (their details, opened; consent; every act and incident they
are part of, with its outcomes; their evidence files' records; the audit entries about them)
and `evidence/<sha256>.<ext>`, the original evidence files attached to them. Staff network
addresses in the audit entries are left out (they are the staff's personal data, not the
person's); who did what, and when, is kept.

Records kept by other apps (evidence files, with sources) come from their holders
(`people/duties/holders.py`). The archive is written with mode 600. It is as sensitive as
the person's record: hand it over by a safe route and delete it afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from casebook.audit.models import AuditEntry
from casebook.audit.services import audit_record
from casebook.cases.models import Outcome
from casebook.people.duties.holders import holders
from casebook.people.models import Involvement, Person

README = """\
Everything Casebook holds about {reference}, written on {written}.

person.json   the details, consent, involvements (acts, incidents, roles, outcomes),
              evidence records, newsletter subscriptions of their contact address and
              the audit entries about this person.
evidence/     the original evidence files attached to this person, named by their SHA-256.
"""


@dataclass
class SubjectAccessReport:
    output: Path
    involvements: int
    evidence_files: int
    audit_entries: int


def _value(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def person_record(person: Person) -> dict:
    """The person's own row: details (opened) and consent."""
    if person.is_erased:
        details = None
    else:
        details = {name: _value(getattr(person, name)) for name in Person.PERSONAL_FIELDS}
    return {
        "reference": person.reference,
        "details": details,
        "consent": {
            "record": person.consent_record,
            "share": person.consent_share,
            "publish": person.consent_publish,
            "given_at": _value(person.consent_given_at),
        },
        "created_at": _value(person.created_at),
        "erased_at": _value(person.erased_at),
        "erasure_reason": person.erasure_reason or None,
    }


def _involvements(person: Person) -> list[dict]:
    rows = (
        Involvement.objects.filter(person=person)
        .select_related(
            "act__incident__force", "act__act_type", "act__legal_provision", "act__trigger_type"
        )
        .prefetch_related(
            Prefetch("act__outcomes", queryset=Outcome.objects.select_related("outcome_type"))
        )
        .order_by("act__incident__date", "act_id")
    )
    result = []
    for involvement in rows:
        act, incident = involvement.act, involvement.act.incident
        result.append(
            {
                "role": involvement.role,
                "incident": {
                    "reference": incident.reference,
                    "title": incident.title,
                    "date": _value(incident.date),
                    "place": incident.place,
                    "force": incident.force.name if incident.force else None,
                    "status": incident.status,
                },
                "act": {
                    "type": str(act.act_type),
                    "number_affected": act.number_affected,
                    "legal_provision": str(act.legal_provision) if act.legal_provision else None,
                    "offence_wording": act.offence_wording,
                    "trigger": str(act.trigger_type) if act.trigger_type else None,
                    "trigger_wording": act.trigger_wording,
                    "outcomes": [
                        {"outcome": str(o.outcome_type), "date": _value(o.date), "note": o.note}
                        for o in act.outcomes.all()
                    ],
                },
            }
        )
    return result


def _audit_entries(person: Person, subjects: list[tuple[str, str]]) -> list[dict]:
    about = Q(object_type=Person._meta.label_lower, object_id=str(person.pk))
    for object_type, object_id in subjects:
        about |= Q(object_type=object_type, object_id=object_id)
    entries = AuditEntry.objects.filter(about).order_by("sequence")
    return [
        {
            "sequence": e.sequence,
            "at": _value(e.at),
            "by": e.actor_name or "system",
            "action": e.action,
            "changes": e.changes,
        }
        for e in entries
    ]


def person_export(
    *, person: Person, output: Path, actor=None, ip_address: str | None = None
) -> SubjectAccessReport:
    """Write the subject access archive for `person` to `output` (a .zip path)."""
    output = Path(output)
    involvements = _involvements(person)
    held = [holder.held(person=person) for holder in holders()]
    files = [item for part in held for item in part.files]
    record = person_record(person)
    record["involvements"] = involvements
    temporary = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with (
            os.fdopen(descriptor, "wb") as handle,
            zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for item in files:
                with item.open() as blob, archive.open(item.name, "w") as target:
                    while chunk := blob.read(1024 * 1024):
                        target.write(chunk)
            for part in held:
                record[part.section] = part.records
            with transaction.atomic():
                audit_record(
                    action="people.person.exported",
                    instance=person,
                    actor=actor,
                    ip_address=ip_address,
                    changes={
                        "reference": person.reference,
                        "evidence_files": len(files),
                        "involvements": len(involvements),
                    },
                )
            # The audit trail about the person, including this export.
            subjects = [subject for part in held for subject in part.audit_subjects]
            record["audit"] = _audit_entries(person, subjects)
            archive.writestr("person.json", json.dumps(record, indent=2, ensure_ascii=False))
            archive.writestr(
                "README.txt",
                README.format(
                    reference=person.reference, written=timezone.now().isoformat(timespec="seconds")
                ),
            )
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
    return SubjectAccessReport(output, len(involvements), len(files), len(record["audit"]))
