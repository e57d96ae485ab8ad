"""Where, when and by whom each act was done: the force, place and date given to each act.

An act takes the place, date and force named in its own words; else those of its sentence when
there is one of each; else the article's main ones (named in the acts' sentences, then in the
protest's). A town other than the main one gets no force unless one is named for it or the main
force polices it. Follow-up acts (charges, image appeals) take the protest's date, not the day
they were announced.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from casebook.monitor.extraction import lexicon as lx
from casebook.monitor.extraction.act import Act
from casebook.monitor.extraction.dates import DateMention
from casebook.monitor.extraction.forces import HOME_CITY, ForceMention, polices
from casebook.monitor.extraction.places import Gazetteer, PlaceMention
from casebook.monitor.extraction.text import NUMBER, Sentence

__all__ = ["Placed", "drop_cross_event_sums", "find_places", "place_acts", "sentence_of"]

# An action told for a whole country has no town ("457 arrested across the country").
_NATIONWIDE = re.compile(
    r"\b(?:across|around|throughout)\s+(?:the\s+)?(?:country|nation|UK|Britain|England|"
    r"Scotland|Wales|France|Germany|Australia|Canada|United\s+States|US|state|region|county)\b|"
    r"\bnationwide\b|\bacross\s+(?:\w+\s+){0,2}?(?:cities|towns)\b"
)


# "..., the ministry said on Friday": when the news was given, not when police acted.
_REPORTED_ON = re.compile(
    r"\b(?:said|says|announced|confirmed|added|reported)\s+(?:on\s+)?$", re.IGNORECASE
)


_OVERNIGHT = re.compile(r"\bovernight\b|\bthrough\s+the\s+night\b", re.IGNORECASE)


@dataclass
class Placed:
    """An act with the force, place and date it was given."""

    act: Act
    force: ForceMention | None
    place: PlaceMention | None
    date: DateMention | None
    own_place: bool = False  # the place was named with the act, not assumed
    own_force: bool = False  # likewise the force
    acting: bool = False  # the force is named as the one that did the act
    operation: int = 0  # how many separate operations the story told of before this act


def find_places(
    gazetteer: Gazetteer,
    text: str,
    sentences: list[Sentence],
    act_sentences: list[int],
    protest: list[bool],
    home_visit: bool = False,
) -> list[PlaceMention]:
    """The places named in the acts' sentences; else in the protest's; else the dateline's.
    A home visit with no place named happened where the person visited is from."""
    found: list[PlaceMention] = []
    for index in act_sentences:
        found.extend(gazetteer.find(text, sentences[index].start, sentences[index].end))
    # Sentences about the protest only matter when the actions name no place at all.
    if not found:
        for index in (i for i, flag in enumerate(protest) if flag):
            found.extend(gazetteer.find(text, sentences[index].start, sentences[index].end))
    if not found:  # the story's first sentences set the scene
        for index in range(min(2, len(sentences))):
            found.extend(gazetteer.find(text, sentences[index].start, sentences[index].end))
    if not found and home_visit:  # "a teacher from Salisbury says officers came to her door"
        for index in sorted({*act_sentences, *range(min(2, len(sentences)))}):
            found.extend(
                gazetteer.find(text, sentences[index].start, sentences[index].end, homes=True)
            )
    if not found:  # a dateline names where the story was filed from: "Melbourne, ..."
        dateline = gazetteer.dateline(text)
        if dateline is not None:
            found.append(dateline)
    return found


def place_acts(
    text: str,
    sentences: list[Sentence],
    acts: list[Act],
    forces: list[ForceMention],
    places: list[PlaceMention],
    dates: list[DateMention],
    protest: list[bool],
) -> list[Placed]:
    """Each act with the force, place and date it was given (one per place it names)."""
    places = sorted(_prefer_country(places, forces), key=_start)
    forces = sorted(forces, key=_start)
    dates = sorted(dates, key=_start)
    act_sentences = {a.sentence for a in acts}
    acting = {
        force.name: force
        for act in acts
        if (force := _acting_force(act, forces, text, sentences[act.sentence])) is not None
    }
    # The force named as doing an act is the story's force, before the forces merely mentioned.
    default_force = (
        next(iter(acting.values()))
        if len(acting) == 1
        else _main_force(forces, sentences, act_sentences, protest)
    )
    # Towns listed for one act ("smaller arrests in Belfast and Edinburgh") are that act's own.
    listed = set()
    for act in acts:
        own = _within(places, *act.segment)
        if len({p.name for p in own}) > 1:
            listed |= {p.start for p in own}
    candidates = [p for p in places if p.start not in listed] or places
    in_act_sentences = [p for p in candidates if sentence_of(sentences, p.start) in act_sentences]
    # A town after "in" or "at" is where things happened; one inside a name ("Bristol Against
    # Arms") or a slogan is not, unless nothing better is named.
    default_place = next(
        (
            chosen
            for group in (in_act_sentences, candidates)
            for chosen in (next((p for p in group if p.placed), None), group[0] if group else None)
            if chosen is not None
        ),
        None,
    )
    home_city = default_force and (default_force.home or HOME_CITY.get(default_force.slug or ""))
    if default_place is None and home_city:
        city, country = home_city
        default_place = PlaceMention(city, country, -1, -1, 0)
    home = {
        sentence_of(sentences, p.start)
        for p in places
        if p.name == getattr(default_place, "name", None)
    }
    elsewhere = {
        sentence_of(sentences, p.start)
        for p in places
        if default_place is not None and p.name != default_place.name
    } - home
    default_date = _main_date(dates, sentences, act_sentences, protest, elsewhere)
    placed: list[Placed] = []
    for act in acts:
        sentence = sentences[act.sentence]
        if act.reference and act.count is None:
            # "The arrests came a day after ...": the arrests told of before, where they were.
            told = next((p for p in reversed(placed) if p.act.type == act.type), None)
            if told is not None:
                placed.append(Placed(act, told.force, told.place, told.date, own_force=True))
                continue
        own_places = _distinct(_within(places, *act.segment))
        if len(own_places) > 1 and act.vague and act.type == "arrest":
            continue  # "at least 17 arrested in Cardiff and Swansea": a tally, no operation
        if len(own_places) > 1 and sum(p.placed for p in own_places) == 1:
            own_places = [p for p in own_places if p.placed]
        if not own_places:
            in_sentence = _distinct(_within(places, sentence.start, sentence.end))
            if len(in_sentence) > 1 and sum(p.placed for p in in_sentence) == 1:
                in_sentence = [p for p in in_sentence if p.placed]
            own_places = in_sentence if len(in_sentence) == 1 else []
        date = _act_date(act, dates, sentences, default_date)
        if _later_arrest_of_someone_told(act, date, default_date, protest):
            date = default_date
        in_segment = {f.name: f for f in _within(forces, *act.segment)}
        in_sentence = {f.name: f for f in _within(forces, sentence.start, sentence.end)}
        nationwide = not own_places and (
            _NATIONWIDE.search(text, *act.segment)
            or (
                _NATIONWIDE.search(text, sentence.start, sentence.end)
                and not _within(places, sentence.start, sentence.end)
            )
        )
        acting = _acting_force(act, forces, text, sentence)
        if date is not None and date.key.startswith("?period") and not own_places:
            date = default_date  # "arrested last week" at the same place: a follow-up
        for place in own_places or [None if nationwide else default_place]:
            elsewhere = (
                place is not None and default_place is not None and place.name != default_place.name
            )
            if acting is not None:
                force = acting
            elif len(in_segment) == 1:
                force = next(iter(in_segment.values()))
            elif elsewhere:
                # another town: the force its sentence names (or calls "the force") when that
                # force polices it, else the story's force when it does on the same day; a
                # passing mention of another day there names no force
                another_day = (
                    date is not None and default_date is not None and date.key != default_date.key
                )
                named_here = [*in_sentence.values(), *_forces_referred_to(forces, text, sentence)]
                force = _local_force(
                    place.name, named_here, None if another_day else default_force
                ) or (
                    None
                    if named_here
                    else _only_other_force_policing(place.name, forces, default_force)
                )
            elif len(in_sentence) == 1:
                force = next(iter(in_sentence.values()))
            else:
                force = default_force
            if len(own_places) > 1 and act.count is not None:
                place = default_place
            placed.append(
                Placed(
                    act if len(own_places) <= 1 else _copy(act),
                    force,
                    place,
                    date,
                    own_place=len(own_places) == 1,
                    own_force=acting is not None
                    or len(in_segment) == 1
                    or (not elsewhere and len(in_sentence) == 1),
                    acting=acting is not None,
                )
            )
    _number_operations(placed, text)
    return drop_cross_event_sums(_credit_the_acting_force(placed))


def _local_force(
    town: str, named: list[ForceMention], default: ForceMention | None
) -> ForceMention | None:
    """The force that polices *town*: one named in the act's sentence, else the story's own."""
    local = {f.name: f for f in named if polices(f.slug, town)}
    if len(local) == 1:
        return next(iter(local.values()))
    if not named and default is not None and polices(default.slug, town):
        return default
    return None


def _only_other_force_policing(
    town: str, forces: list[ForceMention], story_force: ForceMention | None
) -> ForceMention | None:
    """The one force, other than the story's own, that the text names and that polices *town*
    ("the Met" for a London charge told in a story about Norwich), else None. The story's own
    force told of another day in another of its towns is not carried there."""
    local = {
        f.name: f
        for f in forces
        if (story_force is None or f.name != story_force.name)
        and (polices(f.slug, town) or HOME_CITY.get(f.slug or "", ("",))[0] == town)
    }
    return next(iter(local.values())) if len(local) == 1 else None


def _forces_referred_to(
    forces: list[ForceMention], text: str, sentence: Sentence
) -> list[ForceMention]:
    """The force a sentence calls "the force" (the one named last before it)."""
    m = _THE_FORCE.search(text, sentence.start, sentence.end)
    if m is None:
        return []
    named = [f for f in forces if f.end <= m.start()]
    return [max(named, key=lambda f: f.end)] if named else []


def _later_arrest_of_someone_told(
    act: Act, date: DateMention | None, protest_date: DateMention | None, protest: list[bool]
) -> bool:
    """ "A man has been charged over the protest on 3 August. He was arrested on Tuesday": the
    arrest of someone the story has told of, days after the protest, away from any protest
    words, is a follow-up and carries the protest's date."""
    return (
        act.type == "arrest"
        and act.definite
        and act.implicit_one
        and not protest[act.sentence]
        and date is not None
        and protest_date is not None
        and date.value is not None
        and protest_date.value is not None
        and date.value > protest_date.value
    )


