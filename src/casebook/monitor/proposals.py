"""A candidate's event read against the codebook: the incident the monitor proposes.

The extractor speaks the extraction format (force names, citations, type words); the casebook
speaks codebook rows. This module maps one to the other (and back, for the labelled examples
that decisions leave behind), so the review page, "accept", "edit then accept" and the export
all agree on what was proposed.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from casebook.cases.models import Act, Incident, NumberPrecision
from casebook.casework.drafts import ActDraft, IncidentDraft, OutcomeDraft, SourceDraft
from casebook.codebook.matching import ProvisionIndex, normalise
from casebook.codebook.models import (
    ActType,
    LegalProvision,
    Organisation,
    OutcomeType,
    TriggerType,
)
from casebook.monitor import reading
from casebook.monitor.models import Candidate, Page
from casebook.sources.models import Channel, Source

MONITOR_TAG = "news monitor"
# Extraction-format act and trigger types that have no codebook row of the same slug.
_ACT_TYPE_FROM_CODEBOOK = {
    "conditions": "dispersal",
    "containment": "other",
    "caution": "other",
    "fine": "other",
    "personal_details_published": "image_appeal",
    "surveillance": "other",
}
_EXTRACTION_ACT_TYPES = {
    "arrest",
    "charge",
    "seizure",
    "stop_search",
    "dispersal",
    "force",
    "image_appeal",
    "home_visit",
    "other",
}
_EXTRACTION_TRIGGERS = {
    "placard",
    "flag",
    "banner",
    "clothing",
    "chant",
    "online_post",
    "gathering",
    "obstruction",
    "violence",
    "other",
}


@dataclass
class ProposedOutcome:
    """An outcome the article states for an act's people ("three were later charged")."""

    outcome_type: OutcomeType
    count: int | None

    @property
    def label(self) -> str:
        return self.outcome_type.label

    @property
    def note(self) -> str:
        many = (
            ""
            if self.count is None
            else f"{self.count} {'person' if self.count == 1 else 'people'}, "
        )
        return f"{many}as the article found by the news monitor states"


@dataclass
class ProposedAct:
    type_word: str
    act_type: ActType | None
    count: int | None
    legal_basis: str
    legal_provision: LegalProvision | None
    offence: str
    trigger_word: str
    trigger_type: TriggerType | None
    confidence: float | None = None
    outcomes: list[ProposedOutcome] = field(default_factory=list)

    def outcome_drafts(self) -> list[OutcomeDraft]:
        """The outcomes accepting this act records, in the order the article tells them."""
        return [OutcomeDraft(outcome_type=o.outcome_type, note=o.note) for o in self.outcomes]

    @property
    def label(self) -> str:
        return self.act_type.label if self.act_type else self.type_word or "Act"


@dataclass
class Proposal:
    title: str
    force_name: str
    force: Organisation | None
    country: str
    place: str
    date: dt.date
    date_stated: bool  # False: the article gives no date; `date` is a stand-in
    date_note: str
    total_arrests: int | None
    confidence: float | None
    acts: list[ProposedAct] = field(default_factory=list)

    @property
    def unresolved(self) -> list[str]:
        """What the codebook could not place, for the reviewer's attention."""
        notes = []
        if self.force_name and self.force is None:
            notes.append(f"The force “{self.force_name}” is not in the codebook.")
        for number, act in enumerate(self.acts, start=1):
            if act.legal_basis and act.legal_provision is None:
                notes.append(f"Act {number}: “{act.legal_basis}” is not a codebook provision.")
            if act.act_type is None:
                notes.append(f"Act {number}: unknown type “{act.type_word}”.")
        return notes


# --- Codebook lookups -------------------------------------------------------------------------


def organisation_named(name: str) -> Organisation | None:
    """The codebook organisation with this name or alias (None when unknown or blank)."""
    if not name:
        return None
    found = Organisation.objects.filter(name__iexact=name).first()
    if found:
        return found
    key = normalise(name)
    for organisation in Organisation.objects.all():
        if key in {normalise(alias) for alias in [organisation.name, *organisation.aliases]}:
            return organisation
    return None


@functools.lru_cache(maxsize=1)
def _provision_index() -> ProvisionIndex:
    from casebook.codebook.matching import default_codebook_path, load_codebook_file

    return ProvisionIndex.from_codebook(load_codebook_file(default_codebook_path()))


def provision_cited(citation: str) -> LegalProvision | None:
    """The codebook provision for a citation ("Terrorism Act 2000 s13", "s.14 POA")."""
    if not citation:
        return None
    found = (
        LegalProvision.objects.filter(citation__iexact=citation).first()
        or LegalProvision.objects.filter(short_citation__iexact=citation).first()
    )
    if found:
        return found
    slug = _provision_index().resolve(citation)
    return LegalProvision.objects.filter(slug=slug).first() if slug else None


