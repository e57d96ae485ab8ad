"""A statistic that declines to give a number, with the reason a reader can act on."""

from __future__ import annotations


class Refused(Exception):  # noqa: N818 (a refusal is an answer, not an error condition)
    """Raised instead of returning a number that would mislead.

    The message is shown to readers as it is, so it says why in plain words and, where it
    can, what would make an estimate possible.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
