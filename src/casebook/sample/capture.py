"""The sample's capture structure: which independent lists recorded each invented incident.

Real casebooks miss incidents, and how many is what multiple systems estimation estimates.
So that the demo's undercount estimate has a truth to be checked against, the sample invents
more incidents than it records: each true incident is seen by each of four lists (the
default lists' channels: our hotline, legal observers, the news monitor, police statements)
with its own probabilities, and only incidents seen by at least one list reach the casebook.

Capture probabilities differ between incidents, as they do in life: a national march or a
mass arrest is seen by almost everyone, a small local protest by fewer, and an arrest at
home or over an online post mostly by our hotline (legal observers are not there, the press
rarely hears of it). Within each of those kinds the lists record independently of one
another, so the estimators have a truth they can reach: the log-linear models' pairwise
terms and the latent classes of LCMCR both absorb this kind of difference.

How the truth is built, for `size` recorded incidents: for each planned (recorded) incident
with probability π of being seen by some list, `missed` counts how many incidents like it no
list saw: a geometric number of failures before the success, mean (1 − π)/π. This is the
population a sampler would produce by drawing incidents of that kind until one is recorded;
the truth is `size + Σ missed`. The capture pattern of the recorded incident is drawn from
the lists' probabilities given that at least one list saw it.

Pure functions of the plan and a random stream: the bench (bench/capture_coverage.py) uses
them without a database to measure how often the intervals cover the truth.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass

# The channel that records for each list, in the default lists' order.
LIST_CHANNELS = ("hotline", "legal-observers", "news-monitor", "police-statements")

# Per kind of incident: the chance each list records it (hotline, observers, news, police).
VISIBLE = (0.30, 0.60, 0.75, 0.35)  # national marches, mass arrests, crowds of 2,000 or more
LOCAL = (0.30, 0.35, 0.35, 0.35)  # the other protests
AWAY = (0.30, 0.03, 0.15, 0.35)  # arrests at home, over online posts, days later

BIG_CROWD = 2000


@dataclass(frozen=True)
class Capture:
    """Which lists recorded one incident (1/0 in LIST_CHANNELS' order), and how many
    incidents like it no list recorded."""

    pattern: tuple[int, ...]
    missed: int


def capture_kind(
    *, at_protest: bool, national: bool, mass_arrest: bool, crowd: int | None
) -> tuple[float, ...]:
    """The capture probabilities of an incident of this kind.

    >>> capture_kind(at_protest=False, national=False, mass_arrest=False, crowd=None)
    (0.3, 0.03, 0.15, 0.35)
    """
    if not at_protest:
        return AWAY
    if national or mass_arrest or (crowd or 0) >= BIG_CROWD:
        return VISIBLE
    return LOCAL


def seen_probability(probabilities: tuple[float, ...]) -> float:
    """The chance that at least one list records an incident.

    >>> round(seen_probability((0.5, 0.5)), 2)
    0.75
    """
    return 1.0 - math.prod(1.0 - p for p in probabilities)


def capture_draw(rng: random.Random, probabilities: tuple[float, ...]) -> Capture:
    """A recorded incident's pattern (at least one list) and its unrecorded look-alikes."""
    while True:
        pattern = tuple(int(rng.random() < p) for p in probabilities)
        if any(pattern):
            break
    seen = seen_probability(probabilities)
    # Failures before the first success: inverse-CDF draw of a geometric variable.
    missed = int(math.log(1.0 - rng.random()) / math.log(1.0 - seen)) if seen < 1 else 0
    return Capture(pattern=pattern, missed=missed)


def plan_capture_kind(plan) -> tuple[float, ...]:
    """The capture probabilities of a planned incident (`planning.IncidentPlan`)."""
    protest = plan.protest
    return capture_kind(
        at_protest=protest is not None,
        national=bool(protest and protest.national),
        mass_arrest=plan.mass_arrest,
        crowd=protest.protest.estimated_size if protest else None,
    )


def capture_simulate(*, size: int, seed: int) -> tuple[Counter, int]:
    """The capture patterns of `size` recorded incidents planned as the sample plans them,
    and the true number of incidents, without writing anything (for the coverage bench and
    tests). Every planned incident counts as real here; the written sample also leaves out
    the incidents it marks rejected (`SampleReport.true_incidents`).
    """
    from casebook.sample.planning import plan_sample

    _, plans = plan_sample(random.Random(seed), size)
    capture_rng = random.Random(f"capture-{seed}")
    patterns: Counter = Counter()
    truth = 0
    for plan in plans:
        capture = capture_draw(capture_rng, plan_capture_kind(plan))
        patterns[capture.pattern] += 1
        truth += 1 + capture.missed
    return patterns, truth


@dataclass(frozen=True)
class SampleTruth:
    """How many real incidents the sample loads in this casebook invented, and how many of
    them no list recorded."""

    true_incidents: int
    unrecorded: int
    loads: int


def sample_truth() -> SampleTruth | None:
    """The truth behind the undercount estimate when the casebook holds sample data (None
    when the generator never ran here). Meaningful while the casebook holds only sample
    incidents: incidents recorded by hand are outside the truth the generator knows.
    """
    from django.db.models import Count, Sum

    from casebook.sample.models import SampleLoad

    totals = SampleLoad.objects.aggregate(
        true_incidents=Sum("true_incidents"), unrecorded=Sum("unrecorded"), loads=Count("id")
    )
    if not totals["loads"]:
        return None
    return SampleTruth(**totals)
