"""Article → candidate incidents, every field traced to the words it came from.

The text analysed is ``title + "\\n\\n" + text`` when a title is given and the text does not
already start with it, otherwise the text alone; ``span_base`` in the result says which
("title+text" or "text"), and every span is ``[start, end]`` into that string. Texts longer than
:data:`MAX_CHARS` are read up to that point only, so a runaway page costs bounded time.

Stages, cheapest first (most pages stop at the first):

1. prefilter: a police-action word and a protest word must both occur (two regex scans);
2. sentences, and police-action anchors in them (:mod:`acts`);
3. context: an act counts only when a protest word is within three sentences of it (orders
   and authorisations are often told a paragraph after the protest is named);
4. forces (codebook aliases), places (gazetteer), dates (resolved against publication);
5. events: acts grouped by force, place and date, then totals and breakdowns settled
   (:mod:`events`).

No statistical model runs: rule components built from the codebook and a gazetteer were fast
enough for the monitor's budget and give exact spans.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from casebook.codebook.matching import (
    ProvisionIndex,
    default_codebook_path,
    load_codebook_file,
)
from casebook.monitor.extraction import lexicon as lx
from casebook.monitor.extraction.acts import Act, find_acts
from casebook.monitor.extraction.dates import (
    DateMention,
    dateline_span,
    find_dates,
    full_dates_in,
    infer_published,
    parse_published,
)
from casebook.monitor.extraction.events import settle_event
from casebook.monitor.extraction.forces import HOME_CITY, ForceFinder, ForceMention, polices
from casebook.monitor.extraction.places import Gazetteer, PlaceMention
from casebook.monitor.extraction.text import Sentence, split_sentences

__all__ = ["MAX_CHARS", "Extractor", "extract_article"]

log = logging.getLogger(__name__)

MAX_CHARS = 200_000
# An action told for a whole country has no town ("457 arrested across the country").
_NATIONWIDE = re.compile(
    r"\b(?:across|around|throughout)\s+(?:the\s+)?(?:country|nation|UK|Britain|England|"
    r"Scotland|Wales|France|Germany|Australia|Canada|United\s+States|US|state|region|county)\b|"
    r"\bnationwide\b|\bacross\s+(?:\w+\s+){0,2}?(?:cities|towns)\b"
)
# "conditions imposed under section 12": the statute of the conditions, not of an arrest.
_OF_AN_ORDER = re.compile(
    r"\b(?:conditions?|restrictions?|orders?|notices?|directions?|authorisations?|"
    r"authorizations?|powers?|ban)\s+(?:\w+\s+){0,2}?(?:under|using)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "..., the ministry said on Friday": when the news was given, not when police acted.
_REPORTED_ON = re.compile(
    r"\b(?:said|says|announced|confirmed|added|reported)\s+(?:on\s+)?$", re.IGNORECASE
)
_OVERNIGHT = re.compile(r"\bovernight\b|\bthrough\s+the\s+night\b", re.IGNORECASE)
_SECTION_BEFORE_ACT = re.compile(
    r"\b(?:section|s\.?)\s*(?P<number>\d+[A-Z]{0,2})\s+(?:orders?|conditions?|notices?|"
    r"directions?|authori[sz]ations?|powers?|restrictions?)\s+(?:\w+\s+){0,2}?(?:under|of)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
_SUBSET_BEFORE = re.compile(
    r"\bincluding\s+(?:\S+\s+){0,2}?\d|\bincluding\s+(?:one|two|three|"
    r"four|five|six|seven|eight|nine|ten)\b",
    re.IGNORECASE,
)
_CONTEXT = 3  # sentences either side in which a protest word makes an act relevant
_RELEVANT = 0.5


@dataclass
class _Placed:
    """An act with the force, place and date it was given."""

    act: Act
    force: ForceMention | None
    place: PlaceMention | None
    date: DateMention | None
    own_place: bool = False  # the place was named with the act, not assumed
    own_force: bool = False  # likewise the force


class Extractor:
    """Reusable extractor: build once (codebook indexes and gazetteer), call many times."""

    def __init__(self, codebook: dict[str, Any] | None = None) -> None:
        codebook = codebook or load_codebook_file(default_codebook_path())
        self.gazetteer = Gazetteer()
        self.forces = ForceFinder(codebook["organisations"], self.gazetteer)
        self.provisions = ProvisionIndex.from_codebook(codebook)

    # -- public -------------------------------------------------------------------------------

    def extract(
        self,
        *,
        article_id: str,
        text: str,
        title: str = "",
        url: str = "",
        published: dt.date | str | None = None,
    ) -> dict[str, Any]:
        """One article in the extraction format, extended with spans and confidences."""
        text = text or ""
        title = (title or "").strip()
        if title and not text.lstrip().startswith(title[:60]):
            full, base = f"{title}\n\n{text}", "title+text"
        else:
            full, base = text, "text"
        full = full[:MAX_CHARS]
        given = parse_published(published)
        from_text, published_span = infer_published(full, url)
        given = given or from_text
        if published_span is None:
            published_span = infer_published(full)[1]
        result: dict[str, Any] = {
            "id": article_id,
            "relevant": False,
            "relevance_score": 0.0,
            "published": given.isoformat() if given else None,
            "span_base": base,
            "events": [],
        }
        if published_span:
            result["published_span"] = list(published_span)
        low = lx.lowered(full)
        protest_word = bool(lx.protest_positions(full, low, first_only=True))
        if not (protest_word and lx.PREFILTER_ACTION.search(low)):
            result["relevance_score"] = 0.05 if protest_word else 0.0
            return result
        events, score = self._events(full, low, given, published_span)
        result["relevance_score"] = round(score, 3)
        if score >= _RELEVANT and events:
            result["relevant"] = True
            result["events"] = events
        log.debug("extracted %s: %d events, score %.2f", article_id, len(events), score)
        return result

    # -- stages -------------------------------------------------------------------------------

    def _events(
        self,
        text: str,
        low: str,
        published: dt.date | None,
        published_span: tuple[int, int] | None,
    ) -> tuple[list[dict[str, Any]], float]:
        sentences = split_sentences(text)
        starts = [s.start for s in sentences]
        protest = [False] * len(sentences)
        for position in lx.protest_positions(text, low):
            protest[max(0, bisect.bisect_right(starts, position) - 1)] = True
        acts: list[Act] = []
        for index, sentence in enumerate(sentences):
            window = protest[max(0, index - _CONTEXT) : index + _CONTEXT + 1]
            if not any(window) or not lx.PREFILTER_ACTION.search(low, sentence.start, sentence.end):
                continue
            acts.extend(find_acts(text, sentences, index, low))
        if not acts:
            return [], 0.1
        score = max(self._act_score(a, protest) for a in acts)
        self._legal_bases(text, sentences, acts)
        forces = self.forces.find(text)
        act_sentences = sorted({a.sentence for a in acts})
        places = self._places(text, sentences, act_sentences, protest)
        skip = [span for span in (published_span, dateline_span(text)) if span]
        anchors = full_dates_in(text) if published is None else []
        wanted = {i for a in acts for i in (a.sentence - 1, a.sentence)} | {
            i for i, flag in enumerate(protest) if flag
        }
        dates = [
            d
            for i in sorted(wanted)
            if i >= 0
            for d in find_dates(text, sentences[i].start, sentences[i].end, published, anchors)
            if not any(d.start < b and a < d.end for a, b in skip)
        ]
        placed = self._place_acts(text, sentences, acts, forces, places, dates, protest)
        if forces:
            score = min(1.0, score + 0.05)
        return self._group(text, placed, forces, sentences), score

    @staticmethod
    def _act_score(act: Act, protest: list[bool]) -> float:
        score = 0.5
        if protest[act.sentence]:
            score += 0.25
        if act.count is not None:
            score += 0.1
        if act.offence or act.legal_basis:
            score += 0.05
        return min(score, 0.95)

    def _legal_bases(self, text: str, sentences: list[Sentence], acts: list[Act]) -> None:
        for index in {a.sentence for a in acts}:
            sentence = sentences[index]
            here = [a for a in acts if a.sentence == index]
            for citation in self.provisions.find_citations(sentence.text):
                if not citation.citation:
                    continue
                cited = citation.citation
                start, end = sentence.start + citation.start, sentence.start + citation.end
                section = (
                    None
                    if citation.section
                    else _SECTION_BEFORE_ACT.search(
                        sentence.text, max(0, citation.start - 80), citation.start
                    )
                )
                if section:  # "a Section 14 order under the Public Order Act 1986"
                    slug = self.provisions.resolve(
                        f"section {section.group('number')} of the {citation.citation}"
                    )
                    if slug:
                        cited = self.provisions.citation(slug)
                        start = sentence.start + section.start()
                holders = [a for a in here if a.segment[0] <= start < a.segment[1]] or (
                    here if len({a.anchor for a in here}) == 1 else []
                )
                if _OF_AN_ORDER.search(sentence.text, 0, citation.start):
                    holders = [a for a in holders if a.type in {"dispersal", "stop_search"}]
                # "27 arrests, including 12 for breaching conditions under section 12": the
                # citation describes the subset, which is no act of its own.
                holders = [
                    a
                    for a in holders
                    if a.item or not _SUBSET_BEFORE.search(text, a.anchor[1], start)
                ]
                if holders:
                    # The act whose offence phrase holds the citation, else the latest clause.
                    # Else the nearest act before it ("arrested under section 13", "an
                    # authorisation under section 60"), else the latest clause.
                    before = [a for a in holders if a.anchor[0] <= start]
                    holder = next(
                        (
                            a
                            for a in holders
                            if a.offence_span and a.offence_span[0] <= start < a.offence_span[1]
                        ),
                        max(before, key=lambda a: a.anchor[0])
                        if before
                        else max(holders, key=lambda a: a.segment[0]),
                    )
                    if holder.legal_basis is None:
                        holder.legal_basis = cited
                        holder.legal_basis_span = (start, end)

    def _places(
        self, text: str, sentences: list[Sentence], act_sentences: list[int], protest: list[bool]
    ) -> list[PlaceMention]:
        found: list[PlaceMention] = []
        for index in act_sentences:
            found.extend(self.gazetteer.find(text, sentences[index].start, sentences[index].end))
        # Sentences about the protest only matter when the actions name no place at all.
        if not found:
            for index in (i for i, flag in enumerate(protest) if flag):
                found.extend(
                    self.gazetteer.find(text, sentences[index].start, sentences[index].end)
                )
        if not found:  # a dateline names where the story was filed from: "Melbourne, ..."
            dateline = self.gazetteer.dateline(text)
            if dateline is not None:
                found.append(dateline)
        return found

    def _place_acts(
        self,
        text: str,
        sentences: list[Sentence],
        acts: list[Act],
        forces: list[ForceMention],
        places: list[PlaceMention],
        dates: list[DateMention],
        protest: list[bool],
    ) -> list[_Placed]:
        places = _prefer_country(places, forces)
        act_sentences = {a.sentence for a in acts}
        default_force = _main_force(forces, sentences, act_sentences, protest)
        in_act_sentences = [p for p in places if _sentence_of(sentences, p.start) in act_sentences]
        default_place = (in_act_sentences or places or [None])[0]
        if default_place is None and default_force and default_force.slug in HOME_CITY:
            city, country = HOME_CITY[default_force.slug]
            default_place = PlaceMention(city, country, -1, -1, 0)
        default_date = _main_date(dates, sentences, act_sentences, protest)
        placed: list[_Placed] = []
        for act in acts:
            sentence = sentences[act.sentence]
            own_places = _distinct(
                [p for p in places if act.segment[0] <= p.start < act.segment[1]]
            )
            if not own_places:
                in_sentence = _distinct(
                    [p for p in places if sentence.start <= p.start < sentence.end]
                )
                own_places = in_sentence if len(in_sentence) == 1 else []
            date = _act_date(act, dates, sentences, default_date)
            in_segment = {f.name: f for f in forces if act.segment[0] <= f.start < act.segment[1]}
            in_sentence = {f.name: f for f in forces if sentence.start <= f.start < sentence.end}
            nationwide = not own_places and (
                _NATIONWIDE.search(text, *act.segment)
                or (
                    _NATIONWIDE.search(text, sentence.start, sentence.end)
                    and not any(sentence.start <= p.start < sentence.end for p in places)
                )
            )
            for place in own_places or [None if nationwide else default_place]:
                elsewhere = (
                    place is not None
                    and default_place is not None
                    and place.name != default_place.name
                )
                if len(in_segment) == 1:
                    force = next(iter(in_segment.values()))
                elif elsewhere and not (default_force and polices(default_force.slug, place.name)):
                    force = None  # another town, no force named for it: do not guess
                elif len(in_sentence) == 1:
                    force = next(iter(in_sentence.values()))
                else:
                    force = default_force
                if len(own_places) > 1 and act.count is not None:
                    place = default_place
                placed.append(
                    _Placed(
                        act if len(own_places) <= 1 else _copy(act),
                        force,
                        place,
                        date,
                        own_place=len(own_places) == 1,
                        own_force=len(in_segment) == 1 or (not elsewhere and len(in_sentence) == 1),
                    )
                )
        return _drop_cross_event_sums(placed)

    def _group(
        self,
        text: str,
        placed: list[_Placed],
        forces: list[ForceMention],
        sentences: list[Sentence],
    ) -> list[dict[str, Any]]:
        groups: dict[tuple[Any, ...], list[_Placed]] = {}
        for item in placed:
            key = (
                item.force.name if item.force else None,
                item.place.name if item.place else None,
                item.date.key if item.date else None,
            )
            groups.setdefault(key, []).append(item)
        groups = _merge_restatements(groups)
        events = []
        for key, members in groups.items():
            acts, total, total_act = settle_event([m.act for m in members])
            if not acts:
                continue
            if key == (None, None, None) and all(a.count is None for a in acts):
                continue  # no force, place, date or number: a generality, not an incident
            first = members[0]
            events.append(self._event_dict(text, first, acts, total, total_act))
        return events

    def _event_dict(
        self,
        text: str,
        first: _Placed,
        acts: list[Act],
        total: int | None,
        total_act: Act | None,
    ) -> dict[str, Any]:
        spans: dict[str, list[list[int]]] = {}
        force, place, date = first.force, first.place, first.date
        country = None
        if place is not None:
            country = place.country
            if place.start >= 0:
                spans["location"] = [[place.start, place.end]]
                spans["country"] = [[place.start, place.end]]
        if country is None and force is not None and force.country:
            country = force.country
            spans["country"] = [[force.start, force.end]]
        if country is None:
            sentence_text_countries = self.forces.demonym_countries(text)
            country = sentence_text_countries[0] if sentence_text_countries else None
        if force is not None:
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


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _drop_cross_event_sums(placed: list[_Placed]) -> list[_Placed]:
    """Drop an arrest count that only adds up other events: "Nine arrested in Leeds and
    Bradford" when the text gives five in Leeds and four in Bradford, or "Fifteen arrested"
    when one force made twelve arrests and another three. The rules make each town or force its
    own event, and a sum across events is nobody's total."""
    for attribute, own in (("place", "own_place"), ("force", "own_force")):
        best: dict[str, int] = {}
        for item in placed:
            value = getattr(item, attribute)
            if (
                getattr(item, own)
                and value is not None
                and item.act.type == "arrest"
                and item.act.count is not None
            ):
                best[value.name] = max(best.get(value.name, 0), item.act.count)
        if len(best) < 2:
            continue
        total = sum(best.values())
        placed = [
            item
            for item in placed
            if not (
                item.act.type == "arrest" and item.act.count == total and not getattr(item, own)
            )
        ]
    return placed


