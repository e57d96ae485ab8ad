"""Recording coverage: which channels brought in sources in each period.

A count that doubles the month the news monitor started reading more feeds may say more
about recording than about policing. This counts the sources retrieved per channel and
period (by `Source.retrieved_at`, when we got them, not when they were published) and names
the periods in which a channel started or stopped bringing anything in, for the trend's
caveat. It counts every source in the casebook, whatever the page's filters: coverage is a
property of how the casebook is fed, not of the incidents chosen.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F

from casebook.analysis.counts import PeriodStart
from casebook.lib.periods import Period
from casebook.sources.models import Channel, Source


@dataclass
class ChannelCoverage:
    slug: str
    name: str
    by_period: dict[Period, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def first(self) -> Period | None:
        return min(self.by_period) if self.by_period else None

    @property
    def last(self) -> Period | None:
        return max(self.by_period) if self.by_period else None


@dataclass
class RecordingCoverage:
    unit: str
    channels: list[ChannelCoverage]
    undated: int  # sources with no retrieval date

    def changes(self, periods: list[Period]) -> list[tuple[Period, str]]:
        """(period, what changed) for channels starting or stopping inside the series."""
        if not periods:
            return []
        first, last = periods[0], periods[-1]
        found = []
        for channel in self.channels:
            start, end = channel.first, channel.last
            if start is not None and first < start <= last:
                found.append((start, f"first source from {channel.name}"))
            if end is not None and first <= end < last:
                found.append((end, f"last source from {channel.name}"))
        return sorted(found)

    def active(self, period: Period) -> int:
        return sum(1 for c in self.channels if c.by_period.get(period))


def recording_coverage(unit: str) -> RecordingCoverage:
    rows = (
        Source.objects.exclude(retrieved_at=None)
        .annotate(start=PeriodStart(F("retrieved_at"), unit))
        .values("start", "channel_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    channels = {
        pk: ChannelCoverage(slug, name)
        for pk, slug, name in Channel.objects.values_list("pk", "slug", "name")
    }
    for row in rows:
        start = row["start"]
        if hasattr(start, "date"):
            start = start.date()
        channels[row["channel_id"]].by_period[Period.of(start, unit)] += row["n"]
    return RecordingCoverage(
        unit=unit,
        channels=sorted(
            (c for c in channels.values() if c.by_period), key=lambda c: (c.first, c.name)
        ),
        undated=Source.objects.filter(retrieved_at=None).count(),
    )
