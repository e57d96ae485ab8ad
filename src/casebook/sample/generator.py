"""Deterministic synthetic sample data: protests and incidents that look like a casebook.

`sample_generate(size=…, seed=…)` writes `size` invented incidents with their protests, acts,
outcomes, sources, people, tags and search documents. The same seed and size always give
the same content, so demos and benchmarks can be compared run to run; the database only
decides the references (CB-2024-000123) and primary keys.

Rows are written in batches with pre-assigned keys (see `cases/bulk.py`), bypassing
`full_clean()` and per-row audit entries on purpose (one entry records the generation):
this is invented data loaded at thousands of incidents a second, and `tests/sample` checks
that what it writes would pass validation.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from casebook.accounts.roles import Role
from casebook.audit.services import audit_record
from casebook.cases.bulk import KeyPool
from casebook.cases.models import Incident, IncidentStatus, Protest, Tag
from casebook.cases.services import reference_block
from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType
from casebook.sample import coding, words
from casebook.sample.building import IncidentBuilder
from casebook.sample.models import SampleLoad
from casebook.sample.planning import IncidentPlan, plan_sample
from casebook.sample.writing import built_write
from casebook.sources.models import Channel

BATCH_SIZE = 1000


class SampleDataError(Exception):
    """The database lacks what the sample needs (run `casebook init` first)."""


@dataclass
class SampleReport:
    incidents: int = 0
    protests: int = 0
    acts: int = 0
    outcomes: int = 0
    sources: int = 0
    source_links: int = 0
    people: int = 0
    involvements: int = 0
    tag_links: int = 0
    search_documents: int = 0
    # The truth behind the undercount estimate (analysis/capture.py, sample/capture.py): how
    # many real incidents the sample invented, recorded or not (rejected ones are not real),
    # and how many of them no list recorded.
    true_incidents: int = 0
    unrecorded: int = 0
    seconds: float = 0.0

    @property
    def incidents_per_second(self) -> float:
        return self.incidents / self.seconds if self.seconds else 0.0

    def counts(self) -> dict[str, int]:
        return {name: value for name, value in vars(self).items() if name != "seconds"}


def sample_generate(
    *, size: int, seed: int = 1, progress: Callable[[int], None] | None = None
) -> SampleReport:
    """Write `size` synthetic incidents (and their protests, acts, sources…) for `seed`.

    `progress(n)` is called after every batch with the number of incidents just written.
    Needs the codebook and channels (`bootstrap_reference_data()`); raises SampleDataError
    otherwise.
    """
    if size < 0:
        raise ValueError("size must be zero or more")
    started = time.perf_counter()
    report = SampleReport()
    codebook = Codebook.load()
    rng = random.Random(seed)
    protests, plans = plan_sample(rng, size)
    Protest.objects.bulk_create([p.protest for p in protests], batch_size=500)
    report.protests = len(protests)
    references = _references(plans)
    # The connection itself, not the django.db.connection proxy: the writer reaches for it
    # millions of times.
    connection = transaction.get_connection()
    builder = IncidentBuilder(
        rng,
        codebook,
        staff=Staff.load(seed),
        keys=KeyPool(connection),
        capture_rng=random.Random(f"capture-{seed}"),
    )
    for start in range(0, len(plans), BATCH_SIZE):
        chunk = plans[start : start + BATCH_SIZE]
        with transaction.atomic():
            builder.keys.start()
            built = [builder.build(plan, references[plan.order]) for plan in chunk]
            written = built_write(built, keys=builder.keys)
        for name, count in written.items():
            setattr(report, name, getattr(report, name) + count)
        real = [b for b in built if b.incident.status != IncidentStatus.REJECTED]
        report.unrecorded += sum(b.missed for b in real)
        report.true_incidents += sum(1 + b.missed for b in real)
        if progress:
            progress(len(chunk))
    if size:
        SampleLoad.objects.create(
            seed=seed,
            size=report.incidents,
            true_incidents=report.true_incidents,
            unrecorded=report.unrecorded,
        )
        # One entry for the lot: a casebook with records always has a trail.
        audit_record(
            action="sample.incidents.generated",
            instance=Incident,
            changes={"incidents": report.incidents, "seed": seed},
        )
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class Codebook:
    """The codebook rows the sample refers to, by slug, read once."""

    forces: dict[str, Organisation]
    provisions: dict[str, LegalProvision]
    act_types: dict[str, ActType]
    triggers: dict[str, TriggerType]
    outcomes: dict[str, OutcomeType]
    channels: dict[str, Channel]
    tags: dict[str, Tag]

    @classmethod
    def load(cls) -> Codebook:
        """The codebook rows the sample uses, by slug; fails when any is missing."""
        missing = missing_codebook_entries()
        if missing:
            detail = "; ".join(f"{kind}: {', '.join(sorted(s))}" for kind, s in missing.items())
            raise SampleDataError(
                f"The codebook lacks what the sample data needs ({detail}). "
                "Run `casebook init` (or bootstrap_reference_data()) first."
            )
        tags = {}
        for name in words.TAGS:
            tags[name], _ = Tag.objects.get_or_create(name=name)
        return cls(
            forces={o.slug: o for o in Organisation.objects.all()},
            provisions={p.slug: p for p in LegalProvision.objects.all()},
            act_types={t.slug: t for t in ActType.objects.all()},
            triggers={t.slug: t for t in TriggerType.objects.all()},
            outcomes={t.slug: t for t in OutcomeType.objects.all()},
            channels={c.slug: c for c in Channel.objects.all()},
            tags=tags,
        )


@dataclass
class Staff:
    """Existing coordinators and caseworkers, who create and are assigned sample incidents.

    Draws come from their own random stream, so the content for a seed is the same whether
    or not the database has staff accounts.
    """

    rng: random.Random
    creators: list
    caseworkers: list

    @classmethod
    def load(cls, seed: int) -> Staff:
        users = get_user_model().objects.order_by("pk")
        return cls(
            rng=random.Random(f"staff-{seed}"),
            creators=list(
                users.filter(groups__name__in=[Role.COORDINATOR, Role.CASEWORKER]).distinct()
            ),
            caseworkers=list(users.filter(groups__name=Role.CASEWORKER)),
        )


def missing_codebook_entries() -> dict[str, set[str]]:
    """Slugs the sample tables use that the database lacks, by kind ({} when all exist)."""
    wanted = _slugs_used()
    present = {
        "organisations": set(Organisation.objects.values_list("slug", flat=True)),
        "legal_provisions": set(LegalProvision.objects.values_list("slug", flat=True)),
        "act_types": set(ActType.objects.values_list("slug", flat=True)),
        "trigger_types": set(TriggerType.objects.values_list("slug", flat=True)),
        "outcomes": set(OutcomeType.objects.values_list("slug", flat=True)),
        "channels": set(Channel.objects.values_list("slug", flat=True)),
    }
    return {kind: wanted[kind] - present[kind] for kind in wanted if wanted[kind] - present[kind]}


def _slugs_used() -> dict[str, set[str]]:
    provisions: set[str | None] = set(coding.IN_FORCE_FROM) | set(coding.OFFENCE_WORDING)
    for table in (
        *coding.OFFENCE_PROVISIONS.values(),
        *coding.POWER_PROVISIONS.values(),
        *coding.PLACE_PROVISIONS.values(),
    ):
        provisions |= set(table)
    for equivalents in coding.NATION_EQUIVALENTS.values():
        provisions |= set(equivalents) | set(equivalents.values())
    triggers = set(coding.EXTRA_OFFENCE_TRIGGERS) | set(coding.AWAY_OFFENCE_TRIGGERS)
    triggers |= set(coding.OFFENCE_PROVISIONS)
    for table in (*coding.TRIGGERS_BY_ACT.values(), *(c.triggers for c in words.CAUSES)):
        triggers |= set(table)
    act_types = set(coding.ACTS_AT_PROTEST) | set(coding.ACTS_AWAY_FROM_PROTEST)
    for table in coding.FOLLOW_UP_ACTS.values():
        act_types |= set(table)
    return {
        "organisations": {place.force for place in words.PLACES},
        "legal_provisions": {slug for slug in provisions if slug},
        "act_types": act_types,
        "trigger_types": triggers,
        "outcomes": set(coding.OUTCOME_NOTES),
        "channels": {kind[0] for kind in coding.SOURCE_KINDS},
    }


def _references(plans: list[IncidentPlan]) -> list[str]:
    """References in date order, one block per year."""
    references: list[str] = []
    for year, group in itertools.groupby(plans, key=lambda plan: plan.date.year):
        references += reference_block(year=year, count=len(list(group)))
    return references
