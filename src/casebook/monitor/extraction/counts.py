"""How many people an act concerns, as the text states it.

Counts come before the anchor ("24 demonstrators were held", "Seven arrests") or after it
("arrested 53 people", "issued tickets to 11 people"); a single person ("a woman was arrested")
is one. Vague or bounded numbers ("more than 60", "dozens") leave the count empty and mark the
act *vague*; numbers that are ages, years, sections or units are never counts.
"""

from __future__ import annotations

import re

from casebook.monitor.extraction import lexicon as lx
from casebook.monitor.extraction.act import Act
from casebook.monitor.extraction.text import NUMBER, VAGUE_BEFORE, parse_number

__all__ = [
    "IMAGE_COUNT",
    "PASSIVE_END",
    "PEOPLE_NEAR",
    "TO_PEOPLE",
    "count_after",
    "count_before",
    "counts_people",
    "set_count",
]

PASSIVE_END = re.compile(
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


IMAGE_COUNT = re.compile(
    rf"\b(?:of|showing)\s+(?:the\s+)?(?:a\s+further\s+|another\s+|an\s+additional\s+)?(?P<n>{NUMBER})\s+(?:[\w-]+\s+){{0,2}}?{lx.PEOPLE}\b|"
    rf"\b(?P<n2>{NUMBER})\s+(?:more\s+|new\s+|further\s+|other\s+)?(?:CCTV\s+)?(?:images|"
    rf"pictures|photos|photographs|stills|e-?fits)\s+(?:of\s+)?(?:[\w-]+\s+){{0,2}}?{lx.PEOPLE}\b",
    re.IGNORECASE,
)


PEOPLE_NEAR = re.compile(rf"\s*(?:[\w'’-]+\s+){{0,3}}?{lx.PEOPLE}\b", re.IGNORECASE)


_SUBJECT_BREAKERS = re.compile(
    r"\b(?:injured|hurt|attended|joined|gathered|marched|took|said|says|treated|deployed|"
    r"involved|estimated|expected|turned|killed|died)\b|[%£$€]",
    re.IGNORECASE,
)


TO_PEOPLE = re.compile(
    rf"\s+to\s+(?:a\s+further\s+|another\s+|an\s+additional\s+)?(?P<vague>{VAGUE_BEFORE}\s+)?"
    rf"(?P<n>{NUMBER})\s+(?:[\w-]+\s+)?{lx.PEOPLE}\b",
    re.IGNORECASE,
)


_CROWD_COUNT = re.compile(
    rf"\s+(?:[\w'’-]+\s+){{0,2}}?{lx.PEOPLE}\s+(?:were|was|had\s+been|have\s+been|being)\s+"
    r"(?:\w+ly\s+|also\s+|then\s+)?",
    re.IGNORECASE,
)


_COMPOSITE = re.compile(r"\s+(?:[\w-]+\s+){1,2}?(?:and|plus|as\s+well\s+as)\s+", re.IGNORECASE)


# "two more men", "four further arrests": a number added to an earlier one (the words follow it)
_MORE_AFTER = re.compile(r"\s+(?:more|further|additional)\b", re.IGNORECASE)


def added_to_earlier(text: str, start: int, end: int) -> bool:
    """The number at ``text[start:end]`` is added to an earlier figure: "a further 13", "another
    two", "two more men", "four further arrests"."""
    return bool(
        lx.ADDITIVE.search(text[max(0, start - 25) : start]) or _MORE_AFTER.match(text, end)
    )


def set_count(act: Act, m: re.Match[str], group: str = "n") -> None:
    words = m.group(group).lower()
    # "another for X", "and a 31-year-old on suspicion of Y": one more person
    one = words in {"another", "the other"} or re.fullmatch(r"the\s+other", words) is not None
    value = 1 if one or "-year-old" in words else parse_number(words)
    vague = bool(m.groupdict().get("vague")) or bool(m.groupdict().get("plus"))
    act.vague = vague or value is None
    act.count = None if act.vague else value
    act.bound = value if act.vague else None
    act.count_span = None if act.vague else (m.start(group), m.end(group))
    if m.groupdict().get("tm"):
        act.total_marker = True


def _count_before_noun(act: Act, text: str, prefix_start: int, prefix: str) -> bool:
    """The count of a noun anchor told before it: "Seven arrests", "issued with notices"."""
    if _count_of_people_issued(act, text, prefix_start):
        return True
    m = _NOUN_COUNT.search(prefix)
    if m and lx.not_people(text, prefix_start + m.start("n"), prefix_start + m.end("n")):
        m = None
    if m:
        shifted = re.compile(_NOUN_COUNT.pattern, re.IGNORECASE).search(
            text, prefix_start + m.start(), act.anchor[0]
        )
        if shifted:
            set_count(act, shifted)
            act.subset = bool(shifted.group("sub"))
            act.definite = bool(
                re.search(r"\bthe\s+$", text[max(0, shifted.start() - 4) : shifted.start()], re.I)
            )
            if added_to_earlier(text, shifted.start("n"), shifted.end("n")):
                act.additive = True
            return True
    if lx.VAGUE_WORDS.search(" ".join(prefix.split()[-3:])):
        act.vague = True
        return True
    return False


def count_before(act: Act, text: str, clause_start: int, noun: bool) -> bool:
    prefix_start = clause_start
    prefix = text[prefix_start : act.anchor[0]]
    if noun:
        return _count_before_noun(act, text, prefix_start, prefix)
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
        # "three of the nine were charged": the three, a part of the nine told before
        part_of = _part_of_the_last(numbers, text, act.anchor[0])
        m = numbers[-2] if part_of else m
        if _counts_the_subject(text, m.end(), act.anchor[0], part_of):
            value = parse_number(m.group())
            lead = text[max(prefix_start, m.start() - 25) : m.start()]
            vague = re.search(rf"{VAGUE_BEFORE}\s+$", lead, re.IGNORECASE)
            act.vague = bool(vague) or text[m.end() : m.end() + 1] == "+"
            act.count = None if act.vague else value
            act.bound = value if act.vague else None
            act.count_span = None if act.vague else (m.start(), m.end())
            act.definite = bool(re.search(r"\bthe\s+$", lead, re.IGNORECASE))
            act.additive = added_to_earlier(text, m.start(), m.end())
            # "Of those, 98 were held under ...": part of a count told before
            act.subset = part_of or bool(
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
        act.implicit_one = act.headline = True
        return True
    singles = list(lx.SINGLE_PERSON.finditer(text, prefix_start, act.anchor[0]))
    if singles and numbers:  # "three men and one woman were held": no summing
        act.vague = True
        return True
    if (
        singles
        and PASSIVE_END.search(prefix)
        or (singles and not prefix[singles[-1].end() - prefix_start :].strip())
    ):
        count = len(singles) if re.search(r"\bwere\b", prefix[-30:]) else 1
        act.count = count
        act.count_span = (singles[0].start(), singles[-1].end())
        act.implicit_one = count == 1 and not _WRITTEN_ONE.match(singles[0].group())
        act.unwritten = count > 1 and not any(_WRITTEN_ONE.match(s.group()) for s in singles)
        act.definite = count == 1 and singles[0].group().lower().startswith("the ")
        return True
    if _count_one_subject(act, prefix, prefix_start):
        return True
    if lx.VAGUE_WORDS.search(prefix[-40:]) or re.search(rf"\b{lx.PEOPLE}\b", prefix[-40:], re.I):
        act.vague = True
        return True
    return False


# "seven others were issued with dispersal notices": the people the notices went to.
_ISSUED_WITH = re.compile(
    r"\s+(?:[\w'’-]+\s+){0,2}?(?:were|was|had\s+been|have\s+been)\s+(?:also\s+|then\s+|later\s+)?"
    r"(?:issued|served|handed|given)\s+(?:with\s+)?(?:an?\s+)?(?:[\w'’-]+\s+){0,3}?",
    re.IGNORECASE,
)


def _count_of_people_issued(act: Act, text: str, prefix_start: int) -> bool:
    """ "Seven others were issued with dispersal notices": the count of a noun anchor told as
    the people it was issued to."""
    numbers = list(lx.NUMBER_RE.finditer(text, prefix_start, act.anchor[0]))
    if not numbers or lx.not_people(text, numbers[-1].start(), numbers[-1].end()):
        return False
    m = numbers[-1]
    if not _ISSUED_WITH.fullmatch(text, m.end(), act.anchor[0]):
        return False
    lead = text[max(prefix_start, m.start() - 25) : m.start()]
    if re.search(rf"{VAGUE_BEFORE}\s+$", lead, re.IGNORECASE):
        act.vague = True
        return True
    act.count, act.count_span = parse_number(m.group()), (m.start(), m.end())
    act.additive = bool(lx.ADDITIVE.search(lead))
    return True


def _count_one_subject(act: Act, prefix: str, prefix_start: int) -> bool:
    """ "He was arrested": one person, most likely told of before; "Campaigner Tom Hartley, 67,
    was arrested": one person, named (arrests and charges)."""
    pronoun = _PRONOUN_SUBJECT.search(prefix)
    if pronoun:
        act.count, act.count_span = (
            1,
            (prefix_start + pronoun.start(), prefix_start + pronoun.end(1)),
        )
        act.implicit_one = act.definite = True
        return True
    named = _NAMED_SUBJECT.match(prefix) if act.type in {"arrest", "charge"} else None
    if (
        named is None
        or _NOT_ONE_NAME.search(named.group("name"))
        or re.fullmatch(lx.PEOPLE, named.group("name").split()[-1], re.IGNORECASE)
    ):
        return False
    act.count = 1
    act.count_span = (prefix_start + named.start("name"), prefix_start + named.end("name"))
    act.implicit_one = True
    return True


# "... a man, 34, and a woman": a second single person joined to the first.
_AND_ANOTHER_PERSON = re.compile(
    r"(?:\s*,\s*(?:aged\s+)?\d{1,2}\s*,?|\s*\(\s*\d{1,2}\s*\))?\s+and\s+(?:a|an|one|another)\s+"
    r"(?:\d{1,2}-year-old\s+|[\w-]+\s+){0,2}?(?:man|woman|boy|girl|teenager|youth|person|"
    r"protest[eo]r|activist|demonstrator|student|pensioner)\b",
    re.IGNORECASE,
)

# "confiscated a banner", "seized his phone": one item (the single-item convention).
_ONE_ITEM = re.compile(
    r"\s+(?:a|an|one|his|her|their|the\s+(?:man|woman|protest[eo]r|activist)['’]s)\s+"
    r"(?:[\w'’-]+\s+){0,2}?(?:banner|flag|placard|sign|poster|megaphone|loudhailer|phone|"
    r"mobile|camera|drone|van|car|vehicle|lorry|truck|bike|bicycle|tent|speaker|loudspeaker|"
    r"boat|sound\s+system|laptop|device)\b",
    re.IGNORECASE,
)


def count_after(act: Act, text: str, limit: int) -> bool:
    if act.type == "seizure" and _ONE_ITEM.match(text, act.anchor[1], limit):
        act.count, act.count_span = 1, act.anchor
        act.implicit_one = True
        return True
    m = _OBJECT_COUNT.match(text, act.anchor[1], limit)
    if m is None and act.type == "other":  # "issued fines to a further 11 people"
        to = TO_PEOPLE.match(text, act.anchor[1], limit)
        if to:
            set_count(act, to)
            return True
    if m and not lx.not_people(text, m.start("n"), m.end("n")):
        set_count(act, m)
        people = PEOPLE_NEAR.match(text, m.end(), limit)
        act.words_end = people.end() if people else m.end()
        return True
    if act.type == "other":
        m = _GROUP_OF.match(text, act.anchor[1], limit)
        if m:
            set_count(act, m)
            return True
    single = lx.SINGLE_PERSON.match(text, act.anchor[1] + 1, limit) or _PRONOUN_OBJECT.match(
        text, act.anchor[1], limit
    )
    second = single and _AND_ANOTHER_PERSON.match(text, single.end(), limit)
    if single and second and text[act.anchor[1] : single.start()].strip() == "":
        # "arrested a man, 34, and a woman, 29": two people, no number written
        act.count, act.count_span = 2, (single.start(), second.end())
        act.unwritten = True
        return True
    if single and text[act.anchor[1] : single.start()].strip() == "":
        act.count, act.count_span = 1, (single.start(), single.end())
        act.implicit_one = not _WRITTEN_ONE.match(single.group())
        act.definite = act.implicit_one and not re.match(r"an?\b", single.group(), re.I)
        return True
    after = text[act.anchor[1] : limit]
    if re.match(
        rf"\s+(?:[\w'’-]+\s+){{0,2}}?{lx.PEOPLE}\b", after, re.IGNORECASE
    ) or lx.VAGUE_WORDS.match(after.strip()):
        act.vague = True
        return True
    return False


def _part_of_the_last(numbers: list[re.Match[str]], text: str, anchor_start: int) -> bool:
    """Whether the last two numbers before an act's verb read "N of the M were ...". ("Eight of
    the 10 activists arrested ... remain in custody" is no such part: the participle tells who
    the ten are.)"""
    return (
        len(numbers) > 1
        and _PART_OF.fullmatch(text, numbers[-2].end(), numbers[-1].start()) is not None
        and PASSIVE_END.search(text, numbers[-1].end(), anchor_start) is not None
    )


def _counts_the_subject(text: str, number_end: int, anchor_start: int, part_of: bool) -> bool:
    """Whether the number ending at *number_end* counts the subject of the act's verb: nothing
    but its people, a passive verb and a few words stand between them."""
    between = text[number_end:anchor_start]
    return (
        len(between.split()) <= 18
        and not _SUBJECT_BREAKERS.search(between)
        and (part_of or not _people_numbers(text, number_end, anchor_start))
        and bool(PEOPLE_NEAR.match(between) or not between.strip() or PASSIVE_END.search(between))
    )


def _people_numbers(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a number that could count people."""
    return any(
        not lx.not_people(text, n.start(), n.end()) for n in lx.NUMBER_RE.finditer(text, start, end)
    )


_PART_OF = re.compile(r"\s+of\s+(?:the|these|those)\s+", re.IGNORECASE)

# "He was arrested", "officers arrested her": one person, usually told of already.
_PRONOUN_SUBJECT = re.compile(
    r"\b(he|she)\s+(?:was|had\s+been|has\s+been|is|had|has)\s+(?:(?:\w+ly|also|later|then|"
    r"subsequently|since|eventually)\s+){0,2}$",
    re.IGNORECASE,
)
_PRONOUN_OBJECT = re.compile(r"\s*\b(?:him|her)\b(?!\s+(?:home|house|flat|address|door|own))")

# A person named as the subject of a singular passive: "Campaigner Tom Hartley, 67, was", "climate
# activist Jo Bloggs was" (a role in lower case or a title may come before the name).
_NAMED_SUBJECT = re.compile(
    r"\s*(?:[\w'’-]+\s+){0,3}?(?P<name>(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’-]+)"
    r"(?:\s*,\s*(?:aged\s+)?\d{1,2}\s*,|\s*\(\s*\d{1,2}\s*\))?\s+"
    r"(?:was|has\s+been|had\s+been)\s+(?:(?:\w+ly|also|later|then|subsequently|since|"
    r"eventually|briefly)\s+){0,2}$"
)
# Capitalised words that are no one's name: a sentence's first word, a force, a place's kind.
_NOT_ONE_NAME = re.compile(
    r"\b(?:Nobody|No|None|Everyone|Everybody|Anyone|Noone|It|This|That|Nothing|Police|Officers|"
    r"Force|Constabulary|Service|Group|Crowd|Street|Square|Road|Bridge|Park|Hall|Centre|Action|"
    r"Rebellion|Oil)\b",
    re.IGNORECASE,
)

# "One woman was arrested" writes its number; "a woman was arrested" does not.
_WRITTEN_ONE = re.compile(r"one\b", re.IGNORECASE)

# "A retired teacher in Ipswich received a visit from officers": one person, the subject.
_ONE_PERSON_VISIT_SUBJECT = re.compile(
    r"\b(?:a|an|one)\s+(?:(?!(?:family|couple|group|household|number|pair)\b)[\w'’-]+\s+){1,5}?"
    r"(?:received|had|got)\s+(?:a|an)\s+(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)

# "the homes of three activists": the people whose homes were visited.
_PEOPLE_VISITED = re.compile(
    rf"\s+of\s+(?P<vague>{VAGUE_BEFORE}\s+)?(?P<n>{NUMBER})\s+(?:[\w-]+\s+){{0,2}}?{lx.PEOPLE}\b",
    re.IGNORECASE,
)

# "the home of a retired teacher": one person, whatever the noun ("a family" is several).
_ONE_PERSON_VISITED = re.compile(
    r"\s+of\s+(?:a|an|one)\s+(?:[\w-]+\s+){0,2}?(?!(?:family|couple|group|household)\b)"
    r"[a-z][a-z-]*[^s\W]\b(?!['’]s)",
    re.IGNORECASE,
)


def count_act(
    act: Act, text: str, *, clause_start: int, limit: int, noun: bool, passive: bool
) -> None:
    """Give *act* the count its words state, reading where its kind puts the number."""
    anchor = text[act.anchor[0] : act.anchor[1]]
    if act.type == "home_visit":
        # "visited her home", "a home visit of a pensioner": one person
        if (
            re.search(r"\b(?:her|his)\b|\b(?:a|an|one)\s+[\w-]+['’]s\b", anchor, re.IGNORECASE)
            or _ONE_PERSON_VISITED.match(text[act.anchor[1] : act.anchor[1] + 60])
            or (
                anchor.lower().startswith("visit")
                and _ONE_PERSON_VISIT_SUBJECT.search(text, clause_start, act.anchor[0])
            )
        ):
            act.count, act.count_span = 1, act.anchor
            act.implicit_one = True
        elif many := _PEOPLE_VISITED.match(text, act.anchor[1], limit):
            set_count(act, many)  # "visited the homes of three activists"
        else:
            count_before(act, text, clause_start, False)
    elif act.type == "image_appeal":
        counted = IMAGE_COUNT.search(text, clause_start, limit)
        if counted:
            set_count(act, counted, "n" if counted.group("n") else "n2")
    elif anchor.lower().startswith("took "):
        # "took three protesters into custody": the people are inside the anchor's words
        inside = Act(act.type, (act.anchor[0], act.anchor[0] + 4), act.sentence, act.segment)
        if count_after(inside, text, act.anchor[1]):
            act.count, act.count_span, act.vague = inside.count, inside.count_span, inside.vague
    elif anchor.lower() == "arrest" and text.startswith(" of ", act.anchor[1]):
        # "the arrest of 12 people": the people follow "of"
        after_of = Act(act.type, (act.anchor[0], act.anchor[1] + 3), act.sentence, act.segment)
        if count_after(after_of, text, limit):
            act.count, act.count_span, act.vague = (
                after_of.count,
                after_of.count_span,
                after_of.vague,
            )
            act.bound, act.words_end = after_of.bound, after_of.words_end
            # "the arrest of a student": one person, but no number written, so no total (the
            # person may be told again as "a 36-year-old man", so not marked as a new one)
            act.unwritten = after_of.unwritten or after_of.implicit_one
    elif noun or passive or not count_after(act, text, limit):
        counted = count_before(act, text, clause_start, noun)
        to = None if counted or act.type != "other" else TO_PEOPLE.match(text, act.anchor[1], limit)
        if to:  # "issued 45 tickets" above; "issued tickets to 11 people" here
            set_count(act, to)


def counts_people(act: Act, text: str, limit: int) -> bool:
    """Whether the number of a force or dispersal act counts the people it was used on:
    "arrested 108 protesters as they cleared ...", "fired one AEP round" count nobody moved."""
    if act.type not in {"force", "dispersal"} or act.count is None or not act.count_span:
        return True
    if act.count_span[1] <= act.anchor[0]:
        return (
            _CROWD_COUNT.fullmatch(text, act.count_span[1], act.anchor[0]) is not None
            or _ISSUED_WITH.fullmatch(text, act.count_span[1], act.anchor[0]) is not None
        )
    return PEOPLE_NEAR.match(text, act.count_span[1], limit) is not None
