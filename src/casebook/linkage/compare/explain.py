"""Why the model thinks two records describe one event, in a coordinator's words.

Built from the levels that fired and the weight the trained model gives each: agreements
that weigh for a match first (strongest first), then what weighs against it, e.g.

    same force; dates 1 day apart, same place; both name TA 2000 s.13; the same photo
    — but: different kinds of act

Only comparisons that moved the score by at least half a bit are mentioned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from casebook.linkage.compare.records import LinkageRecord

NEGLIGIBLE = 0.5  # bits: weights smaller than this are not worth a coordinator's attention


@dataclass(frozen=True)
class Reason:
    comparison: str
    level: int
    weight: float
    words: str


def _count_words(a: LinkageRecord, b: LinkageRecord, same: str, close: str) -> str:
    x, y = a.headline_count, b.headline_count
    if x is None or y is None:
        return same
    if x == y:
        return f"{same} ({x})"
    return f"{close} ({min(x, y)}–{max(x, y)})"


def _shared_provisions(a, b, citation: Callable[[str], str]) -> str:
    shared = sorted(set(a.provisions) & set(b.provisions))
    return " and ".join(citation(slug) for slug in shared) or "the same law"


def _days_apart(a: LinkageRecord, b: LinkageRecord) -> str:
    if a.date is None or b.date is None:
        return "dates close"
    days = abs((a.date - b.date).days)
    return "the same day" if days == 0 else f"dates {days} day{'s' if days > 1 else ''} apart"


def _phrase(
    name: str,
    level: str,
    a: LinkageRecord,
    b: LinkageRecord,
    citation: Callable[[str], str],
) -> str:
    """The words for one comparison at one level (`level` is a name from settings.LEVELS,
    or "else" for disagreement)."""
    days = _days_apart(a, b)
    agreeing = {
        "same_protest": "at the same protest",
        "same_day_same_place": "the same day, the same place",
        "same_day_same_town": "the same day, the same town",
        "one_day_same_place": f"{days}, the same place",
        "one_day_same_town": f"{days}, the same town",
        "same_day": "the same day",
        "vague_same_month_same_town": "the same month (one date known only to the month), "
        "the same town",
        "one_day": days,
        "few_days_same_town": f"{days}, the same town",
        "within_a_week": f"{days}" if a.date_precision == b.date_precision else "the same month",
        "same_time": "the same time of day",
        "close_time": "times of day close",
        "same_force": "same force",
        "same_acts": "the same kinds of act",
        "same_main_act": "the same main act",
        "some_act": "an act in common",
        "same_count": _count_words(a, b, "the same number of people", "numbers close"),
        "close_count": _count_words(a, b, "the same number of people", "numbers close"),
        "rough_count": _count_words(a, b, "the same number", "numbers roughly agree"),
        "same_provisions": f"both name {_shared_provisions(a, b, citation)}",
        "shared_provision": f"both name {_shared_provisions(a, b, citation)}",
        "same_trigger": "the same trigger wording",
        "similar_trigger": "similar trigger wording",
        "text_very_similar": "very similar accounts",
        "text_similar": "similar accounts",
        "text_somewhat": "accounts with words in common",
        "same_street": "the same street",
        "same_file": "the same file",
        "same_photo": "the same photo (a re-encoded or resized copy)",
        "shared_people": "a person in common",
    }
    disagreeing = {
        "occasion": "different dates or places",
        "time": "different times of day",
        "force": "different forces",
        "acts": "different kinds of act",
        "count": _count_words(a, b, "different numbers", "different numbers of people"),
        "provisions": "different laws named",
        "trigger": "different trigger wording",
        "text": "accounts with little in common",
        "street": "different streets",
        "evidence": "different evidence files",
        "people": "no person in common",
    }
    if level == "else":
        return disagreeing[name]
    return agreeing[level]


def pair_reasons(
    *,
    left: LinkageRecord,
    right: LinkageRecord,
    levels: Mapping[str, int],
    weights: Mapping[str, float],
    level_names: Mapping[str, tuple[str, ...]],
    citation: Callable[[str], str] = lambda slug: slug,
) -> list[Reason]:
    """What fired for one pair, heaviest first: (comparison, level, weight, words).

    `levels` holds splink's gamma per comparison (-1 not known, 0 disagree, n = the n-th
    level from the weakest agreement up); `level_names` are `settings.LEVELS`.
    """
    reasons = []
    for name, gamma in levels.items():
        weight = weights.get(name, 0.0)
        if gamma < 0 or abs(weight) < NEGLIGIBLE:
            continue
        names = level_names[name]
        level = "else" if gamma == 0 else names[len(names) - gamma]
        words = _phrase(name, level, left, right, citation)
        reasons.append(Reason(name, gamma, weight, words))
    return sorted(reasons, key=lambda r: -abs(r.weight))


def pair_explanation(reasons: list[Reason]) -> str:
    """One line: what speaks for a match, then "but:" what speaks against it.

    >>> pair_explanation([Reason("force", 1, 3.0, "same force"),
    ...                   Reason("acts", 0, -4.0, "different kinds of act"),
    ...                   Reason("evidence", 2, 9.0, "the same file")])
    'the same file; same force — but: different kinds of act'
    """
    ordered = sorted(reasons, key=lambda r: -r.weight)
    for_match = [r.words for r in ordered if r.weight > 0]
    against = [r.words for r in reversed(ordered) if r.weight < 0]
    text = "; ".join(for_match) or "nothing in common"
    return f"{text} — but: {'; '.join(against)}" if against else text
