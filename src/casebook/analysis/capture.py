"""Capture histories from the casebook, and the undercount estimate they give.

For each incident, which lists recorded it: an incident is on a list when one of its sources
came through a channel of that list *and* was found independently (`IncidentSource.
found_independently`); a source found by searching for an incident already known is no
capture. The incidents' histories make a capture pattern table (`stats.mse.CaptureTable`),
and the estimators of `analysis/stats/mse` say how many incidents there were in all,
recorded or not.

    report = capture_estimate()                      # the whole casebook, log-linear
    report.overall.estimate.estimate, .lower, .upper # N̂ and its 95% interval
    report.overall.refused                           # or why there is no number
    capture_estimate(incidents, by="force-group")    # one estimate per group of forces

`incidents` is any queryset of incidents (the statistics page passes the incident list's
filtered one); rejected incidents never count. The CLI (`casebook analysis mse` without a
file) and the statistics page call these functions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from casebook.analysis.lists.models import CaptureList
from casebook.analysis.stats.mse import (
    METHOD_NAMES,
    CaptureTable,
    LcmcrSettings,
    MseEstimate,
    mse_estimate,
)
from casebook.analysis.stats.mse.patterns import MIN_LISTS
from casebook.analysis.stats.refusal import Refused
from casebook.cases.models import DatePrecision, Incident, IncidentStatus
from casebook.sources.models import IncidentSource

STRATA = ("period", "force-group")
PERIODS = ("year", "quarter")

# Groups of forces for stratified estimates: forces that police alike, and that our lists
# reach alike, belong together. Keys are stable (JSON, URLs); labels are for readers.
FORCE_GROUPS: dict[str, str] = {
    "met": "Metropolitan Police",
    "england-wales": "Other forces in England and Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
    "national": "National and specialist forces",
    "outside-uk": "Forces outside the UK",
    "unknown": "Force not known",
}
METROPOLITAN = "metropolitan-police-service"

# Below this many incidents on the lists, an interval says little; the stratum still gets
# its estimate (if the estimators accept the table) with this caveat beside it.
FEW_RECORDED = 50

ProgressCallback = Callable[[str, int, int | None], None]


def force_group(*, slug: str | None, nation: str = "", country: str = "") -> str:
    """The force group of a force, from its codebook entry (None: no force recorded).

    >>> force_group(slug="metropolitan-police-service", nation="england", country="GB")
    'met'
    >>> force_group(slug="police-scotland", nation="scotland", country="GB")
    'scotland'
    >>> force_group(slug="british-transport-police", nation="uk", country="GB")
    'national'
    """
    if slug is None:
        return "unknown"
    if slug == METROPOLITAN:
        return "met"
    if country and country != "GB":
        return "outside-uk"
    if nation in ("england", "wales"):
        return "england-wales"
    if nation in ("scotland", "northern_ireland"):
        return nation.replace("_", "-")
    return "national"


def period_of(date: dt.date, precision: str, *, period: str) -> str | None:
    """The year ("2024") or quarter ("2024-Q3") an incident falls in; None when its date is
    too coarse to place (an incident known only to the year is in no quarter).

    >>> period_of(dt.date(2024, 8, 1), "month", period="quarter")
    '2024-Q3'
    >>> period_of(dt.date(2024, 1, 1), "year", period="quarter") is None
    True
    """
    if period == "year":
        return str(date.year)
    if precision == DatePrecision.YEAR:
        return None
    return f"{date.year}-Q{(date.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class CapturePatterns:
    """The capture histories of a set of incidents, as a pattern table."""

    lists: tuple[str, ...]
    table: CaptureTable
    incidents: int  # incidents considered (rejected ones never are)
    outside_lists: int  # of those, on no list: other channels only, or found by searching

    @property
    def n_observed(self) -> int:
        return self.table.n_observed

    def rows(self) -> list[tuple[tuple[int, ...], int]]:
        """(pattern, count) for every pattern with a count, in the table's order."""
        return [
            (tuple(int(x) for x in pattern), int(count))
            for pattern, count in zip(self.table.patterns, self.table.counts, strict=True)
            if count
        ]

    def csv(self) -> str:
        """The table in the layout `casebook analysis mse FILE` reads."""
        lines = [",".join([*(_csv_cell(name) for name in self.lists), "count"])]
        lines += [",".join([*map(str, p), str(c)]) for p, c in self.rows()]
        return "\n".join(lines) + "\n"


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