# "A further spontaneous protest occurred ...", "In a separate incident, ...": what follows is
# another operation, even by the same force in the same town on the same day.
_ANOTHER_OPERATION = re.compile(
    r"\b(?:a\s+further|another|a\s+separate|a\s+second|a\s+third|a\s+later|a\s+smaller)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:protest|demonstration|march|rally|sit-in|vigil|incident|gathering|"
    r"occupation|blockade)\b|\bin\s+a\s+separate\s+(?:incident|protest|operation)\b",
    re.IGNORECASE,
)


def _number_operations(placed: list[Placed], text: str) -> None:
    if not placed:
        return
    first = min(item.act.anchor[0] for item in placed)
    breaks = [m.start() for m in _ANOTHER_OPERATION.finditer(text, first)]
    for item in placed:
        item.operation = sum(1 for b in breaks if b < item.act.anchor[0])


def _credit_the_acting_force(placed: list[Placed]) -> list[Placed]:
    """ "... were arrested by the campus police. The highway patrol reported 132 arrests; the city
    police chief confirmed 210": one operation, credited to the force that did it, not to the
    forces that spoke of it."""
    actors: dict[tuple[Any, Any], set[str]] = {}
    by_name: dict[str, ForceMention] = {}
    for item in placed:
        if item.acting and item.force is not None:
            key = (_name(item.place), item.date.key if item.date else None)
            actors.setdefault(key, set()).add(item.force.name)
            by_name[item.force.name] = item.force
    for item in placed:
        if item.place is None or item.act.additive:
            continue  # no town to tell one operation by; "a further three": another one
        names = actors.get((_name(item.place), item.date.key if item.date else None), set())
        if len(names) == 1 and not item.acting and item.force is not None:
            item.force = by_name[next(iter(names))]
    return placed