def _fold_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _merge_restatements(
    groups: dict[tuple[Any, ...], list[_Placed]],
) -> dict[tuple[Any, ...], list[_Placed]]:
    """Fold groups that only restate another group of the same force and place into it.

    A group holding nothing but vague arrest statements ("more than 500 arrested overnight")
    or repeating another group's exact arrest count ("53 arrested" in a dateline sentence and
    again later) is the same event, told with less date detail.
    """
    keys = list(groups)
    for key in keys:
        members = groups.get(key)
        if members is None:
            continue
        acts = [m.act for m in members]
        vague = all(a.type == "arrest" and a.count is None and a.offence is None for a in acts)
        counts = {
            a.count for a in acts if a.type == "arrest" and a.count is not None and not a.item
        }
        for other in keys:
            if other == key or other[:2] != key[:2] or other not in groups:
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
        "spans": spans,
        "confidence": round(min(confidence, 0.95), 2),
    }


def _copy(act: Act) -> Act:
    clone = Act(**{k: v for k, v in act.__dict__.items() if k != "children"})
    clone.children = []
    return clone


def _distinct(places: list[PlaceMention]) -> list[PlaceMention]:
    seen: dict[str, PlaceMention] = {}
    for place in places:
        seen.setdefault(place.name, place)
    return list(seen.values())


