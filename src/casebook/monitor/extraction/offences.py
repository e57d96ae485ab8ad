"""The offence an act names, in the text's own words, and the lists of offences it gives.

"arrested on suspicion of obstructing the highway" -> "suspicion of obstructing the highway";
"charged with affray" -> "affray"; ", including individuals carrying knives and for affray" -> one
child act per offence listed.
"""

from __future__ import annotations

import re

from casebook.monitor.extraction import lexicon as lx
from casebook.monitor.extraction.act import Act
from casebook.monitor.extraction.triggers import set_trigger

__all__ = ["offence_list_of_reference", "read_offence", "split_list"]


def read_offence(act: Act, text: str, start: int, limit: int) -> int:
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


def split_list(act: Act, text: str, start: int, limit: int) -> list[Act]:
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
        items.append(_listed_offence(act, text, (offset, offset + len(piece)), phrase, begin))
    act.children.extend(items)
    return items


def _listed_offence(act: Act, text: str, segment: tuple[int, int], phrase: str, begin: int) -> Act:
    """A child of *act* for one offence of a list, with its trigger."""
    child = Act(
        act.type,
        act.anchor,
        act.sentence,
        segment,
        offence=phrase,
        offence_span=(begin, begin + len(phrase)),
        listed=True,
        parent=act,
    )
    set_trigger(child, text)
    return child


def offence_list_of_reference(act: Act, text: str) -> list[Act]:
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
        items.append(
            _listed_offence(act, text, (offset, offset + len(piece)), piece.strip(), offset)
        )
    act.children.extend(items)
    return items
