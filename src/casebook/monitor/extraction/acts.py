"""Police actions in sentences: what was done, to how many, why, and under which law.

Works sentence by sentence, in named steps (:func:`find_acts`):

1. anchors: verbs and nouns of police action that report one (:mod:`anchors`);
2. each anchor opens an act over its clause, unless the text does not report it as done
   (negated, hypothetical, cumulative, a court's, a general rule);
3. its count (:mod:`counts`), or the count of the act it continues ("were arrested and later
   charged");
4. whether it refers back to people counted before ("those arrested", "the arrests");
5. its offence, the offences it lists, the elliptical acts that follow it ("..., five for theft
   and three for other offences") and its trigger (:mod:`offences`, :mod:`triggers`).

Each act keeps the character span of every word it was built from.
"""

from __future__ import annotations

import re

from casebook.monitor.extraction import lexicon as lx
from casebook.monitor.extraction.act import Act, other_kind
from casebook.monitor.extraction.anchors import (
    after_unrelated_crime,
    anchors_in,
    crime_offence,
    dropped,
    keep_anchor,
)
from casebook.monitor.extraction.counts import (
    PASSIVE_END,
    count_act,
    counts_people,
    set_count,
)
from casebook.monitor.extraction.offences import (
    offence_list_of_reference,
    read_offence,
    split_list,
)
from casebook.monitor.extraction.text import NUMBER, VAGUE_BEFORE, Sentence
from casebook.monitor.extraction.triggers import set_trigger

__all__ = ["Act", "anchors_in", "find_acts", "opens_breakdown"]

Anchor = tuple[str | None, re.Match[str]]

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


_ITEM = re.compile(
    r"(?:[,;:–—]\s*(?:and\s+|while\s+|with\s+|plus\s+|but\s+)?|\s+-\s+|"
    r"\s+(?:and|while|with|plus|but)\s+)"
    r"(?P<add>(?:a\s+further|another|an\s+additional|additional|further)\s+)?"
    # "... and the rest for public order offences": the remainder, without a number
    rf"(?P<vague>{VAGUE_BEFORE}\s+)?(?P<n>{NUMBER}|the\s+(?:rest|remainder|others)(?=\s+for\b)|"
    r"(?:another|the\s+other)(?=\s+(?:for|on\s+suspicion|over|under|"
    r"was|who|in\s+connection)\b)|an?\s+\d{1,2}-year-old(?:\s+(?:man|woman|boy|girl|"
    r"teenager|youth))?)(?:\s+of\s+(?:them|those|whom|these))?"
    rf"(?P<noun>\s+(?:more\s+|other\s+)?(?:{lx.PEOPLE})\b)?(?:,\s+aged\s+[^,]{{1,25}},)?"
    r"(?P<tail>\s+(?:(?:was|were|had\s+been|have\s+been)\s+)?(?:also\s+)?(?:(?:held|arrested|"
    r"detained|charged)\b|for\b|with\b|on\s+suspicion\b|over\b|in\s+breach\b|"
    # "under section 14", not "four were under 18" (an age)
    r"under\b(?!\s+(?:the\s+age\b|age\b|\d))|"
    r"elsewhere\b|"
    r"on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
    # parts told by where they happened: "five on Lime Street and three outside the town hall"
    r"(?:in|at|on|outside|near|inside)\s+(?:the\s+|a\s+|an\s+)?(?!total\b|all\b|"
    r"(?:morning|afternoon|evening|night|day|week|month|year|addition|connection|custody)\b)"
    r"(?:[A-Z]|[a-z-]+\s+(?:street|square|road|hall|bridge|station|park|centre|offices?|site|"
    r"building|gates?|entrance|hotel|camp|embassy|university|campus)\b|"
    r"(?:square|street|road|hall|bridge|station|park|centre|offices?|site|building|gates?|"
    r"entrance|hotel|camp|embassy|university|campus)\b)))?",
    re.IGNORECASE,
)


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


_ALL_OF_THEM = re.compile(
    r"\s*(?:(?:all\s+(?:of\s+)?)?those\s+(?:arrested|detained|held)|they|both|"
    r"all(?:\s+of\s+them)?|the\s+(?:men|women|"
    r"people|protest[eo]rs|demonstrators|activists|group))\s+(?:were|have\s+been|had\s+been|"
    r"have\s+all\s+been|were\s+all|all)\s+(?:all\s+|later\s+|since\s+|subsequently\s+)?$",
    re.IGNORECASE,
)


