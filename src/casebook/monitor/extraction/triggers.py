"""What the person did that the police acted on: the act's trigger, from its words.

The offence phrase decides first ("refusing to remove a banner" -> banner); an
act without one looks at its clause. Several kinds at once give no trigger (the labelling
rules' "one act mixes several kinds"), except that the catch-all "other" gives way to a
specific kind ("affray and carrying a knife" -> violence).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from casebook.monitor.extraction import lexicon as lx

if TYPE_CHECKING:
    from casebook.monitor.extraction.act import Act, Span

__all__ = ["set_trigger"]


def set_trigger(act: Act, text: str) -> None:
    """Fill the act's trigger from its offence, or else from its clause."""
    where = act.offence_span or act.segment
    if act.offence and ", including" in act.offence:
        # A nested subset ("other offences, including 17 assaults") does not set the trigger.
        where = (where[0], where[0] + act.offence.index(", including"))
    found = _trigger_words(act, text, where)
    _drop_inner_obstruction(found, text)
    if act.offence_span and not found and not (act.offence and ", including" in act.offence):
        # An offence that names no trigger: look at the rest of the clause.
        found = _trigger_words(act, text, act.segment)
        _drop_inner_obstruction(found, text)
    specific = [name for name in found if name != "other"]
    if "other" in found and not specific:
        act.trigger, act.trigger_span = "other", found["other"]
    elif len(specific) == 1:
        act.trigger, act.trigger_span = specific[0], found[specific[0]]


def _drop_inner_obstruction(found: dict[str, Span], text: str) -> None:
    """ "Obstructing a police officer" is the catch-all, not blocking a road."""
    if "other" in found and "obstruction" in found:
        a, b = found["other"]
        if a <= found["obstruction"][0] < b and lx.OBSTRUCTING_POLICE.match(text, a, b):
            del found["obstruction"]


def _trigger_words(act: Act, text: str, where: Span) -> dict[str, Span]:
    """Trigger words in ``text[where]``, outside the anchor ("posted photos" is no online post)."""
    found: dict[str, Span] = {}
    for name, regex in lx.TRIGGERS:
        for m in regex.finditer(text, *where):
            if not (m.start() < act.anchor[1] and act.anchor[0] < m.end()):
                found.setdefault(name, (m.start(), m.end()))
                break
    return found