@dataclass(frozen=True)
class StratumEstimate:
    """One estimate (or refusal) with the caveats a reader must see beside it."""

    key: str
    label: str
    patterns: CapturePatterns
    estimate: MseEstimate | None
    refused: str = ""
    caveats: tuple[str, ...] = ()
    # The lists the estimate was fitted on, numbered from 1 in this order in its models'
    # interactions: the lists that recorded nothing in the stratum are left out.
    lists_used: tuple[str, ...] = ()

    @property
    def unrecorded(self) -> float | None:
        """Incidents estimated to be on no list and not in the casebook at all."""
        if self.estimate is None:
            return None
        return max(0.0, self.estimate.estimate - self.patterns.incidents)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready object: the estimate's own summary, or {"refused": why}."""
        head: dict[str, Any] = {
            "stratum": self.key,
            "label": self.label,
            "lists": list(self.lists_used or self.patterns.lists),
            "incidents": self.patterns.incidents,
            "outside_lists": self.patterns.outside_lists,
        }
        if self.estimate is None:
            return {**head, "refused": self.refused, "caveats": list(self.caveats)}
        return {**head, **self.estimate.summary(), "caveats": list(self.caveats)}


@dataclass(frozen=True)
class CaptureReport:
    method: str
    overall: StratumEstimate
    by: str | None = None
    strata: list[StratumEstimate] = field(default_factory=list)
    caveats: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = {"method": self.method, "caveats": list(self.caveats)}
        if self.by is None:
            return {**self.overall.summary(), **data}
        return {
            **data,
            "by": self.by,
            "overall": self.overall.summary(),
            "strata": [stratum.summary() for stratum in self.strata],
        }


@dataclass
class _Incident:
    pk: int
    date: dt.date
    precision: str
    group: str
    lists: int = 0  # bit i (from the left, as in CaptureTable) = on list i


def _lists(lists: Iterable[CaptureList] | None) -> list[CaptureList]:
    chosen = list(lists) if lists is not None else list(CaptureList.objects.all())
    return [c for c in chosen if c.pk is not None]


def _histories(incidents, capture_lists: list[CaptureList]) -> list[_Incident]:
    k = len(capture_lists)
    incidents = (incidents if incidents is not None else Incident.objects.all()).exclude(
        status=IncidentStatus.REJECTED
    )
    rows = incidents.order_by().values_list(
        "pk", "date", "date_precision", "force__slug", "force__nation", "force__country"
    )
    by_pk = {
        pk: _Incident(pk, date, precision, force_group(slug=slug, nation=nation, country=country))
        for pk, date, precision, slug, nation, country in rows.iterator(chunk_size=5000)
    }
    bit_of_channel: dict[int, int] = {}
    for index, capture_list in enumerate(capture_lists):
        for channel_id in capture_list.channels.values_list("pk", flat=True):
            bit_of_channel[channel_id] = 1 << (k - 1 - index)
    if bit_of_channel:
        links = (
            IncidentSource.objects.filter(
                incident__in=incidents,
                found_independently=True,
                source__channel_id__in=list(bit_of_channel),
            )
            .order_by()
            .values_list("incident_id", "source__channel_id")
            .distinct()
        )
        for incident_id, channel_id in links.iterator(chunk_size=5000):
            record = by_pk.get(incident_id)
            if record is not None:
                record.lists |= bit_of_channel[channel_id]
    return list(by_pk.values())


def _patterns(names: tuple[str, ...], records: list[_Incident]) -> CapturePatterns:
    k = len(names)
    counts = Counter(record.lists for record in records)
    rows = [
        ([(code >> (k - 1 - i)) & 1 for i in range(k)], count)
        for code, count in counts.items()
        if code
    ]
    return CapturePatterns(
        lists=names,
        table=CaptureTable.from_patterns(names, rows),
        incidents=len(records),
        outside_lists=counts.get(0, 0),
    )


def capture_patterns(incidents=None, *, lists: Iterable[CaptureList] | None = None):
    """The capture pattern table of `incidents` (default: the whole casebook) over `lists`
    (default: every list, in their order)."""
    capture_lists = _lists(lists)
    names = tuple(c.name for c in capture_lists)
    return _patterns(names, _histories(incidents, capture_lists))