# "no arrests or charges", "750 have been arrested and 159 have been charged so far": an act
# joined to one the text does not report as done shares its fate.
_JOINED = re.compile(
    rf"\s*,?\s*(?:(?:or|nor|and|and/or)\s+(?:even\s+|later\s+|then\s+)?(?:{NUMBER}\s+)?)?"
    r"(?:(?:have|has|had|were|was|been|being|since|later|then|subsequently|also)\s+)*",
    re.IGNORECASE,
)


# "Since the start of the month, police have arrested 96 people": a running total told by the
# phrase put before the clause (the clause itself starts at "police").
_SO_FAR = re.compile(r"\bso\s+far\b", re.IGNORECASE)


def _after_a_fronted_tally(text: str, sentence: Sentence, act: Act) -> bool:
    fronted = text[sentence.start : act.segment[0]]
    return (
        0 < len(fronted) <= 80
        and fronted.rstrip().endswith(",")
        and lx.CUMULATIVE.search(fronted) is not None
        and not _SO_FAR.search(fronted)
        and not lx.PREFILTER_ACTION.search(lx.lowered(fronted))
    )


# "Officers arrest a protester" on a line of its own below the headline: a photo's caption or
# another story's link, in the present tense of headlines; the story's own headline comes first.
_PRESENT_ACT = re.compile(r"arrest|detain|disperse", re.IGNORECASE)


def _told_in_a_caption(text: str, sentence: Sentence, index: int, act: Act) -> bool:
    line = sentence.text.rstrip()
    return (
        index > 0
        and _PRESENT_ACT.fullmatch(text, *act.anchor) is not None
        and not line.endswith((".", "!", "?", '"', "”", ":"))
        and len(line.split()) <= 16
    )


def _clause_start(text: str, sentence: Sentence, floor: int, anchor_start: int) -> int:
    start = max(sentence.start, floor)
    for m in _STRONG_BREAK.finditer(text, start, anchor_start):
        start = m.end()
    return start


class _SentenceReading:
    """What reading one sentence has found so far: its acts, the anchors already taken by an
    elliptical item, where the current clause may start, and where a dropped anchor ended."""

    def __init__(self, text: str, sentence: Sentence, index: int, anchors: list[Anchor]) -> None:
        self.text = text
        self.sentence = sentence
        self.index = index
        self.anchors = anchors
        self.acts: list[Act] = []
        self.consumed: set[int] = set()
        self.floor = sentence.start
        self.dropped_end: int | None = None  # where the last anchor dropped as not done ended

    def next_start(self, number: int) -> int:
        """Where the next anchor not taken by an item starts (else the sentence's end)."""
        return next(
            (a.start() for _, a in self.anchors[number + 1 :] if a.start() not in self.consumed),
            self.sentence.end,
        )

    def open_act(self, number: int, kind: str, m: re.Match[str]) -> Act:
        clause_start = _clause_start(self.text, self.sentence, self.floor, m.start())
        return Act(
            kind,
            (m.start(), m.end()),
            self.index,
            (clause_start, self.next_start(number)),
            kind_of=other_kind(m.group()) if kind == "other" else "",
        )

    def reported(self, act: Act) -> bool:
        """Whether the text reports the act as done; "no arrests or charges" drops both."""
        text = self.text
        joined = self.dropped_end is not None and _JOINED.fullmatch(
            text, self.dropped_end, act.anchor[0]
        )
        if (
            joined
            or dropped(act.type, text, act.anchor, act.segment, self.sentence)
            or _after_a_fronted_tally(text, self.sentence, act)
            or _told_in_a_caption(text, self.sentence, self.index, act)
        ):
            self.floor = self.dropped_end = act.anchor[1]
            return False
        self.dropped_end = None
        return True

    def add(self, act: Act) -> None:
        """Keep *act* with its offence, the offences it lists and the items that follow it."""
        text, limit = self.text, act.segment[1]
        if lx.TOTAL_MARKER.search(text, act.segment[0], act.anchor[0]):
            act.total_marker = True
        end = read_offence(act, text, act.words_end or act.anchor[1], limit)
        if _OF_THOSE.match(text, act.count_span[1] if act.count_span else act.anchor[0]):
            act.subset = True
            # "Five of those arrested were taken to a police station": a detail of the people
            # counted before, unless it gives them an offence of their own (a breakdown).
            act.nested = act.nested or act.offence is None
        self.acts.append(act)
        self.acts.extend(split_list(act, text, end, limit))
        self.acts.extend(offence_list_of_reference(act, text))
        items = _items(act, text, end, self.sentence, self.anchors, self.consumed)
        if items:
            act.segment = (act.segment[0], items[0].segment[0])
        set_trigger(act, text)
        self.acts.extend(items)
        self.floor = self.acts[-1].segment[0] if self.acts[-1].item else act.anchor[1]


