"""A request body turned into the incident editor's `IncidentDraft`, codebook slugs resolved.

Every unknown slug is collected and reported at once, each under its field ("acts.1.act_type"),
before anything is written; what the draft then breaks is `incident_save`'s to say, in the
editor's own words.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from casebook.api.schemas import IncidentIn
from casebook.cases.models import Protest
from casebook.casework.drafts import (
    ACT_FIELDS,
    INCIDENT_FIELDS,
    PERSON_FIELDS,
    SOURCE_FIELDS,
    ActDraft,
    IncidentDraft,
    OutcomeDraft,
    PersonDraft,
    SourceDraft,
    tag_names,
)
from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType
from casebook.sources.models import Channel

_LOOKUPS = {
    "force": (Organisation, "police force"),
    "perpetrator": (Organisation, "police force"),
    "act_type": (ActType, "act type"),
    "legal_provision": (LegalProvision, "legal provision"),
    "trigger_type": (TriggerType, "trigger type"),
    "outcome_type": (OutcomeType, "outcome type"),
    "channel": (Channel, "channel"),
}
# The editor's own lists, less the fields named by slug or id (resolved below).
_INCIDENT_PLAIN = tuple(name for name in INCIDENT_FIELDS if name not in ("force", "protest"))
_ACT_PLAIN = tuple(name for name in ACT_FIELDS if name not in _LOOKUPS)
_SOURCE_PLAIN = tuple(name for name in SOURCE_FIELDS if name != "channel")


class _Resolver:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def term(self, field: str, kind: str, slug: str | None):
        if slug in (None, ""):
            return None
        model, noun = _LOOKUPS[kind]
        found = model._default_manager.filter(slug=slug).first()
        if found is None:
            where = "GET /api/v1/codebook lists them" if kind != "channel" else "ask a coordinator"
            self.errors.setdefault(field, []).append(
                f"{slug!r} is not a {noun} in the codebook; use its slug ({where})."
            )
        return found

    def blank(self, field: str, what: str) -> None:
        self.errors.setdefault(field, []).append(f"{what} is required; add it.")


def _set(fields: dict, data: dict, names) -> None:
    for name in names:
        if name in data and data[name] is not None:
            fields[name] = data[name]


def incident_draft(
    payload: IncidentIn, *, creating: bool, current_tags: list[str] | None = None
) -> IncidentDraft:
    """The draft `incident_save` writes. Raises ValidationError naming every unknown slug.

    `current_tags` are kept when the payload names no tags (the editor always sends them).
    JSON null in a text field empties it, as a blank box does in the editor.
    """
    resolve = _Resolver()
    data = payload.model_dump(exclude_unset=True)
    fields: dict = {}
    _set(fields, data, _INCIDENT_PLAIN)
    for name in ("summary", "place"):
        if name in data and data[name] is None:
            fields[name] = ""
    if "force" in data:
        fields["force"] = resolve.term("force", "force", data["force"])
    if "protest" in data:
        protest = None
        if data["protest"] is not None:
            protest = Protest.objects.filter(pk=data["protest"]).first()
            if protest is None:
                resolve.errors.setdefault("protest", []).append(
                    f"There is no protest with id {data['protest']}; GET /api/v1/protests "
                    "lists them, or send new_protest."
                )
        fields["protest"] = protest
    if creating and not payload.title:
        resolve.blank("title", "A title")

    acts = [_act(resolve, index, act) for index, act in enumerate(payload.acts)]
    sources = [_source(resolve, index, source) for index, source in enumerate(payload.sources)]
    people = None
    if payload.people is not None:
        people = [_person(row) for row in payload.people]
    if resolve.errors:
        raise ValidationError(resolve.errors)
    tags = tag_names(",".join(payload.tags)) if payload.tags is not None else current_tags
    return IncidentDraft(
        fields=fields,
        tags=list(tags or []),
        new_protest=payload.new_protest.model_dump() if payload.new_protest else None,
        acts=acts,
        sources=sources,
        people=people,
    )


def _act(resolve: _Resolver, index: int, act) -> ActDraft:
    prefix = f"acts.{index}."
    data = act.model_dump(exclude_unset=True)
    fields: dict = {}
    _set(fields, data, _ACT_PLAIN)
    for name in ("offence_wording", "trigger_wording", "perpetrator_unit"):
        if name in data and data[name] is None:
            fields[name] = ""
    for name in ("act_type", "legal_provision", "trigger_type", "perpetrator"):
        if name in data:
            kind = "force" if name == "perpetrator" else name
            fields[name] = resolve.term(prefix + name, kind, data[name])
    if act.id is None and not act.delete and not act.act_type:
        resolve.blank(prefix + "act_type", "An act type (its slug)")
    outcome = None
    if act.outcome is not None:
        outcome_type = resolve.term(
            prefix + "outcome.outcome_type", "outcome_type", act.outcome.outcome_type
        )
        if outcome_type is not None:
            outcome = OutcomeDraft(outcome_type, act.outcome.date, act.outcome.note)
    return ActDraft(fields, id=act.id, delete=act.delete, outcome=outcome)


def _source(resolve: _Resolver, index: int, source) -> SourceDraft:
    prefix = f"sources.{index}."
    data = source.model_dump(exclude_unset=True)
    fields: dict = {}
    _set(fields, data, _SOURCE_PLAIN)
    if "channel" in data or source.id is None:
        fields["channel"] = resolve.term(
            prefix + "channel", "channel", data.get("channel") or "other"
        )
    return SourceDraft(
        fields,
        supports=source.supports,
        id=source.id,
        delete=source.delete,
        found_independently=source.found_independently,
    )


def _person(row) -> PersonDraft:
    data = row.model_dump(exclude_unset=True)
    fields: dict = {}
    _set(fields, data, PERSON_FIELDS)
    return PersonDraft(
        fields,
        role=row.role,
        act_index=row.act,
        involvement_id=row.involvement_id,
        delete=row.delete,
    )
