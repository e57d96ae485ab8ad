"""What each report said of a merged act, as the incident page shows it.

A merge keeps one act where both reports described it, with each report's figure kept as an
`ActClaim` beside the sources that gave it. The incident page shows the range ("52–54
people") and each claim with its sources; readers who may not see people read the sources'
channels only (a source's title can name someone, and the claim keeps it unredacted).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from casebook.linkage.models import ActClaim


@dataclass(frozen=True)
class ActFigures:
    """The figures the reports of one act gave: the range and each claim in words."""

    range: str  # "52–54 people"; one figure when the reports agree
    differ: bool
    claims: list[str]  # "52 per Gazette: arrests at the vigil (News monitor)"


def figure_range(numbers: Iterable[int | None]) -> str:
    """The span of the figures, e.g. "52–54" ("" when no report gave one).

    >>> figure_range([54, 52, None]), figure_range([3, 3]), figure_range([None])
    ('52–54', '3', '')
    """
    known = sorted({n for n in numbers if n is not None})
    if not known:
        return ""
    return str(known[0]) if len(known) == 1 else f"{known[0]}–{known[-1]}"


def claim_words(claim: ActClaim, *, with_titles: bool) -> str:
    """One report's figure and where it came from, e.g. "about 54 per Hotline call 17
    (Our hotline)", or "about 54 per Our hotline" without titles."""
    if with_titles:
        cited = [f"{s.get('title', '')} ({s.get('channel', '')})" for s in claim.sources]
    else:
        cited = sorted({s.get("channel", "") for s in claim.sources} - {""})
    said = claim.number_display
    if not cited:
        return f"{said} per {claim.from_reference} (no source cited)"
    return f"{said} per " + "; ".join(cited)


def act_figures(*, acts: Iterable, with_titles: bool) -> dict[int, ActFigures]:
    """act id -> what its reports said, for the acts a merge gave more than one report."""
    by_act: dict[int, list[ActClaim]] = defaultdict(list)
    claims = ActClaim.objects.filter(
        act__in=[a.pk for a in acts], merge__unmerged_at__isnull=True
    ).order_by("act_id", "id")
    for claim in claims:
        by_act[claim.act_id].append(claim)
    nouns = {a.pk: a.act_type for a in acts}
    figures = {}
    for act_id, group in by_act.items():
        span = figure_range(c.number_affected for c in group)
        top = max((c.number_affected for c in group if c.number_affected is not None), default=0)
        figures[act_id] = ActFigures(
            range=f"{span} {nouns[act_id].count_noun(top)}" if span else "number unknown",
            differ="–" in span,
            claims=[claim_words(c, with_titles=with_titles) for c in group],
        )
    return figures