# "Six were for public order offences and four for criminal damage": the parts of a count told
# in the sentence before, with no verb of action of their own.
_BREAKDOWN_OPENING = re.compile(
    rf"[\s\"“‘']*(?:of\s+(?:those|them|these)(?:\s+arrested|\s+held|\s+detained)?\s*,\s*)?"
    rf"(?:{NUMBER})\s+(?:of\s+(?:them|those)\s+)?(?P<verb>were|was)\s+"
    r"(?=(?:all\s+)?(?:for|on\s+suspicion\s+of)\b)",
    re.IGNORECASE,
)
_COUNTED_ACT = re.compile(
    r"\b(?P<arrest>arrest\w*|detain\w*|held)\b|\b(?P<charge>charged)\b", re.IGNORECASE
)


def opens_breakdown(text: str, sentences: list[Sentence], index: int) -> str | None:
    """The kind of act ("arrest", "charge") whose count sentence *index* breaks down without a
    verb of its own ("Six were for ..."), when the sentence before counts one; else None."""
    sentence = sentences[index]
    if index == 0 or not _BREAKDOWN_OPENING.match(text, sentence.start, sentence.end):
        return None
    kinds = {m.lastgroup for m in _COUNTED_ACT.finditer(sentences[index - 1].text)}
    if not kinds or not lx.NUMBER_RE.search(sentences[index - 1].text):
        return None
    return "arrest" if "arrest" in kinds else "charge"


def _breakdown_anchor(
    text: str, sentences: list[Sentence], index: int, anchors: list[Anchor]
) -> list[Anchor]:
    kind = opens_breakdown(text, sentences, index)
    opening = _BREAKDOWN_OPENING.match(text, sentences[index].start, sentences[index].end)
    if kind is None or opening is None or any(a.start() < opening.end() for _, a in anchors):
        return anchors
    verb = re.compile(r"were|was", re.IGNORECASE).match(text, opening.start("verb"))
    return [(kind, verb), *anchors] if verb else anchors


def find_acts(
    text: str, sentences: list[Sentence], index: int, low: str | None = None
) -> list[Act]:
    """The acts stated in sentence number *index* of *sentences* (*low*: the lowered text)."""
    sentence = sentences[index]
    if after_unrelated_crime(sentences, index):
        return []
    anchors = _without_participles_of_reference(
        [
            (m.lastgroup, m)
            for m in anchors_in(text, sentence.start, sentence.end, low)
            if keep_anchor(m.lastgroup or "", m, text, sentence)
        ],
        text,
    )
    anchors = _breakdown_anchor(text, sentences, index, anchors)
    reading = _SentenceReading(text, sentence, index, anchors)
    for number, (kind, m) in enumerate(anchors):
        if m.start() in reading.consumed or kind is None:
            continue
        act = reading.open_act(number, kind, m)
        if not reading.reported(act):
            reading.acts.extend(_operation_inside_a_tally(act, text, sentence))
            continue
        _retype_identity_checks(act, text)
        noun = _is_noun(m, text, sentence)
        passive = bool(PASSIVE_END.search(text[act.segment[0] : m.start()]))
        count_act(
            act, text, clause_start=act.segment[0], limit=act.segment[1], noun=noun, passive=passive
        )
        if act.type == "force":
            # force is told of a crowd: "one demonstrator was wrestled to the ground" counts no act
            act.count, act.count_span = None, None
        _mark_nested(act, text, sentence)
        act.earlier_figure = bool(_EARLIER.search(text, act.segment[0], act.anchor[0]))
        _share_count_with_previous(act, reading.acts, text)
        if not _mark_reference(act, text, sentence, noun):
            reading.floor = m.end()  # "criticised the fines": the fines told of before, not news
            continue
        if not counts_people(act, text, act.segment[1]):
            act.count, act.count_span = None, None
        reading.add(act)
    # "arrested on suspicion of theft": a crime of its own, whoever it was done to.
    return [a for a in reading.acts if not crime_offence(a, text)]