def _name(place: PlaceMention | None) -> str | None:
    return place.name if place else None


# Between a force's name and the act it did: "Kent Police arrested", "Merseyside Police, which
# arrested", "Kent Police that made the six arrests", "the Met said it had arrested".
_FORCE_DID = re.compile(
    r"\s*(?:,\s*)?(?:(?:which|who|that)\s+)?(?:(?:has|have|had|was|were|also|later|then|"
    r"subsequently|said\s+(?:it|they|officers)|said\s+(?:it|they)\s+had)\s+){0,3}"
    r"(?:(?:made|carried\s+out|brought|issued)\s+)?(?:the\s+|a\s+|an\s+)?"
    rf"(?:(?:{NUMBER}|first|further|more|additional|total\s+of)\s+){{0,3}}$",
    re.IGNORECASE,
)


_BY_FORCE = re.compile(r"\s+(?:\w+\s+){0,2}?by\s+(?:the\s+)?$", re.IGNORECASE)


def _acting_force(
    act: Act, forces: list[ForceMention], text: str, sentence: Sentence
) -> ForceMention | None:
    """The force named as the one that did the act: right before its words, or after "by"."""
    after = _within(forces, act.anchor[1], min(sentence.end, act.anchor[1] + 60))
    if after:
        nearest_after = min(after, key=lambda f: f.start)
        if _BY_FORCE.fullmatch(text, act.anchor[1], nearest_after.start):
            return nearest_after
    before = [f for f in _within(forces, sentence.start, act.anchor[0]) if f.end <= act.anchor[0]]
    if not before:
        return _force_referred_to(act, forces, text, sentence)
    nearest = max(before, key=lambda f: f.end)
    if _FORCE_DID.fullmatch(text, nearest.end, act.anchor[0]):
        return nearest
    return None