def _estimate_stratum(
    key: str,
    label: str,
    patterns: CapturePatterns,
    *,
    method: str,
    seed: int,
    criterion: str,
    progress: ProgressCallback | None,
    lcmcr_settings: LcmcrSettings | None = None,
) -> StratumEstimate:
    caveats: list[str] = []
    table = patterns.table
    if table.k < MIN_LISTS:
        reason = (
            f"Only {table.k} list{'s' if table.k != 1 else ''} set up: estimating what went "
            f"unrecorded needs at least {MIN_LISTS} lists that collect independently. An "
            "administrator maps channels to lists on the Lists page."
        )
        return StratumEstimate(key, label, patterns, None, reason)
    trimmed = table.without_empty_lists()
    if trimmed.k < table.k:
        empty = [name for name in table.lists if name not in trimmed.lists]
        caveats.append(
            f"{_names(empty)} recorded nothing here and {'was' if len(empty) == 1 else 'were'} "
            "left out."
        )
    if trimmed.k < MIN_LISTS:
        reason = (
            f"Only {trimmed.k} list{'s' if trimmed.k != 1 else ''} recorded anything here "
            f"({_names(trimmed.lists) or 'none'}): at least {MIN_LISTS} are needed."
        )
        return StratumEstimate(key, label, patterns, None, reason, tuple(caveats))

    def report(done: int, total: int | None) -> None:
        if progress is not None:
            progress(label, done, total)

    try:
        estimate = mse_estimate(
            trimmed,
            method=method,
            seed=seed,
            criterion=criterion,
            progress=report,
            lcmcr_settings=lcmcr_settings,
        )
    except Refused as refused:
        return StratumEstimate(key, label, patterns, None, refused.reason, tuple(caveats))
    if patterns.n_observed < FEW_RECORDED:
        caveats.append(
            f"Only {patterns.n_observed} incidents are on the lists here: the interval is wide "
            "and rests heavily on the model."
        )
    if patterns.outside_lists:
        caveats.append(
            f"{patterns.outside_lists:,} incident(s) came only through channels on no list, or "
            "only by searching for them: they are part of the estimated total, not added to it."
        )
    return StratumEstimate(key, label, patterns, estimate, "", tuple(caveats), trimmed.lists)


def _names(names: Iterable[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _method_caveats(method: str) -> list[str]:
    common = (
        "The estimate assumes that incidents the lists could record are all of one kind with "
        "the ones they did record, and that a list's sources were found without knowing what "
        "the other lists found (sources found by searching for a known incident are not "
        "counted)."
    )
    specific = {
        "loglinear": "Log-linear models allow for two lists tending to record the same "
        "incidents (pairwise dependence), but not for every kind of difference between "
        "incidents: where some incidents are much harder for every list to see, the estimate "
        "is too low.",
        "dga": "The estimate averages over models of how the lists depend on one another, "
        "weighted by how well each fits; it does not allow for incidents differing in how "
        "visible they are beyond that.",
        "lcmcr": "The latent-class model lets incidents differ in how likely each list is to "
        "record them; it still assumes the lists do not influence each other.",
    }
    return [common, specific[method]]


def capture_estimate(
    incidents=None,
    *,
    method: str = "loglinear",
    by: str | None = None,
    period: str = "year",
    seed: int = 1,
    criterion: str = "aic",
    lists: Iterable[CaptureList] | None = None,
    progress: ProgressCallback | None = None,
    lcmcr_settings: LcmcrSettings | None = None,
) -> CaptureReport:
    """How many incidents there were in all, recorded or not, with a 95% interval.

    `by="period"` (with `period="year"` or `"quarter"`) or `by="force-group"` adds one
    estimate per stratum, each with its own caveats; a stratum the data cannot support is
    refused with the reason, never estimated. `progress(label, done, total)` reports on
    long computations (LCMCR); `lcmcr_settings` shortens or lengthens its sampler.
    """
    if by is not None and by not in STRATA:
        raise ValueError(f"unknown stratification {by!r}; choose from {', '.join(STRATA)}")
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; choose from {', '.join(PERIODS)}")
    if method not in METHOD_NAMES:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHOD_NAMES)}")
    capture_lists = _lists(lists)
    names = tuple(c.name for c in capture_lists)
    records = _histories(incidents, capture_lists)
    options: dict[str, Any] = {
        "method": method,
        "seed": seed,
        "criterion": criterion,
        "progress": progress,
        "lcmcr_settings": lcmcr_settings,
    }
    overall = _estimate_stratum("all", "All incidents", _patterns(names, records), **options)
    caveats = _method_caveats(method)
    strata: list[StratumEstimate] = []
    if by is not None:
        groups: dict[str, list[_Incident]] = defaultdict(list)
        unplaced = 0
        for record in records:
            if by == "force-group":
                groups[record.group].append(record)
                continue
            key = period_of(record.date, record.precision, period=period)
            if key is None:
                unplaced += 1
            else:
                groups[key].append(record)
        if unplaced:
            caveats.append(
                f"{unplaced:,} incident(s) known only to the year are in no quarter: they "
                "count in the overall estimate only."
            )
        caveats.append(
            "Estimates by stratum need not add up to the overall estimate: each is fitted on "
            "its own, and small strata are estimated less surely."
        )
        order = list(FORCE_GROUPS) if by == "force-group" else sorted(groups)
        for key in order:
            if key not in groups:
                continue
            label = FORCE_GROUPS.get(key, key) if by == "force-group" else key
            strata.append(_estimate_stratum(key, label, _patterns(names, groups[key]), **options))
    return CaptureReport(
        method=method, overall=overall, by=by, strata=strata, caveats=tuple(caveats)
    )