# "Twelve of those arrested have since been charged": "arrested" names who the twelve are; the
# act told is the charge, and the twelve are its count.
_OF_WHOM_BEFORE = re.compile(r"\bof\s+(?:those|the\s+\w+|them|these|all)\s+$", re.IGNORECASE)
_THEN_PASSIVE = re.compile(
    r"\s+(?:(?:have|has|had|were|was|are|is)\s+)(?:(?:since|later|now|also|subsequently|all)\s+)?"
    r"(?:been\s+)?$",
    re.IGNORECASE,
)


# "Among those held was a man who ...": the participle names people counted before.
_AMONG_BEFORE = re.compile(r"\bamong\s+(?:those|the\s+(?:people|\w+))\s+$", re.IGNORECASE)


def _without_participles_of_reference(anchors: list[Anchor], text: str) -> list[Anchor]:
    kept = []
    for number, (kind, m) in enumerate(anchors):
        following = anchors[number + 1][1] if number + 1 < len(anchors) else None
        if kind == "arrest" and _AMONG_BEFORE.search(text, max(0, m.start() - 24), m.start()):
            continue
        if (
            kind == "arrest"
            and following is not None
            and anchors[number + 1][0] != "arrest"
            and _OF_WHOM_BEFORE.search(text, max(0, m.start() - 20), m.start())
            and _THEN_PASSIVE.fullmatch(text, m.end(), following.start())
        ):
            continue
        kept.append((kind, m))
    return kept


_IDENTITY_CHECK = re.compile(
    r"\b(?:identity|ID)\s+(?:checks?|controls?)\b|\b(?:check|establish|verify|confirm)\w*\s+"
    r"(?:their|his|her|the\s+\w+['’]?s?)\s+identit(?:y|ies)\b|"
    r"\bidentit(?:y|ies)\s+(?:could|would|can|to|were|was)\s+(?:be\s+)?(?:checked|established|"
    r"verified|confirmed)\b",
    re.IGNORECASE,
)


def _retype_identity_checks(act: Act, text: str) -> None:
    """Custody to check who people are is no formal arrest: the labelling rules code it "other"."""
    if act.type == "arrest" and _IDENTITY_CHECK.search(text, *act.segment):
        act.type, act.kind_of = "other", "identity"


# "... more than 700 arrests since the ban, including 522 in central London last Saturday": one
# operation's figure inside a running total is a passing mention of that operation.
_INCLUDING_ONE_OPERATION = re.compile(
    rf"\bincluding\s+(?P<n>{NUMBER})\s+(?:(?:people|protesters|arrests)\s+)?(?:in|at)\s+"
    r"(?:central\s+|east\s+|west\s+|north\s+|south\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?"
    r"(?:,?\s+(?:on|last|this|yesterday)\b[^,.;]*)?",
    re.IGNORECASE,
)


def _operation_inside_a_tally(act: Act, text: str, sentence: Sentence) -> list[Act]:
    if act.type != "arrest":
        return []
    m = _INCLUDING_ONE_OPERATION.search(text, act.anchor[1], sentence.end)
    if m is None or lx.not_people(text, m.start("n"), m.end("n")):
        return []
    part = Act("arrest", act.anchor, act.sentence, (m.start(), m.end()))
    set_count(part, m)
    return [part] if part.count is not None else []


def _is_noun(m: re.Match[str], text: str, sentence: Sentence) -> bool:
    """Whether the anchor is a noun ("Seven arrests"), not a verb ("Police arrest four")."""
    return bool(_NOUN_ANCHORS.fullmatch(m.group().lower().split()[0])) and not (
        _AGENT_VERB_BEFORE.search(text, max(sentence.start, m.start() - 30), m.start())
    )


_OF_THOSE = re.compile(r"\s+of\s+(?:those|the|them|these)\b", re.IGNORECASE)
# "Initially, the highway patrol reported 132 arrests", "At the time, 89 arrests were made": a
# figure a later one replaces.
_EARLIER = re.compile(
    r"\b(?:initially|at\s+first|at\s+the\s+time|an\s+earlier|earlier\s+figures?|previously)\b",
    re.IGNORECASE,
)
# "..., including six who ...", "Among them was a woman ...": a part told inside a count.
_NESTED_BEFORE = re.compile(r"\bincluding\s+$", re.IGNORECASE)
_AMONG_THEM = re.compile(r"\bamong\s+(?:them|those|whom|the\s+\w+)\b", re.IGNORECASE)


