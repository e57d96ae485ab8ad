"""From placed acts to events in the extraction format.

Acts with the same force, place and date form one event; a group that only restates another
(vague arrests, or the same count with less date detail) folds into it. Each event's totals and
breakdowns are settled by :func:`~casebook.monitor.extraction.events.settle_event`, and every
filled field keeps the span of the words behind it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from casebook.monitor.extraction.act import Act
from casebook.monitor.extraction.events import settle_event
from casebook.monitor.extraction.forces import ForceFinder, ForceMention
from casebook.monitor.extraction.placing import Placed
from casebook.monitor.extraction.text import Sentence

__all__ = ["group_events"]


def group_events(
    forces_finder: ForceFinder,
    text: str,
    placed: list[Placed],
    forces: list[ForceMention],
    sentences: list[Sentence],
) -> list[dict[str, Any]]:
    """The events of an article: acts grouped by force, place and date, each settled."""
    groups: dict[tuple[Any, ...], list[Placed]] = {}
    for item in placed:
        key = (
            item.force.name if item.force else None,
            item.place.name if item.place else None,
            item.date.key if item.date else None,
            item.operation,
        )
        groups.setdefault(key, []).append(item)
    groups = _merge_restatements(groups)
    events = []
    for key, members in groups.items():
        acts, total, total_act = settle_event([m.act for m in members])
        if (
            total_act is not None
            and any(a is total_act for a in acts)  # still an act: only the total goes
            and _increment_on_an_untold_figure(total_act, members, placed)
        ):
            total, total_act = None, None
        if not acts:
            continue
        if key[:3] == (None, None, None) and all(a.count is None for a in acts):
            continue  # no force, place, date or number: a generality, not an incident
        first = members[0]
        events.append(_event_dict(forces_finder, text, first, acts, total, total_act))
    return events


def _increment_on_an_untold_figure(
    total_act: Act, members: list[Placed], placed: list[Placed]
) -> bool:
    """ "Two more men have been arrested over the march": a number added to an earlier figure
    is the total of its own day's event only when the text counts the earlier arrests as an
    event of their own ("25 on Saturday and a further 30 on Sunday"). Added to a figure the text
    never gives, or to one of the same event ("89 arrests at the time ... two more men last
    week"), it states no total."""
    own = {id(m.act) for m in members}
    return total_act.additive and not any(
        id(item.act) not in own and item.act.type == "arrest" and item.act.count is not None
        for item in placed
    )


def _event_dict(
    forces_finder: ForceFinder,
    text: str,
    first: Placed,
    acts: list[Act],
    total: int | None,
    total_act: Act | None,
) -> dict[str, Any]:
    spans: dict[str, list[list[int]]] = {}
    force, place, date = first.force, first.place, first.date
    country = None
    if place is not None:
        country = place.country or None
        if place.start >= 0:
            spans["location"] = [[place.start, place.end]]
            spans["country"] = [[place.start, place.end]]
    if country is None and force is not None and force.country:
        country = force.country
        if force.start >= 0:
            spans["country"] = [[force.start, force.end]]
    if country is None:
        sentence_text_countries = forces_finder.demonym_countries(text)
        country = sentence_text_countries[0] if sentence_text_countries else None
    if force is not None and force.start >= 0:
        spans["force"] = [[force.start, force.end]]
    if date is not None and date.value is not None:
        spans["date"] = [[date.start, date.end]]
    if total is not None and total_act is not None and total_act.count_span:
        spans["total_arrests"] = [list(total_act.count_span)]
    filled = sum(x is not None for x in (force, place, date and date.value, total))
    location = place.name if place else None
    if place is not None and place.start >= 0:
        surface = text[place.start : place.end]
        if _fold_name(surface) == _fold_name(place.name) and not surface.isupper():
            location = surface  # "Montreal" as the text writes it, not "Montréal"
    return {
        "force": force.name if force else None,
        "country": country,
        "location": location,
        "date": date.value.isoformat() if date and date.value else None,
        "total_arrests": total,
        "acts": [_act_dict(a) for a in acts],
        "spans": spans,
        "confidence": round(min(0.95, 0.45 + 0.1 * filled + 0.05 * bool(acts)), 2),
    }


def _fold_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _merge_restatements(
    groups: dict[tuple[Any, ...], list[Placed]],
) -> dict[tuple[Any, ...], list[Placed]]:
    """Fold groups that only restate another group of the same force and place into it.

    A group holding nothing but vague arrest statements ("more than 500 arrested overnight")
    or repeating another group's exact arrest count ("53 arrested" in a dateline sentence and
    again later) is the same event, told with less date detail; so are acts told with no date
    at all beside the one dated operation of the same force and town.
    """
    keys = list(groups)
    for key in keys:
        members = groups.get(key)
        if members is None:
            continue
        if key[2] in (None, "?overnight"):
            # Acts told with no date (or overnight, over two) at the one operation of their
            # force and town that has one.
            dated = [k for k in groups if k != key and k[:2] == key[:2] and k[3] == key[3]]
            if len(dated) == 1:
                groups[dated[0]].extend(members)
                del groups[key]
                continue
        acts = [m.act for m in members]
        vague = all(a.type == "arrest" and a.count is None and a.offence is None for a in acts)
        counts = {
            a.count for a in acts if a.type == "arrest" and a.count is not None and not a.item
        }
        for other in keys:
            if other == key or other[:2] != key[:2] or other[3] != key[3] or other not in groups:
                continue
            other_counts = {m.act.count for m in groups[other] if m.act.type == "arrest"}
            if vague or (counts and counts <= other_counts):
                for m in members:
                    m.date = groups[other][0].date
                groups[other].extend(members)
                del groups[key]
                break
    return groups


def _act_dict(act: Act) -> dict[str, Any]:
    spans: dict[str, list[list[int]]] = {"type": [list(act.anchor)]}
    for name in ("count", "legal_basis", "offence", "trigger"):
        span = getattr(act, f"{name}_span")
        if getattr(act, name) is not None and span:
            spans[name] = [list(span)]
    if act.outcomes:
        spans["outcomes"] = [list(o.span) for o in act.outcomes]
    confidence = (
        0.55
        + 0.15 * (act.count is not None)
        + 0.1 * (act.offence is not None)
        + (0.1 * (act.legal_basis is not None))
    )
    return {
        "type": act.type,
        "count": act.count,
        "legal_basis": act.legal_basis,
        "offence": act.offence,
        "trigger": act.trigger,
        "outcomes": [{"outcome": o.outcome, "count": o.count} for o in act.outcomes],
        "spans": spans,
        "confidence": round(min(confidence, 0.95), 2),
    }