# "The force also arrested ...", "the same force said it had arrested ...": the force named last.
_THE_FORCE = re.compile(r"\b(?:the|that|this)\s+(?:same\s+)?force\b", re.IGNORECASE)


def _force_referred_to(
    act: Act, forces: list[ForceMention], text: str, sentence: Sentence
) -> ForceMention | None:
    """The force a sentence names as "the force" just before the act, when it did the act."""
    for m in _THE_FORCE.finditer(text, sentence.start, act.anchor[0]):
        if _FORCE_DID.fullmatch(text, m.end(), act.anchor[0]):
            named = [f for f in forces if f.end <= m.start()]
            return max(named, key=lambda f: f.end) if named else None
    return None


def drop_cross_event_sums(placed: list[Placed]) -> list[Placed]:
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


def _copy(act: Act) -> Act:
    clone = Act(**{k: v for k, v in act.__dict__.items() if k != "children"})
    clone.children = []
    return clone


def _distinct(places: list[PlaceMention]) -> list[PlaceMention]:
    seen: dict[str, PlaceMention] = {}
    for place in places:
        seen.setdefault(place.name, place)
    return list(seen.values())


def sentence_of(sentences: list[Sentence], position: int) -> int:
    """The index of the sentence holding *position*, or -1."""
    index = bisect.bisect_right(sentences, position, key=_start) - 1
    if index >= 0 and sentences[index].start <= position < sentences[index].end:
        return index
    return -1


class _Located(Protocol):
    start: int


_T = TypeVar("_T", bound=_Located)


def _start(item: _Located) -> int:
    return item.start