def _mark_nested(act: Act, text: str, sentence: Sentence) -> None:
    if act.count_span is None:
        return
    before = text[max(sentence.start, act.count_span[0] - 12) : act.count_span[0]]
    if _NESTED_BEFORE.search(before) or _AMONG_THEM.search(text, sentence.start, act.count_span[0]):
        act.nested = True


def _share_count_with_previous(act: Act, acts: list[Act], text: str) -> None:
    """ "... were arrested and later charged": the second act counts the first one's people."""
    previous = next((a for a in reversed(acts) if a.sentence == act.sentence and not a.item), None)
    if (
        act.count is None
        and not act.vague
        and previous is not None
        and previous.count is not None
        and previous.type != act.type
        and {act.type, previous.type} <= {"arrest", "charge"}
        and _SAME_PEOPLE.search(text, previous.anchor[1], act.anchor[0])
        and not re.search(r"[,;]", text[previous.anchor[1] : act.anchor[0]])
    ):
        act.count, act.count_span = previous.count, previous.count_span


# "The arrests were made under section 13 ...": what the arrests told of before were for.
_WHAT_THEY_WERE_FOR = re.compile(
    r"\s+(?:were|was|have\s+been|had\s+been)\s+(?:(?:all|also|made|carried\s+out)\s+){0,2}"
    r"(?:(?:using|with|under)\s+(?:[\w-]+\s+){0,2}?powers?\s+(?:under|of|in)\b|"
    r"under|for|on\s+suspicion|in\s+connection)\b",
    re.IGNORECASE,
)


def _mark_reference(act: Act, text: str, sentence: Sentence, noun: bool) -> bool:
    """Mark an act whose subject points back to people counted before ("the arrests were for
    ...", "Those arrested were held on suspicion of ..."); False when the act is no news at all
    ("criticised the fines": no police acts in the sentence)."""
    start = act.anchor[0]
    if (
        noun
        and act.count is None
        and not act.vague
        and re.search(r"\b(?:the|these|those)\s+$", text[max(0, start - 8) : start], re.IGNORECASE)
    ):
        if not (
            lx.POLICE_AGENT.search(text, sentence.start, sentence.end)
            or _WHAT_THEY_WERE_FOR.match(text, act.anchor[1], sentence.end)
        ):
            return False
        act.reference = True
    if (
        act.count is None
        and lx.REFERENCE_SUBJECT.fullmatch(text, sentence.start, start)
        and PASSIVE_END.search(text, max(sentence.start, start - 40), start)
    ):
        act.reference = True
        act.all_of_them = bool(_ALL_OF_THEM.match(text, sentence.start, start))
    return True


# "in the square", "outside the hotel": where a part of the arrests happened
_LOCATIVE = re.compile(r"\s+(?:in|at|on|outside|near|inside)\s+(?!total\b|all\b)", re.IGNORECASE)


def _both_placed(act: Act, item: re.Match[str], text: str) -> bool:
    """ "Four were arrested in the square and two outside the hotel": parts told by where they
    happened are siblings, not a breakdown of the first."""
    tail = item.group("tail") or ""
    return bool(_LOCATIVE.match(tail) and _LOCATIVE.search(text, act.anchor[1], item.start()))


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
        if verb and act.type not in {"arrest", "charge"}:
            break  # "ended the sit-in, and 16 students were arrested": an arrest of its own
        for _, a in anchors:
            if m.start() <= a.start() < m.end() + 3:
                consumed.add(a.start())
        next_item = _ITEM.search(text, m.end(), sentence.end)
        seg_end = next_item.start() if next_item else sentence.end
        item = Act(act.type, act.anchor, act.sentence, (m.start(), seg_end), item=True)
        set_count(item, m)
        item.additive = bool(m.group("add"))
        end = read_offence(item, text, m.end("noun") if m.group("noun") else m.end("n"), seg_end)
        # A breakdown ("Seven arrests, four for X, two for Y") hangs under its total; an act
        # with its own offence ("857 held for X and 33 for Y") is a sibling.
        if act.offence is None and not item.additive and not _both_placed(act, m, text):
            item.parent = act
            act.children.append(item)
        else:
            item.sibling = act
        set_trigger(item, text)
        items.append(item)
        position = max(end, m.end())
    return items
