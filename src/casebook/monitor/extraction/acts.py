"""Police actions in sentences: what was done, to how many, why, and under which law.

Works sentence by sentence. An *anchor* (a verb or noun of police action from
:mod:`lexicon`) opens an act; its count comes from the words before it ("24 demonstrators were
held", "Seven arrests") or after it ("arrested 53 people"); elliptical items that follow
("..., five for theft and three for other offences", "with another 12 held elsewhere")
become acts of the same type. Each act keeps the character span of every word it was built from.

Anchors are dropped when the words before them make the action hypothetical ("would face
arrest"), negated ("no arrests"), cumulative ("since July"), a court outcome, or a reference to
people already counted ("those arrested").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from casebook.monitor.extraction import lexicon as lx
from casebook.monitor.extraction.text import NUMBER, VAGUE_BEFORE, Sentence, parse_number
from casebook.monitor.extraction.triggers import set_trigger

__all__ = ["Act", "find_acts"]

Span = tuple[int, int]

_NOUN_ANCHORS = re.compile(
    r"arrests|arrest|detentions|detainees|seizures?|infringement|penalty|fixed|fines|tickets|"
    r"summonses|citations|"
    r"checkpoints?|stop and searches|home visits?",
    re.IGNORECASE,
)
_STRONG_BREAK = re.compile(
    r"[;:]|\b(?:while|whereas|but)\b|,\s+(?:and\s+)?(?=(?:police|officers|"
    r"the\s+(?:force|police|Met)|they)\b)",
    re.IGNORECASE,
)
_PASSIVE_END = re.compile(
    r"\b(?:was|were|been|being|be|is|are|got)\s+(?:(?:\w+ly|also|all|later|subsequently|then|"
    r"now|since|initially|eventually|reportedly|allegedly)\s+){0,2}$",
    re.IGNORECASE,
)
_NOUN_COUNT = re.compile(
    rf"(?P<tm>(?:a\s+)?total\s+of\s+)?(?P<vague>{VAGUE_BEFORE}\s+)?(?P<n>{NUMBER})(?P<plus>\+)?\s+"
    r"(?P<sub>of\s+(?:the|these|those)\s+)?(?:(?:further|more|other|additional|separate|new|"
    r"related|smaller|total)\s+){0,2}$",
    re.IGNORECASE,
)
_OBJECT_COUNT = re.compile(
    rf"\s+(?:up\s+)?(?P<tm>(?:a\s+)?total\s+of\s+)?(?P<vague>{VAGUE_BEFORE}\s+)?(?P<n>{NUMBER})"
    r"(?!-year)(?P<plus>\+)?",
    re.IGNORECASE,
)
_GROUP_OF = re.compile(
    rf"\s+(?:[\w\"“”'‘’-]+\s+){{0,3}}?group[\"”’']?\s+of\s+(?P<n>{NUMBER})\b", re.IGNORECASE
)
_IMAGE_COUNT = re.compile(
    rf"\b(?:of|showing)\s+(?:the\s+)?(?P<n>{NUMBER})\s+(?:[\w-]+\s+){{0,2}}?{lx.PEOPLE}\b|"
    rf"\b(?P<n2>{NUMBER})\s+(?:more\s+|new\s+|further\s+|other\s+)?(?:CCTV\s+)?(?:images|"
    rf"pictures|photos|photographs|stills|e-?fits)\s+(?:of\s+)?(?:[\w-]+\s+){{0,2}}?{lx.PEOPLE}\b",
    re.IGNORECASE,
)
_ITEM = re.compile(
    r"(?:[,;:–—]\s*(?:and\s+|while\s+|with\s+|plus\s+|but\s+)?|\s+-\s+|"
    r"\s+(?:and|while|with|plus|but)\s+)"
    r"(?P<add>(?:a\s+further|another|an\s+additional|additional|further)\s+)?"
    rf"(?P<vague>{VAGUE_BEFORE}\s+)?(?P<n>{NUMBER}|another(?=\s+(?:for|on\s+suspicion|over|"
    r"was|who|in\s+connection)\b)|an?\s+\d{1,2}-year-old(?:\s+(?:man|woman|boy|girl|"
    r"teenager|youth))?)(?:\s+of\s+(?:them|those|whom|these))?"
    rf"(?P<noun>\s+(?:more\s+|other\s+)?(?:{lx.PEOPLE})\b)?(?:,\s+aged\s+[^,]{{1,25}},)?"
    r"(?P<tail>\s+(?:(?:was|were|had\s+been|have\s+been)\s+)?(?:also\s+)?(?:(?:held|arrested|"
    r"detained|charged)\b|for\b|with\b|on\s+suspicion\b|over\b|in\s+breach\b|under\b|"
    r"elsewhere\b|"
    r"on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b))?",
    re.IGNORECASE,
)
_PEOPLE_NEAR = re.compile(rf"\s*(?:[\w'’-]+\s+){{0,3}}?{lx.PEOPLE}\b", re.IGNORECASE)
_SUBJECT_BREAKERS = re.compile(
    r"\b(?:injured|hurt|attended|joined|gathered|marched|took|said|says|treated|deployed|"
    r"involved|estimated|expected|turned|killed|died)\b|[%£$€]",
    re.IGNORECASE,
)
_HELD_NOT_ARREST = re.compile(
    r"\s+(?:a|an|the|up|placards?|signs?|banners?|flags?|hostage|aloft|talks|their|his|her|its|"
    r"on\s+to|onto|responsible|back|accountable|together|events?|rallies|marches|protests?|"
    r"vigils?|meetings?|in\s+(?:high|place|reserve))\b",
    re.IGNORECASE,
)
_EVENT_NOUN_BEFORE = re.compile(
    r"\b(?:march(?:es)?|protests?|rall(?:y|ies)|demonstrations?|vigils?|events?|meetings?|"
    r"parades?|processions?|talks|elections?|referendums?|services?|ceremon(?:y|ies)|sit-ins?)"
    r"\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
_PERSON_BEFORE = re.compile(
    rf"(?:{NUMBER}|{lx.PEOPLE}|he|she|they|who|boy|girl|man|woman|teenager)\s+"
    r"(?:(?:were|was|had|have|has|been|being|also|later|all|subsequently)\s+){0,3}$",
    re.IGNORECASE,
)


@dataclass
class Act:
    """One police action as the text states it, with the spans of its words."""

    type: str
    anchor: Span
    sentence: int
    segment: Span
    count: int | None = None
    count_span: Span | None = None
    vague: bool = False
    total_marker: bool = False
    additive: bool = False
    definite: bool = False
    reference: bool = False  # its subject is people counted earlier ("those arrested")
    kind_of: str = ""  # for "other": fines, containment, checkpoints, separating groups...
    all_of_them: bool = False  # "those arrested were charged": every one of them
    subset: bool = False
    item: bool = False
    listed: bool = False
    words_end: int | None = None  # where the act's own words (anchor and object) end
    offence: str | None = None
    offence_span: Span | None = None
    legal_basis: str | None = None
    legal_basis_span: Span | None = None
    trigger: str | None = None
    trigger_span: Span | None = None
    parent: Act | None = field(default=None, repr=False)
    sibling: Act | None = field(default=None, repr=False)  # shares its parent
    children: list[Act] = field(default_factory=list, repr=False)

    @property
    def rich(self) -> int:
        """How much the act says: used to keep the fullest of two duplicates."""
        return sum(
            x is not None for x in (self.count, self.offence, self.legal_basis, self.trigger)
        )


_OTHER_KINDS = (
    ("fine", re.compile(r"fine|ticket|notice|summons|citation", re.IGNORECASE)),
    ("contain", re.compile(r"kettl|contain|intercept", re.IGNORECASE)),
    ("checkpoint", re.compile(r"checkpoint", re.IGNORECASE)),
    ("separate", re.compile(r"separat|apart", re.IGNORECASE)),
)


def _other_kind(words: str) -> str:
    """Which kind of "other" action an anchor names: fines and containment are two acts."""
    return next((name for name, regex in _OTHER_KINDS if regex.search(words)), "other")


def _words_before(text: str, start: int, stop_at: int, limit: int = 8) -> str:
    """Up to *limit* words before *start*, cut at the last clause break."""
    window = text[max(stop_at, start - 80) : start]
    breaks = list(lx.CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    return " ".join(window.split()[-limit:])


def _keep_anchor(kind: str, m: re.Match[str], text: str, sentence: Sentence) -> bool:
    word = m.group().lower()
    before = text[max(sentence.start, m.start() - 60) : m.start()]
    if word in {"arrest", "detain"} and not (
        _BARE_VERB_BEFORE.search(before)
        or re.match(r"\s+(?:was|has\s+been|had\s+been)\s+made", text[m.end() : m.end() + 20])
    ):
        return False  # "arrest" as a plain noun or infinitive: "powers of arrest"
    if word == "intercept" and not re.search(r"\bhad\s+to\s+$", before):
        return False
    if word in {"disperse", "break up"} and not _USED_TO.search(before):
        return False  # "failure to disperse" is an offence; "used tear gas to disperse" an act
    if word == "cleared" and not re.search(
        r"\b(?:was|were|been|being)\s+(?:\w+ly\s+)?$", before, re.IGNORECASE
    ):
        return False  # "cleared" alone: only in the passive ("the square was cleared")
    if word == "held":
        if _HELD_NOT_ARREST.match(text, m.end()) or _EVENT_NOUN_BEFORE.search(before):
            return False
        after_people = _PEOPLE_NEAR.match(text, m.end(), min(sentence.end, m.end() + 40))
        after_number = re.match(rf"\s+{NUMBER}", text[m.end() : m.end() + 30], re.IGNORECASE)
        if not (_PERSON_BEFORE.search(before) or after_people or after_number):
            return False
    if kind in {"force", "home_visit"} or word in {"tickets", "summonses", "citations"}:
        context = text[sentence.start : sentence.end]
        if not lx.POLICE_AGENT.search(context):
            return False
    # "those arrested include", "the arrested": people counted elsewhere.
    return not (
        kind == "arrest"
        and word in {"arrested", "detained"}
        and lx.REFERENCE.search(before[-25:])
        and not re.search(rf"{NUMBER}\s+$|\b(?:people|persons)\s+$", before[-25:], re.I)
    )


def _dropped(kind: str, text: str, anchor: Span, clause: Span, sentence: Sentence) -> bool:
    if _HYPOTHETICAL_AFTER.match(text, anchor[1], sentence.end):
        return True  # "more arrests are expected"
    before = _words_before(text, anchor[0], clause[0])
    if lx.NEGATION.search(before):
        return True
    modal = lx.FUTURE_ONLY if kind in {"stop_search", "dispersal"} else lx.MODAL
    if modal.search(before):
        return True
    # "to arrest", "to disperse": an intention, unless the police "had to" do it.
    if (
        re.search(r"\bto\s*$", before)
        and not re.search(
            r"\bhad\s+to\s*$|\b(?:used|using|deployed|deploying|were\s+used|was\s+used|formed|"
            r"fired|firing|"
            r"forming|set\s+up|drafted\s+in|brought\s+in|moved\s+in|stepped\s+in)\s+"
            r"(?:[\w-]+\s+){0,3}?to\s*$",
            text[max(sentence.start, anchor[0] - 60) : anchor[0]],
        )
        and not (
            kind in {"stop_search", "dispersal"}
            and re.search(r"\b(?:authority|powers?)\s+to\s*$", before)
        )
    ):
        # An authorisation in force ("powers are in place to stop and search") is an act.
        return True
    sentence_text = text[sentence.start : sentence.end]
    cumulative = lx.CUMULATIVE.search(text, clause[0], clause[1])
    if cumulative and not (
        re.fullmatch(r"so\s+far", cumulative.group(), re.IGNORECASE)
        and lx.ONE_EVENT_FOLLOW_UP.search(sentence_text)
        and not lx.SEVERAL_PROTESTS.search(sentence_text)
    ):
        # "so far" is a running total, except for one protest's follow-up arrests ("nine have
        # so far been arrested in connection with the disorder"), which belong to its event
        return True
    if lx.RUNNING_TOTAL.search(text, clause[0], clause[1]) and lx.SEVERAL_PROTESTS.search(
        sentence_text
    ):
        return True  # "had now charged 96 people over the protests": a running total
    if kind in {"stop_search", "dispersal"} and _GENERIC_ORDER.search(
        text, max(sentence.start, anchor[0] - 30), anchor[0]
    ):
        return True  # "at protests where a Section 60 order is in force": a general rule
    if lx.COURT.search(sentence_text) and kind != "charge":
        return True
    comma_clause = _comma_clause(text, anchor, sentence)
    return bool(lx.UNRELATED_CRIME.search(comma_clause) and not lx.PROTEST.search(comma_clause))


def _comma_clause(text: str, anchor: Span, sentence: Sentence) -> str:
    start = max(text.rfind(",", sentence.start, anchor[0]) + 1, sentence.start)
    end = text.find(",", anchor[1], sentence.end)
    return text[start : end if end >= 0 else sentence.end]


def _clause_start(text: str, sentence: Sentence, floor: int, anchor_start: int) -> int:
    start = max(sentence.start, floor)
    for m in _STRONG_BREAK.finditer(text, start, anchor_start):
        start = m.end()
    return start


def _set_count(act: Act, m: re.Match[str], group: str = "n") -> None:
    words = m.group(group).lower()
    # "another for X", "and a 31-year-old on suspicion of Y": one more person
    value = 1 if words == "another" or "-year-old" in words else parse_number(words)
    vague = bool(m.groupdict().get("vague")) or bool(m.groupdict().get("plus"))
    act.vague = vague or value is None
    act.count = None if act.vague else value
    act.count_span = None if act.vague else (m.start(group), m.end(group))
    if m.groupdict().get("tm"):
        act.total_marker = True


def _count_before(act: Act, text: str, clause_start: int, noun: bool) -> bool:
    prefix_start = clause_start
    prefix = text[prefix_start : act.anchor[0]]
    if noun:
        m = _NOUN_COUNT.search(prefix)
        if m:
            shifted = re.compile(_NOUN_COUNT.pattern, re.IGNORECASE).search(
                text, prefix_start + m.start(), act.anchor[0]
            )
            if shifted:
                _set_count(act, shifted)
                act.subset = bool(shifted.group("sub"))
                act.definite = bool(
                    re.search(
                        r"\bthe\s+$", text[max(0, shifted.start() - 4) : shifted.start()], re.I
                    )
                )
                if lx.ADDITIVE.search(text[max(0, shifted.start() - 20) : shifted.start()]):
                    act.additive = True
                return True
        if lx.VAGUE_WORDS.search(" ".join(prefix.split()[-3:])):
            act.vague = True
            return True
        return False
    numbers = [
        m
        for m in lx.NUMBER_RE.finditer(text, prefix_start, act.anchor[0])
        if not lx.not_people(text, m.start(), m.end())
    ]
    if numbers:
        m = numbers[-1]
        if len(numbers) > 1 and _COMPOSITE.fullmatch(text, numbers[-2].end(), m.start()):
            act.vague = True  # "three men and one woman were held": never summed
            return True
        between = text[m.end() : act.anchor[0]]
        if (
            len(between.split()) <= 18
            and not _SUBJECT_BREAKERS.search(between)
            and not any(
                not lx.not_people(text, n.start(), n.end())
                for n in lx.NUMBER_RE.finditer(text, m.end(), act.anchor[0])
            )
            and (_PEOPLE_NEAR.match(between) or not between.strip() or _PASSIVE_END.search(between))
        ):
            value = parse_number(m.group())
            lead = text[max(prefix_start, m.start() - 25) : m.start()]
            vague = re.search(rf"{VAGUE_BEFORE}\s+$", lead, re.IGNORECASE)
            act.vague = bool(vague) or text[m.end() : m.end() + 1] == "+"
            act.count = None if act.vague else value
            act.count_span = None if act.vague else (m.start(), m.end())
            act.definite = bool(re.search(r"\bthe\s+$", lead, re.IGNORECASE))
            act.additive = bool(lx.ADDITIVE.search(lead))
            # "Of those, 98 were held under ...": part of a count told before
            act.subset = bool(
                re.search(
                    r"\bof\s+(?:those|them|these|whom)(?:\s+arrested|"
                    r"\s+held|\s+detained)?\s*,?\s*$",
                    text[max(0, m.start() - 30) : m.start()],
                    re.IGNORECASE,
                )
            )
            act.total_marker = bool(lx.TOTAL_MARKER.search(lead))
            return True
    line_start = prefix_start == 0 or text[prefix_start - 1] == "\n"
    if line_start and lx.HEADLINE_SINGLE.fullmatch(prefix):
        act.count, act.count_span = 1, (prefix_start, act.anchor[0])
        return True
    singles = list(lx.SINGLE_PERSON.finditer(text, prefix_start, act.anchor[0]))
    if singles and numbers:  # "three men and one woman were held": no summing
        act.vague = True
        return True
    if (
        singles
        and _PASSIVE_END.search(prefix)
        or (singles and not prefix[singles[-1].end() - prefix_start :].strip())
    ):
        count = len(singles) if re.search(r"\bwere\b", prefix[-30:]) else 1
        act.count = count
        act.count_span = (singles[0].start(), singles[-1].end())
        return True
    if lx.VAGUE_WORDS.search(prefix[-40:]) or re.search(rf"\b{lx.PEOPLE}\b", prefix[-40:], re.I):
        act.vague = True
        return True
    return False


def _count_after(act: Act, text: str, limit: int) -> bool:
    m = _OBJECT_COUNT.match(text, act.anchor[1], limit)
    if m is None and act.type == "other":  # "issued fines to a further 11 people"
        to = _TO_PEOPLE.match(text, act.anchor[1], limit)
        if to:
            _set_count(act, to)
            return True
    if m and not lx.not_people(text, m.start("n"), m.end("n")):
        _set_count(act, m)
        people = _PEOPLE_NEAR.match(text, m.end(), limit)
        act.words_end = people.end() if people else m.end()
        return True
    if act.type == "other":
        m = _GROUP_OF.match(text, act.anchor[1], limit)
        if m:
            _set_count(act, m)
            return True
    single = lx.SINGLE_PERSON.match(text, act.anchor[1] + 1, limit)
    if single and text[act.anchor[1] : single.start()].strip() == "":
        act.count, act.count_span = 1, (single.start(), single.end())
        return True
    after = text[act.anchor[1] : limit]
    if re.match(
        rf"\s+(?:[\w'’-]+\s+){{0,2}}?{lx.PEOPLE}\b", after, re.IGNORECASE
    ) or lx.VAGUE_WORDS.match(after.strip()):
        act.vague = True
        return True
    return False


def _offence(act: Act, text: str, start: int, limit: int) -> int:
    """Fill the act's offence from the words after *start*; return where the act's words end."""
    intro = lx.OFFENCE_INTRO.match(text, start, limit)
    who = lx.OFFENCE_WHO.match(text, start, limit)
    if intro and not (act.type != "charge" and intro.group("intro").lower() == "with"):
        begin = intro.start("intro")
        keep_intro = intro.group("intro").lower().startswith(("on suspicion", "in breach"))
        if intro.group("intro").lower().startswith("on suspicion"):
            begin += len("on ")
        elif not keep_intro:
            begin = intro.end()
    elif who:
        begin = who.start("offence")
    else:
        return start
    stop = lx.OFFENCE_STOP.search(text, begin, limit)
    listing = lx.OFFENCE_LIST.match(text, begin, limit)
    while (
        stop
        and listing
        and text[stop.start()] == ","
        and not lx.NUMBER_RE.match(text, stop.end() + 1)
    ):
        # "offences including assaults, public order offences and criminal damage"
        stop = lx.OFFENCE_STOP.search(text, stop.end(), limit)
    end = stop.start() if stop else limit
    words = text[begin:end].split()
    if len(words) > 16:
        end = begin + len(" ".join(text[begin:end].split(" ")[:16]))
    phrase = text[begin:end].strip()
    if phrase:
        act.offence = phrase
        act.offence_span = (begin, begin + len(phrase))
    return end


def _split_list(act: Act, text: str, start: int, limit: int) -> list[Act]:
    """ ", including individuals carrying knives and for affray": one act per offence listed."""
    m = lx.INCLUDING_LIST.match(text, start, limit)
    if not m or lx.NUMBER_RE.search(m.group("list")):
        return []
    items = []
    position = m.start("list")
    for piece in re.split(r",\s*|\s+and\s+|\s+or\s+", m.group("list")):
        offset = text.find(piece, position)
        position = offset + len(piece)
        phrase = re.sub(
            r"^(?:for|individuals?|people|those|persons?)\s+",
            "",
            piece.strip(),
            flags=re.IGNORECASE,
        )
        phrase = re.sub(r"^(?:for)\s+", "", phrase, flags=re.IGNORECASE)
        if not phrase:
            continue
        begin = offset + piece.index(phrase) if phrase in piece else offset
        child = Act(
            act.type,
            act.anchor,
            act.sentence,
            (offset, offset + len(piece)),
            offence=phrase,
            offence_span=(begin, begin + len(phrase)),
            listed=True,
            parent=act,
        )
        set_trigger(child, text)
        items.append(child)
    act.children.extend(items)
    return items


def _offence_list_of_reference(act: Act, text: str) -> list[Act]:
    """ "The 8 arrests were for offences including criminal damage and assault"."""
    if not (act.definite and act.offence and act.offence_span):
        return []
    m = re.match(r"offen[cs]es\s+(?:including|involving)\s+(.+)$", act.offence, re.IGNORECASE)
    if not m or lx.NUMBER_RE.search(m.group(1)):
        return []
    return _list_from(act, text, act.offence_span[0] + m.start(1))


def _list_from(act: Act, text: str, start: int) -> list[Act]:
    end = act.offence_span[1] if act.offence_span else start
    items = []
    position = start
    for piece in re.split(r",\s*|\s+and\s+", text[start:end]):
        offset = text.find(piece, position)
        position = offset + len(piece)
        if not piece.strip():
            continue
        child = Act(
            act.type,
            act.anchor,
            act.sentence,
            (offset, offset + len(piece)),
            offence=piece.strip(),
            offence_span=(offset, offset + len(piece.strip())),
            listed=True,
            parent=act,
        )
        set_trigger(child, text)
        items.append(child)
    act.children.extend(items)
    return items


def anchors_in(text: str, start: int, end: int, low: str | None = None) -> list[re.Match[str]]:
    """Police-action anchors in ``text[start:end]``, in order, not overlapping.

    *low* is ``lexicon.lowered(text)`` when the caller has it already.
    """
    low = lx.lowered(text) if low is None else low
    found: list[re.Match[str]] = []
    reached = start
    for candidate in lx.ANCHOR_START.finditer(low, start, end):
        position = candidate.start()
        if position < reached or (
            position and (text[position - 1].isalnum() or text[position - 1] in "-_'’")
        ):
            continue
        m = lx.ANCHOR.match(text, position, end)
        if m:
            found.append(m)
            reached = m.end()
    return found


# "Police arrest four", "Gardaí detain two": the bare word is a verb after a police subject.
_AGENT_VERB_BEFORE = re.compile(
    r"\b(?:police|officers|cops|Met|force|troopers|gardaí|gardai|PSNI|NYPD|LAPD)\s+$",
    re.IGNORECASE,
)
# "... were arrested and later charged": the second act has the first one's people.
_SAME_PEOPLE = re.compile(
    r"\s+and\s+(?:(?:has|have|had|was|were|is|are)\s+)?(?:(?:since|later|subsequently|then|"
    r"also|all|each|now|both)\s+)*(?:been\s+)?$",
    re.IGNORECASE,
)
_USED_TO = re.compile(
    r"\b(?:used|using|fired|firing|deployed|deploying)\s+(?:[\w-]+\s+){0,3}?to\s+$|"
    r"\b(?:were|was)\s+used\s+to\s+$|\bhad\s+to\s+$",
    re.IGNORECASE,
)
_ALL_OF_THEM = re.compile(
    r"\s*(?:those\s+(?:arrested|detained|held)|they|both|all(?:\s+of\s+them)?|the\s+(?:men|women|"
    r"people|protest[eo]rs|demonstrators|activists|group))\s+(?:were|have\s+been|had\s+been|"
    r"have\s+all\s+been|were\s+all|all)\s+(?:all\s+|later\s+|since\s+|subsequently\s+)?$",
    re.IGNORECASE,
)
_TO_PEOPLE = re.compile(
    rf"\s+to\s+(?:a\s+further\s+|another\s+|an\s+additional\s+)?(?P<vague>{VAGUE_BEFORE}\s+)?"
    rf"(?P<n>{NUMBER})\s+(?:[\w-]+\s+)?{lx.PEOPLE}\b",
    re.IGNORECASE,
)
_CROWD_COUNT = re.compile(
    rf"\s+(?:[\w'’-]+\s+){{0,2}}?{lx.PEOPLE}\s+(?:were|was|had\s+been|have\s+been|being)\s+"
    r"(?:\w+ly\s+|also\s+|then\s+)?",
    re.IGNORECASE,
)
_JOINED = re.compile(
    r"\s*,?\s*(?:or|nor|and|and/or)\s+(?:even\s+|later\s+|then\s+)?", re.IGNORECASE
)
_GENERIC_ORDER = re.compile(
    r"\b(?:where|wherever|whenever|when|if|unless)\s+(?:a|an|any)\s+$", re.IGNORECASE
)
_COMPOSITE = re.compile(r"\s+(?:[\w-]+\s+){1,2}?(?:and|plus|as\s+well\s+as)\s+", re.IGNORECASE)
_HYPOTHETICAL_AFTER = re.compile(
    r"\s+(?:(?:were|was|are|is|remain|remained)\s+(?:still\s+|also\s+)?"
    r"(?:possible|likely|expected|planned|imminent|anticipated)|could\s+follow|may\s+follow)\b",
    re.IGNORECASE,
)
_BARE_VERB_BEFORE = re.compile(
    r"\b(?:one|an|a|single|police|officers|cops|Met|force|troopers|gardaí|gardai)\s+$",
    re.IGNORECASE,
)


def find_acts(
    text: str, sentences: list[Sentence], index: int, low: str | None = None
) -> list[Act]:
    """The acts stated in sentence number *index* of *sentences* (*low*: the lowered text)."""
    sentence = sentences[index]
    anchors = [
        (m.lastgroup, m)
        for m in anchors_in(text, sentence.start, sentence.end, low)
        if _keep_anchor(m.lastgroup or "", m, text, sentence)
    ]
    acts: list[Act] = []
    consumed: set[int] = set()
    floor = sentence.start
    dropped_end: int | None = None  # where the last anchor dropped as negated or modal ended
    for number, (kind, m) in enumerate(anchors):
        if m.start() in consumed or kind is None:
            continue
        next_start = next(
            (a.start() for _, a in anchors[number + 1 :] if a.start() not in consumed), sentence.end
        )
        clause_start = _clause_start(text, sentence, floor, m.start())
        act = Act(
            kind,
            (m.start(), m.end()),
            index,
            (clause_start, next_start),
            kind_of=_other_kind(m.group()) if kind == "other" else "",
        )
        joined = dropped_end is not None and _JOINED.fullmatch(text, dropped_end, m.start())
        if joined or _dropped(kind, text, act.anchor, (clause_start, next_start), sentence):
            floor = dropped_end = m.end()
            continue
        dropped_end = None
        noun = bool(_NOUN_ANCHORS.fullmatch(m.group().lower().split()[0])) and not (
            _AGENT_VERB_BEFORE.search(text, max(sentence.start, m.start() - 30), m.start())
        )
        passive = bool(_PASSIVE_END.search(text[clause_start : m.start()]))
        if kind == "home_visit":
            if re.search(r"\b(?:her|his)\b", m.group(), re.IGNORECASE) or re.match(
                r"\s+of\s+(?:a|an|one)\s+(?:[\w-]+\s+){0,2}?(?:man|woman|person|"
                r"pensioner|teenager|activist|student|mother|father|grandmother|"
                r"grandfather|councillor|journalist|boy|girl)\b",
                text[m.end() : m.end() + 60],
                re.IGNORECASE,
            ):
                act.count, act.count_span = 1, (m.start(), m.end())
            else:
                _count_before(act, text, clause_start, False)
        elif kind == "image_appeal":
            counted = _IMAGE_COUNT.search(text, clause_start, next_start)
            if counted:
                _set_count(act, counted, "n" if counted.group("n") else "n2")
        elif noun or passive or not _count_after(act, text, next_start):
            counted = _count_before(act, text, clause_start, noun)
            to = None if counted or kind != "other" else _TO_PEOPLE.match(text, m.end(), next_start)
            if to:  # "issued 45 tickets" above; "issued tickets to 11 people" here
                _set_count(act, to)
        previous = next((a for a in reversed(acts) if a.sentence == index and not a.item), None)
        if (
            act.count is None
            and not act.vague
            and previous is not None
            and previous.count is not None
            and previous.type != act.type
            and {act.type, previous.type} <= {"arrest", "charge"}
            and _SAME_PEOPLE.search(text, previous.anchor[1], m.start())
            and not re.search(r"[,;]", text[previous.anchor[1] : m.start()])
        ):
            act.count, act.count_span = previous.count, previous.count_span
        if (
            noun
            and act.count is None
            and not act.vague
            and re.search(
                r"\b(?:the|these|those)\s+$", text[max(0, m.start() - 8) : m.start()], re.IGNORECASE
            )
        ):
            if not lx.POLICE_AGENT.search(text, sentence.start, sentence.end):
                floor = m.end()  # "criticised the fines": the fines told of before, not news
                continue
            act.reference = True  # "the arrests were for ...": more about arrests told before
        if (
            act.count is None
            and lx.REFERENCE_SUBJECT.fullmatch(text, sentence.start, m.start())
            and _PASSIVE_END.search(text, max(sentence.start, m.start() - 40), m.start())
        ):
            act.reference = True
            act.all_of_them = bool(_ALL_OF_THEM.match(text, sentence.start, m.start()))
        if (
            kind in {"force", "dispersal"}
            and act.count is not None
            and act.count_span
            and (
                not _CROWD_COUNT.fullmatch(text, act.count_span[1], m.start())
                if act.count_span[1] <= m.start()
                else not _PEOPLE_NEAR.match(text, act.count_span[1], next_start)
            )
        ):
            # "arrested 108 protesters as they cleared ...", "fired one AEP round": the number
            # does not count people moved or hurt.
            act.count, act.count_span = None, None
        after = act.words_end or m.end()
        if lx.TOTAL_MARKER.search(text, clause_start, m.start()):
            act.total_marker = True
        end = _offence(act, text, after, next_start)
        acts.append(act)
        acts.extend(_split_list(act, text, end, next_start))
        acts.extend(_offence_list_of_reference(act, text))
        items = _items(act, text, end, sentence, anchors, consumed)
        if items:
            act.segment = (act.segment[0], items[0].segment[0])
        set_trigger(act, text)
        acts.extend(items)
        floor = acts[-1].segment[0] if acts[-1].item else m.end()
    return acts


def _items(
    act: Act,
    text: str,
    start: int,
    sentence: Sentence,
    anchors: list[tuple[str | None, re.Match[str]]],
    consumed: set[int],
) -> list[Act]:
    """Elliptical acts after *act*: "..., five for theft and three for other offences"."""
    items: list[Act] = []
    position = start
    while position < sentence.end:
        m = _ITEM.search(text, position, sentence.end)
        if not m:
            break
        blocking = [
            a for _, a in anchors if position <= a.start() < m.start() and a.start() not in consumed
        ]
        if blocking or lx.not_people(text, m.start("n"), m.end("n")):
            break
        if re.search(r"\bincluding\s*$", text[max(0, m.start() - 12) : m.start("n")], re.I):
            break
        if not (m.group("add") or m.group("tail")):
            break
        verb = re.search(r"\b(held|arrested|detained|charged)\b", m.group("tail") or "", re.I)
        if verb and (verb.group(1).lower() == "charged") != (act.type == "charge"):
            break  # "nine arrested and six of them charged": the charge is an act of its own
        for _, a in anchors:
            if m.start() <= a.start() < m.end() + 3:
                consumed.add(a.start())
        next_item = _ITEM.search(text, m.end(), sentence.end)
        seg_end = next_item.start() if next_item else sentence.end
        item = Act(act.type, act.anchor, act.sentence, (m.start(), seg_end), item=True)
        _set_count(item, m)
        item.additive = bool(m.group("add"))
        end = _offence(item, text, m.end("noun") if m.group("noun") else m.end("n"), seg_end)
        # A breakdown ("Seven arrests, four for X, two for Y") hangs under its total; an act
        # with its own offence ("857 held for X and 33 for Y") is a sibling.
        if act.offence is None and not item.additive:
            item.parent = act
            act.children.append(item)
        else:
            item.sibling = act
        set_trigger(item, text)
        items.append(item)
        position = max(end, m.end())
    return items