def _within(items: Sequence[_T], start: int, end: int) -> list[_T]:
    """The items (sorted by where they start) that start in ``[start, end)``."""
    low = bisect.bisect_left(items, start, key=_start)
    return list(items[low : bisect.bisect_left(items, end, lo=low, key=_start)])


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
        index = sentence_of(sentences, force.start)
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
    elsewhere: set[int],
) -> DateMention | None:
    """The date of the story's main action: told with its acts or its protest, and not in a
    sentence about another town (a passing mention of another protest has its own date)."""
    usable = [
        d
        for d in dates
        if not _after_until(sentences, d)
        and not d.key.startswith("?period")
        and sentence_of(sentences, d.start) not in elsewhere
        and not _reported_on(sentences, d)
    ]
    context = [
        d
        for d in usable
        if (i := sentence_of(sentences, d.start)) in act_sentences or (i >= 0 and protest[i])
    ]
    for choice in (
        [d for d in context if d.protest],
        [d for d in usable if sentence_of(sentences, d.start) in act_sentences],
        context,
        [d for d in usable if sentence_of(sentences, d.start) < 2],  # the story's lede
    ):
        if choice:
            return choice[0]
    return None


def _reported_on(sentences: list[Sentence], date: DateMention) -> bool:
    """ "..., the force said on Monday", "In a statement on Sunday": when the news was given."""
    index = sentence_of(sentences, date.start)
    if index < 0 or date.protest:
        return False
    before = sentences[index].text[: date.start - sentences[index].start]
    return bool(
        _REPORTED_ON.search(before)
        or _STATEMENT_ON.search(before)
        or (
            _OPENING_ON.fullmatch(before) is not None
            and _SAID_AFTER.match(sentences[index].text, date.end - sentences[index].start)
            is not None
        )
    )


# "On Sunday, West Yorkshire Police said five people had been arrested": the day of the words.
_SAID_AFTER = re.compile(
    r",\s*(?:[\w'’-]+\s+){1,5}?(?:said|says|confirmed|announced|revealed|reported)\b",
    re.IGNORECASE,
)
_OPENING_ON = re.compile(r"\s*(?:(?:late|early|later)\s+)?(?:on\s+)?", re.IGNORECASE)
_STATEMENT_ON = re.compile(
    r"\b(?:statement|update|press\s+conference|briefing|post|tweet)\s+(?:\w+\s+){0,2}?(?:on|late\s+on)\s+$",
    re.IGNORECASE,
)


def _after_until(sentences: list[Sentence], date: DateMention) -> bool:
    index = sentence_of(sentences, date.start)
    if index < 0:
        return False
    before = sentences[index].text[: date.start - sentences[index].start]
    return bool(
        re.search(
            r"\b(?:until|till)\s+(?:\S+\s+){0,2}$|\b(?:by|ahead\s+of|since|"
            r"before|between|from)\s+(?:the\s+)?$",
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
        for d in _within(dates, *act.segment)
        if not _after_until(sentences, d)
        and (d.protest or not follow_up)
        and not _REPORTED_ON.search(
            _sentence_text(sentences, act), 0, d.start - sentences[act.sentence].start
        )
        and not (not d.protest and _reported_on(sentences, d))
    ]
    if own:
        # "arrested on Tuesday over the protest on 3 August": a later arrest (like a charge)
        # carries the date of the protest it answers
        return next((d for d in own if d.protest), own[0])
    if _OVERNIGHT.search(sentences[act.sentence].text):
        # "arrested 875 people overnight": the action spans two dates
        return DateMention(act.anchor[0], act.anchor[1], "?overnight", None)
    sentence = sentences[act.sentence]
    in_sentence = [
        d
        for d in _within(dates, sentence.start, sentence.end)
        if not _after_until(sentences, d)
        and (d.protest or not follow_up)
        and not _reported_on(sentences, d)
    ]
    # "Earlier this month, on 2 March 2024, ...": the day named within the period
    if any(d.value for d in in_sentence):
        in_sentence = [d for d in in_sentence if not d.key.startswith("?period")]
    if len({d.key for d in in_sentence}) == 1:
        return in_sentence[0]
    if in_sentence or follow_up:
        return default
    if act.sentence > 0:
        previous = sentences[act.sentence - 1]
        if previous.paragraph == sentence.paragraph:
            earlier = _within(dates, previous.start, previous.end)
            if len({d.key for d in earlier}) == 1 and lx.PROTEST.search(previous.text):
                return earlier[0]
    return default