def _sentence_of(sentences: list[Sentence], position: int) -> int:
    for index, sentence in enumerate(sentences):
        if sentence.start <= position < sentence.end:
            return index
    return -1


def _prefer_country(places: list[PlaceMention], forces: list[ForceMention]) -> list[PlaceMention]:
    """Read an ambiguous town name in the country the article is about ("Perth", "Brighton")."""
    votes: dict[str, int] = {}
    for force in forces:
        if force.country:
            votes[force.country] = votes.get(force.country, 0) + 2
    for place in places:
        if len({c for _, c, _ in place.candidates}) == 1:
            votes[place.country] = votes.get(place.country, 0) + 1
    if not votes:
        return places
    preferred = max(votes, key=lambda c: votes[c])
    chosen = []
    for place in places:
        if place.country != preferred:
            for city, country, population in place.candidates:
                if country == preferred:
                    place = PlaceMention(
                        city, country, place.start, place.end, population, place.candidates
                    )
                    break
        chosen.append(place)
    return chosen


def _main_force(
    forces: list[ForceMention],
    sentences: list[Sentence],
    act_sentences: set[int],
    protest: list[bool],
) -> ForceMention | None:
    weights: dict[str, float] = {}
    first: dict[str, ForceMention] = {}
    for force in forces:
        index = _sentence_of(sentences, force.start)
        weight = 2.0 if index in act_sentences else 1.0 if index >= 0 and protest[index] else 0.5
        weights[force.name] = weights.get(force.name, 0.0) + weight
        first.setdefault(force.name, force)
    if not weights:
        return None
    best = max(weights, key=lambda name: (weights[name], -first[name].start))
    return first[best]


