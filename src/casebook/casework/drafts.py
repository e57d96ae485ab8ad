"""An incident described whole, as cleaned values: what the editor hands `incident_save`.

The incident editor (`casework/forms/editor.py`) and the news monitor's review queue build an
`IncidentDraft`; `casework.services.incident_save` writes it. Rows refer to existing records
by id; a row without an id is new, a row marked `delete` goes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from casebook.cases.models import Act, Incident
from casebook.people.models import Involvement

# What the editor writes of each record. The incident's and act's lists are the models' own,
# shared with imports (transfer/planning.py).
INCIDENT_FIELDS = Incident.EDITABLE_FIELDS
ACT_FIELDS = Act.EDITABLE_FIELDS
SOURCE_FIELDS = (
    "kind",
    "channel",
    "title",
    "url",
    "publisher",
    "published_at",
    "text",
    "reliability",
    "credibility",
)
PROTEST_FIELDS = ("name", "date", "place", "organiser", "cause")
# Personal fields: the audit trail records that they changed, never their values.
PERSON_FIELDS = ("full_name", "contact", "consent_record", "consent_share", "consent_publish")


@dataclass
class OutcomeDraft:
    outcome_type: Any  # codebook OutcomeType
    date: dt.date | None = None
    note: str = ""


@dataclass
class ActDraft:
    fields: dict[str, Any]
    id: int | None = None
    delete: bool = False
    outcome: OutcomeDraft | None = None


@dataclass
class SourceDraft:
    fields: dict[str, Any]
    supports: str = ""
    id: int | None = None
    delete: bool = False
    # Did the source's channel find the incident on its own (see IncidentSource)? None keeps
    # what is recorded (True for a new link).
    found_independently: bool | None = None


@dataclass
class PersonDraft:
    fields: dict[str, Any]
    role: str = Involvement.Role.AFFECTED
    act_index: int = 0  # index into IncidentDraft.acts
    involvement_id: int | None = None
    delete: bool = False


@dataclass
class IncidentDraft:
    fields: dict[str, Any]
    tags: list[str] = field(default_factory=list)
    new_protest: dict[str, Any] | None = None
    acts: list[ActDraft] = field(default_factory=list)
    sources: list[SourceDraft] = field(default_factory=list)
    # None leaves the incident's people untouched (the editor may not see them).
    people: list[PersonDraft] | None = None


def tag_names(text: str) -> list[str]:
    """Tags from a comma-separated field, trimmed, without blanks or repeats.

    >>> tag_names(" kettling, Placards ,, kettling")
    ['kettling', 'Placards']
    """
    names: list[str] = []
    for raw in text.split(","):
        name = " ".join(raw.split())
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names