def _term(model, slug: str):
    return model.objects.filter(slug=slug).first() if slug else None


# --- Candidate → proposal ---------------------------------------------------------------------


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _text(value: Any, limit: int) -> str:
    return str(value).strip()[:limit] if value else ""


def _stand_in_date(page: Page) -> tuple[dt.date, str]:
    if page.published:
        return (
            page.published,
            "The article gives no date for the action: its publication date is used.",
        )
    when = page.retrieved_at or page.created_at
    day = timezone.localdate(when) if when else timezone.localdate()
    return day, "Neither the action's nor the article's date is known: the day it was read is used."


def _proposed_outcomes(value: Any) -> list[ProposedOutcome]:
    """The stated outcomes of an extracted act that name a codebook outcome (others are left
    out: a candidate's JSON is untrusted input)."""
    if not isinstance(value, list):
        return []
    proposed = []
    for item in value[:10]:
        if not isinstance(item, dict) or not isinstance(item.get("outcome"), str):
            continue
        outcome_type = _term(OutcomeType, item["outcome"][:60])
        if outcome_type is not None and all(p.outcome_type != outcome_type for p in proposed):
            proposed.append(ProposedOutcome(outcome_type, _int(item.get("count"))))
    return proposed


def proposal_for(candidate: Candidate) -> Proposal:
    event = candidate.event or {}
    page = candidate.page
    force_name = _text(event.get("force"), 200)
    force = organisation_named(force_name)
    date = reading.iso_date(event["date"]) if isinstance(event.get("date"), str) else None
    date_note = ""
    if date is None:
        date, date_note = _stand_in_date(page)
    acts = []
    for act in event.get("acts") or ():
        if not isinstance(act, dict):
            continue
        type_word = _text(act.get("type"), 40) or "other"
        legal_basis = _text(act.get("legal_basis"), 200)
        trigger_word = _text(act.get("trigger"), 40)
        acts.append(
            ProposedAct(
                type_word=type_word,
                act_type=_term(ActType, type_word),
                count=_int(act.get("count")),
                legal_basis=legal_basis,
                legal_provision=provision_cited(legal_basis),
                offence=_text(act.get("offence"), 500),
                trigger_word=trigger_word,
                trigger_type=_term(TriggerType, trigger_word),
                confidence=act.get("confidence"),
                outcomes=_proposed_outcomes(act.get("outcomes")),
            )
        )
    country = _text(event.get("country"), 2).upper() or (force.country if force else "") or "GB"
    proposal = Proposal(
        title="",
        force_name=force_name,
        force=force,
        country=country,
        place=_text(event.get("location"), 200),
        date=date,
        date_stated=not date_note,
        date_note=date_note,
        total_arrests=_int(event.get("total_arrests")),
        confidence=event.get("confidence"),
        acts=acts,
    )
    proposal.title = _title(proposal, page)
    return proposal


def _title(proposal: Proposal, page: Page) -> str:
    if proposal.total_arrests is not None:
        what = f"{proposal.total_arrests} arrest{'s' if proposal.total_arrests != 1 else ''}"
    else:
        labels = list(dict.fromkeys(act.label for act in proposal.acts))
        what = " and ".join(labels[:3]).capitalize() if labels else ""
    if not what:
        return (page.title or "Incident found by the news monitor")[:300]
    where = f" in {proposal.place}" if proposal.place else ""
    by = (
        f" by {proposal.force.name if proposal.force else proposal.force_name}"
        if (proposal.force or proposal.force_name)
        else ""
    )
    when = f" on {proposal.date:%-d %B %Y}" if proposal.date_stated else ""
    return f"{what}{where}{by}{when}"[:300]


# --- Proposal → the casebook's drafts ---------------------------------------------------------


def _valid_url(url: str) -> str:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


def source_fields(page: Page) -> dict[str, Any]:
    """The Source an accepted page becomes: its kind and channel, and a copy of its text."""
    police = page.is_police_statement
    channel = Channel.objects.get(slug="police-statements" if police else "news-monitor")
    publisher = page.publisher or (page.feed.name if page.feed_id else "") or page.host
    return {
        "kind": Source.Kind.POLICE_STATEMENT if police else Source.Kind.NEWS_ARTICLE,
        "channel": channel,
        "title": (page.title or page.url or page.external_id or "Untitled article")[:300],
        "url": _valid_url(page.url),
        "publisher": publisher[:200],
        "published_at": page.published,
        "text": page.text,
        "reliability": Source.Reliability.F,
        "credibility": Source.Credibility.UNKNOWN,
    }


