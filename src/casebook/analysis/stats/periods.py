"""Period labels of a series: years (`2024`), quarters (`2024-Q1`), months (`2024-03`) or
ISO weeks (`2024-W05`).

The periods themselves, their labels and phrases are those the statistics page counts in
(`casebook.lib.periods`, framework-free like this package): one definition. What this module
adds is the rule for a series read from a file: one kind of period, consecutive. A missing
period is an error, not a zero, because "nothing recorded" and "not in the file" are
different facts.
"""

from __future__ import annotations

from collections.abc import Sequence

from casebook.lib.periods import Period, PeriodLabelError, period_from_label

__all__ = ["Period", "PeriodError", "period_parse", "periods_parse"]


class PeriodError(ValueError):
    """A period label that cannot be read, or a series with a gap or a mixture of kinds."""


def period_parse(label: str) -> Period:
    """Read one label.

    >>> period_parse("2024-3").label, period_parse("2024-W5").phrase
    ('2024-03', 'the week of 29 January 2024')
    """
    try:
        return period_from_label(str(label))
    except PeriodLabelError as error:
        raise PeriodError(str(error)) from None


def periods_parse(labels: Sequence[str]) -> list[Period]:
    """Read a whole series' labels and check they are one kind, in order, without gaps."""
    periods = [period_parse(label) for label in labels]
    if not periods:
        raise PeriodError("The series has no periods.")
    units = {p.unit for p in periods}
    if len(units) > 1:
        raise PeriodError(f"The series mixes kinds of period ({', '.join(sorted(units))}).")
    for before, after in zip(periods, periods[1:], strict=False):
        expected = before.next()
        if after != expected:
            if after <= before:
                raise PeriodError(
                    f"{after.label} comes after {before.label}: periods must be in order, "
                    "each once."
                )
            raise PeriodError(
                f"{expected.label} is missing between {before.label} and {after.label}: "
                "add it with a count of 0 if nothing was recorded then."
            )
    return periods