def _main_date(
    dates: list[DateMention],
    sentences: list[Sentence],
    act_sentences: set[int],
    protest: list[bool],
) -> DateMention | None:
    usable = [d for d in dates if not _after_until(sentences, d)]
    context = [
        d
        for d in usable
        if (i := _sentence_of(sentences, d.start)) in act_sentences or (i >= 0 and protest[i])
    ]
    for choice in (
        [d for d in context if d.protest],
        [d for d in usable if _sentence_of(sentences, d.start) in act_sentences],
        context,
    ):
        if choice:
            return choice[0]
    return None


def _after_until(sentences: list[Sentence], date: DateMention) -> bool:
    index = _sentence_of(sentences, date.start)
    if index < 0:
        return False
    before = sentences[index].text[: date.start - sentences[index].start]
    return bool(
        re.search(
            r"\b(?:until|till)\s+(?:\S+\s+){0,2}$|\b(?:by|ahead\s+of|since|"
            r"before)\s+(?:the\s+)?$",
            before,
            re.IGNORECASE,
        )
    )


def _sentence_text(sentences: list[Sentence], act: Act) -> str:
    return sentences[act.sentence].text


def _act_date(
    act: Act, dates: list[DateMention], sentences: list[Sentence], default: DateMention | None
) -> DateMention | None:
    follow_up = act.type in {"image_appeal", "charge"}
    own = [
        d
        for d in dates
        if act.segment[0] <= d.start < act.segment[1]
        and not _after_until(sentences, d)
        and (d.protest or not follow_up)
        and not _REPORTED_ON.search(
            _sentence_text(sentences, act), 0, d.start - sentences[act.sentence].start
        )
    ]
    if own:
        return own[0]
    if _OVERNIGHT.search(sentences[act.sentence].text):
        # "arrested 875 people overnight": the action spans two dates
        return DateMention(act.anchor[0], act.anchor[1], "?overnight", None)
    sentence = sentences[act.sentence]
    in_sentence = [
        d
        for d in dates
        if sentence.start <= d.start < sentence.end
        and not _after_until(sentences, d)
        and (d.protest or not follow_up)
    ]
    if len({d.key for d in in_sentence}) == 1:
        return in_sentence[0]
    if in_sentence or follow_up:
        return default
    if act.sentence > 0:
        previous = sentences[act.sentence - 1]
        if previous.paragraph == sentence.paragraph:
            earlier = [d for d in dates if previous.start <= d.start < previous.end]
            if len({d.key for d in earlier}) == 1 and lx.PROTEST.search(previous.text):
                return earlier[0]
    return default


@functools.lru_cache(maxsize=1)
def _shared() -> Extractor:
    return Extractor()


def extract_article(
    *,
    article_id: str,
    text: str,
    title: str = "",
    url: str = "",
    published: dt.date | None = None,
) -> dict[str, Any]:
    """Extract one article with a process-wide :class:`Extractor` (built on first use)."""
    return _shared().extract(
        article_id=article_id, text=text, title=title, url=url, published=published
    )