SUPPORTS = "the news monitor's candidate (force, place, date, acts)"


def proposal_summary(proposal: Proposal, page: Page) -> str:
    lines = [
        f"Found by the news monitor in “{page.title or page.url or 'an article'}”"
        + (f" ({page.publisher})" if page.publisher else "")
        + "."
    ]
    if proposal.date_note:
        lines.append(proposal.date_note)
    if proposal.force_name and proposal.force is None:
        lines.append(f"Force as written: {proposal.force_name}.")
    if proposal.total_arrests is not None:
        lines.append(f"Total arrests reported: {proposal.total_arrests}.")
    return " ".join(lines)


def act_fields(act: ProposedAct) -> dict[str, Any]:
    offence = act.offence
    if act.legal_basis and act.legal_provision is None:
        offence = f"{offence} ({act.legal_basis})".strip() if offence else act.legal_basis
    return {
        "act_type": act.act_type or _term(ActType, "other"),
        "number_affected": act.count,
        "number_precision": NumberPrecision.EXACT
        if act.count is not None
        else NumberPrecision.UNKNOWN,
        "legal_provision": act.legal_provision,
        "offence_wording": offence[:500],
        "trigger_type": act.trigger_type,
        "trigger_wording": "",
    }


def act_initial(act: ProposedAct) -> dict[str, Any]:
    """An act's row in the incident editor ("edit then accept"): its fields and the first
    outcome the article states (the editor holds one outcome per act; the candidate's page lists
    them all)."""
    fields = act_fields(act)
    if act.outcomes:
        fields |= {
            "outcome_type": act.outcomes[0].outcome_type,
            "outcome_note": act.outcomes[0].note,
        }
    return fields


def incident_fields(proposal: Proposal, page: Page) -> dict[str, Any]:
    return {
        "title": proposal.title,
        "summary": proposal_summary(proposal, page),
        "date": proposal.date,
        "place": proposal.place,
        "country": proposal.country,
        "force": proposal.force,
    }


def proposal_draft(proposal: Proposal, page: Page, *, with_source: bool) -> IncidentDraft:
    """The IncidentDraft that "accept" hands to casework.services.incident_save."""
    return IncidentDraft(
        fields=incident_fields(proposal, page),
        tags=[MONITOR_TAG],
        acts=[
            ActDraft(fields=act_fields(act), outcome=next(iter(act.outcome_drafts()), None))
            for act in proposal.acts
        ],
        sources=[SourceDraft(fields=source_fields(page), supports=SUPPORTS)] if with_source else [],
    )


# --- The casebook → the extraction format (labelled examples) ----------------------------------


def _extraction_act_type(slug: str) -> str:
    slug = _ACT_TYPE_FROM_CODEBOOK.get(slug, slug)
    return slug if slug in _EXTRACTION_ACT_TYPES else "other"


def act_as_extracted(act: Act) -> dict[str, Any]:
    trigger = act.trigger_type.slug if act.trigger_type_id else None
    return {
        "type": _extraction_act_type(act.act_type.slug),
        "count": act.number_affected,
        "legal_basis": act.legal_provision.citation if act.legal_provision_id else None,
        "offence": act.offence_wording or None,
        "trigger": (trigger if trigger in _EXTRACTION_TRIGGERS else "other") if trigger else None,
    }


def event_as_extracted(event: dict[str, Any]) -> dict[str, Any]:
    """An extracted event without spans and confidences: the gold format's fields only."""
    keys = ("force", "country", "location", "date", "total_arrests")
    act_keys = ("type", "count", "legal_basis", "offence", "trigger")
    return {
        **{k: event.get(k) for k in keys},
        "acts": [
            {k: act.get(k) for k in act_keys}
            for act in event.get("acts") or ()
            if isinstance(act, dict)
        ],
    }


def incident_as_event(
    incident: Incident,
    *,
    date_known: bool,
    total_arrests: int | None,
    acts: list[Act] | None = None,
) -> dict[str, Any]:
    """An incident (as accepted or corrected) in the extraction format."""
    acts = (
        acts
        if acts is not None
        else list(incident.acts.select_related("act_type", "legal_provision", "trigger_type"))
    )
    return {
        "force": incident.force.name if incident.force_id else None,
        "country": incident.country or None,
        "location": incident.place or None,
        "date": incident.date.isoformat() if date_known else None,
        "total_arrests": total_arrests,
        "acts": [act_as_extracted(act) for act in acts],
    }
