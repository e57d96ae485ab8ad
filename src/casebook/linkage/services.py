"""Linkage on the casebook: run the model, keep what it suggests, record decisions, evaluate.

The model itself (blocking, comparison, training, clustering, explanations) is the
framework-free `linkage.compare` package; this module feeds it the casebook's incidents
(`records.incidents_as_records`) and keeps its output where the judgement queue reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casebook.audit.services import audit_record
from casebook.cases.models import Incident
from casebook.codebook.models import LegalProvision
from casebook.linkage import merging
from casebook.linkage.compare.clustering import clusters_at
from casebook.linkage.compare.engine import DEFAULT_THRESHOLD, LinkageError, records_link
from casebook.linkage.compare.evaluation import PairwiseScore, pairwise_score, truth_read
from casebook.linkage.compare.explain import pair_explanation, pair_reasons
from casebook.linkage.compare.records import LinkageRecord
from casebook.linkage.compare.settings import LEVELS
from casebook.linkage.models import (
    ComparisonDue,
    IncidentMerge,
    LinkageRun,
    LinkageSettings,
    PairDecision,
    SuggestedPair,
    Verdict,
    pair_key,
)
from casebook.linkage.records import incidents_as_records

__all__ = ["LinkageError", "linkage_run", "pair_decide", "pairs_waiting", "queue_counts"]

Progress = Callable[[str], None]


def citations() -> Callable[[str], str]:
    table = {
        slug: short or citation
        for slug, short, citation in LegalProvision.objects.values_list(
            "slug", "short_citation", "citation"
        )
    }
    return lambda slug: table.get(slug, slug)


def pairs_to_keep(
    run_model, records: Iterable[LinkageRecord], *, only_with: str | None = None
) -> list[SuggestedPair]:
    """The run's scored pairs as rows, each with its explanation in words."""
    by_id = {record.record_id: record for record in records}
    citation = citations()
    rows = []
    for pair in run_model.pairs:
        if only_with and only_with not in (pair.left, pair.right):
            continue
        left, right = pair_key(pair.left, pair.right)
        reasons = pair_reasons(
            left=by_id[left],
            right=by_id[right],
            levels=pair.levels,
            weights=pair.weights,
            level_names=LEVELS,
            citation=citation,
        )
        rows.append(
            SuggestedPair(
                left_reference=left,
                right_reference=right,
                probability=min(max(pair.probability, 0.0), 1.0),
                weight=pair.weight,
                explanation=pair_explanation(reasons)[:1000],
                reasons=[
                    {"comparison": r.comparison, "weight": round(r.weight, 2), "words": r.words}
                    for r in reasons
                ],
            )
        )
    return rows


def linkage_run(
    *,
    backend: str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    actor=None,
    progress: Progress | None = None,
    spark_session=None,
) -> LinkageRun:
    """Train the model on the whole casebook, score its pairs and keep the likely ones.

    Raises LinkageError (a sentence for the user) when the run cannot be made.
    """
    step = progress or (lambda message: None)
    step("reading incidents")
    started = timezone.now()
    newest = Incident.objects.order_by("-id").values_list("id", flat=True).first() or 0
    records = incidents_as_records(Incident.objects.filter(id__lte=newest))
    result = records_link(
        records=records,
        backend=backend,
        threshold=threshold,
        progress=step,
        spark_session=spark_session,
    )
    step("keeping pairs")
    rows = pairs_to_keep(result, records)
    groups = {cluster for cluster in result.clusters.values()}
    sizes: dict[str, int] = {}
    for cluster in result.clusters.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    with transaction.atomic():
        run = LinkageRun.objects.create(
            kind=LinkageRun.Kind.FULL,
            backend=backend,
            threshold=threshold,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
            records=len(records),
            pairs_scored=result.pairs_scored,
            pairs_kept=len(rows),
            clusters=sum(1 for c in groups if sizes[c] > 1),
            seconds={name: round(value, 3) for name, value in result.seconds.items()},
            model=result.model,
            up_to_incident=newest,
            proposed={
                reference: cluster
                for reference, cluster in result.clusters.items()
                if sizes[cluster] > 1
            },
        )
        LinkageRun.objects.filter(pk=run.pk).update(started_at=started, finished_at=timezone.now())
        for row in rows:
            row.run = run
        SuggestedPair.objects.bulk_create(rows, batch_size=1000)
        # This run compared them all with each other: none waits for an incremental one.
        ComparisonDue.objects.filter(incident_id__lte=newest, added_at__lte=started).delete()
        audit_record(
            action="linkage.run.finished",
            instance=run,
            actor=actor,
            changes={
                "backend": [None, backend],
                "threshold": [None, threshold],
                "pairs_kept": [None, len(rows)],
            },
        )
    run.refresh_from_db()
    merges_automatic(run=run)
    return run


# --- The queue --------------------------------------------------------------------------------


def latest_full_run() -> LinkageRun | None:
    return (
        LinkageRun.objects.filter(kind=LinkageRun.Kind.FULL, finished_at__isnull=False)
        .order_by("-id")
        .first()
    )


def current_runs() -> list[LinkageRun]:
    """The latest whole-casebook run and the incremental runs since."""
    latest = latest_full_run()
    runs = LinkageRun.objects.filter(finished_at__isnull=False)
    if latest is not None:
        runs = runs.filter(id__gte=latest.pk)
    return list(runs.order_by("id"))


def latest_verdicts(keys: Iterable[tuple[str, str]] | None = None) -> dict[tuple[str, str], str]:
    """(left, right) -> the latest verdict on that pair."""
    decisions = PairDecision.objects.order_by("decided_at", "id")
    verdicts: dict[tuple[str, str], str] = {}
    wanted = set(keys) if keys is not None else None
    for left, right, verdict in decisions.values_list(
        "left_reference", "right_reference", "verdict"
    ):
        if wanted is None or (left, right) in wanted:
            verdicts[(left, right)] = verdict
    return verdicts


def current_pairs(*, at_threshold: bool = True) -> list[SuggestedPair]:
    """The pairs of the current runs (the latest suggestion of each pair), both incidents
    still in the casebook; at their run's threshold or above unless `at_threshold` is False."""
    runs = current_runs()
    if not runs:
        return []
    latest: dict[tuple[str, str], SuggestedPair] = {}
    for run in runs:
        pairs = SuggestedPair.objects.filter(run=run).select_related("run")
        if at_threshold:
            pairs = pairs.filter(probability__gte=run.threshold)
        for pair in pairs.order_by("id"):
            latest[pair.key] = pair
    references = {ref for key in latest for ref in key}
    existing = set(
        Incident.objects.filter(reference__in=references).values_list("reference", flat=True)
    )
    return [p for k, p in latest.items() if k[0] in existing and k[1] in existing]


def pairs_waiting() -> list[SuggestedPair]:
    """The judgement queue: undecided pairs first, closest to even odds first; then the
    pairs someone was unsure of. A pair once judged "different" never comes back."""
    pairs = current_pairs()
    verdicts = latest_verdicts(p.key for p in pairs)
    undecided = [p for p in pairs if p.key not in verdicts]
    unsure = [p for p in pairs if verdicts.get(p.key) == Verdict.UNSURE]
    for pair in unsure:
        pair.unsure = True  # type: ignore[attr-defined]
    return sorted(undecided, key=lambda p: (abs(p.weight), p.pk)) + sorted(
        unsure, key=lambda p: (abs(p.weight), p.pk)
    )


@dataclass(frozen=True)
class QueueCounts:
    waiting: int
    unsure: int
    same: int
    different: int
    clusters: int
    run: LinkageRun | None

    @property
    def total_waiting(self) -> int:
        return self.waiting + self.unsure


def queue_counts() -> QueueCounts:
    pairs = current_pairs()
    verdicts = latest_verdicts()
    counts = {verdict: 0 for verdict in Verdict.values}
    for verdict in verdicts.values():
        counts[verdict] += 1
    waiting = [p for p in pairs if p.key not in verdicts]
    unsure = [p for p in pairs if verdicts.get(p.key) == Verdict.UNSURE]
    open_pairs = [*waiting, *unsure]
    clusters = clusters_at(
        ids=[ref for p in open_pairs for ref in p.key],
        pairs=[(p.left_reference, p.right_reference, 1.0) for p in open_pairs],
        threshold=0.5,
    )
    return QueueCounts(
        waiting=len(waiting),
        unsure=len(unsure),
        same=counts[Verdict.SAME],
        different=counts[Verdict.DIFFERENT],
        clusters=len(set(clusters.values())),
        run=latest_full_run(),
    )


def pair_decide(*, left: str, right: str, verdict: str, actor) -> PairDecision:
    """Record a coordinator's verdict on two incidents (by reference); "same event" merges
    them (the incident further along the workflow survives; `merging.incident_unmerge`
    undoes it)."""
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": "Choose same event, different events or unsure."})
    if left == right:
        raise ValidationError("An incident cannot be compared with itself.")
    left, right = pair_key(left, right)
    found = set(
        Incident.objects.filter(reference__in=[left, right]).values_list("reference", flat=True)
    )
    missing = [ref for ref in (left, right) if ref not in found]
    if missing:
        raise ValidationError(
            f"No incident {' or '.join(missing)} in the casebook (merged or removed since)."
        )
    suggested = (
        SuggestedPair.objects.filter(left_reference=left, right_reference=right)
        .order_by("-id")
        .first()
    )
    with transaction.atomic():
        decision = PairDecision(
            left_reference=left,
            right_reference=right,
            verdict=verdict,
            probability=suggested.probability if suggested else None,
            decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        decision.full_clean()
        decision.save()
        audit_record(
            action="linkage.pair.decided",
            instance=decision,
            actor=actor,
            changes={"pair": [None, f"{left} ~ {right}"], "verdict": [None, verdict]},
            incident=Incident.objects.get(reference=left),
        )
        if verdict == Verdict.SAME:
            a, b = Incident.objects.filter(reference__in=[left, right])
            survivor, merged = merging.survivor_of(a, b)
            merging.incident_merge(
                survivor=survivor, merged=merged, actor=actor, probability=decision.probability
            )
    return decision


def merges_automatic(*, run: LinkageRun) -> list[IncidentMerge]:
    """Merge the run's clear matches when the administrator turned automatic merging on:
    pairs at or above the automatic threshold that nobody judged different."""
    choice = LinkageSettings.current()
    if not choice.auto_merge:
        return []
    verdicts = latest_verdicts()
    pairs = SuggestedPair.objects.filter(
        run=run, probability__gte=max(choice.auto_merge_threshold, run.threshold)
    ).order_by("-probability", "id")
    merges = []
    for pair in pairs:
        if verdicts.get(pair.key) == Verdict.DIFFERENT:
            continue
        references = {merging.merged_into(r) or r for r in pair.key}
        if len(references) < 2:
            continue  # already one incident through an earlier merge of this run
        found = list(Incident.objects.filter(reference__in=references))
        if len(found) != 2:
            continue
        survivor, merged = merging.survivor_of(*found)
        merges.append(
            merging.incident_merge(
                survivor=survivor,
                merged=merged,
                actor=None,
                probability=pair.probability,
                automatic=True,
            )
        )
    return merges


def settings_change(*, auto_merge: bool, auto_merge_threshold: float, actor) -> LinkageSettings:
    choice = LinkageSettings.current()
    before = {"auto_merge": choice.auto_merge, "auto_merge_threshold": choice.auto_merge_threshold}
    choice.auto_merge, choice.auto_merge_threshold = auto_merge, auto_merge_threshold
    choice.full_clean()
    with transaction.atomic():
        choice.save()
        audit_record(
            action="linkage.settings.changed",
            instance=choice,
            actor=actor,
            changes={
                "auto_merge": [before["auto_merge"], auto_merge],
                "auto_merge_threshold": [before["auto_merge_threshold"], auto_merge_threshold],
            },
        )
    return choice


# --- Evaluation -------------------------------------------------------------------------------


class EvaluationError(ValueError):
    """The evaluation cannot be made (no run, a truth file naming no known incident)."""


def proposed_clusters(references: Iterable[str]) -> dict[str, str]:
    """reference -> cluster, as the last run proposes them at its threshold (merged pairs
    and pairs judged "same" joined, pairs judged "different" kept apart)."""
    run = latest_full_run()
    if run is None:
        raise EvaluationError("No linkage run yet: run `casebook linkage run` first.")
    proposed = run.proposed

    def clustered_by_the_run(pair: SuggestedPair) -> bool:
        # The full run's own clustering held some likely pairs apart; later runs' pairs
        # (new incidents) join as they come.
        if pair.run_id != run.pk or proposed is None:
            return True
        cluster = proposed.get(pair.left_reference)
        return cluster is not None and cluster == proposed.get(pair.right_reference)

    pairs = [
        (p.left_reference, p.right_reference, p.probability)
        for p in current_pairs()
        if clustered_by_the_run(p)
    ]
    verdicts = latest_verdicts()
    pairs += [(*key, 1.0) for key, verdict in verdicts.items() if verdict == Verdict.SAME]
    pairs += [(*key, 1.0) for key in merged_pairs()]
    apart = {frozenset(key) for key, verdict in verdicts.items() if verdict == Verdict.DIFFERENT}
    return clusters_at(ids=references, pairs=pairs, threshold=0.0, kept_apart=apart)


def merged_pairs() -> list[tuple[str, str]]:
    """(survivor, merged-away) of every merge in force."""
    return merging.merged_references()


def _references_by_import_id() -> dict[str, str]:
    """An import file's incident_id (or a reference) -> the reference it is known by now."""
    known = dict(Incident.objects.exclude(external_id=None).values_list("external_id", "reference"))
    from casebook.linkage import merging

    known |= merging.merged_external_ids()
    return known


def linkage_eval(*, truth_path: Path | str) -> tuple[PairwiseScore, int]:
    """Pairwise precision, recall and F1 of the last run's clusters against a truth file
    (incident_id,cluster_id). Returns the score and how many truth rows named no incident."""
    truth_rows = truth_read(truth_path)
    by_import_id = _references_by_import_id()
    references = set(Incident.objects.values_list("reference", flat=True))
    truth: dict[str, str] = {}
    unknown = 0
    for incident_id, cluster in truth_rows.items():
        reference = by_import_id.get(incident_id) or (
            incident_id if incident_id in references else None
        )
        if reference is None:
            unknown += 1
            continue
        truth[reference] = cluster
    if not truth:
        raise EvaluationError(
            f"{truth_path}: none of its {len(truth_rows)} incident_ids is in the casebook; "
            "they are the incident_id column of the file `casebook import` read."
        )
    predicted = proposed_clusters(truth)
    return pairwise_score(predicted=predicted, truth=truth), unknown


# --- What the judgement pages show ------------------------------------------------------------


@dataclass
class IncidentSide:
    """One incident of a pair as a coordinator compares it: no person's details, only how
    many people are recorded."""

    incident: Incident
    acts: list
    sources: list
    evidence: int
    people: int


def incident_side(incident: Incident) -> IncidentSide:
    from casebook.people.models import Involvement
    from casebook.sources.models import EvidenceFile, IncidentSource

    acts = list(
        incident.acts.select_related("act_type", "legal_provision").prefetch_related("claims")
    )
    links = IncidentSource.objects.filter(incident=incident).select_related("source__channel")
    return IncidentSide(
        incident=incident,
        acts=acts,
        sources=list(links.order_by("id")),
        evidence=EvidenceFile.objects.filter(incident=incident).count(),
        people=Involvement.objects.filter(act__incident=incident)
        .values("person")
        .distinct()
        .count(),
    )


def pair_sides(pair: SuggestedPair) -> tuple[IncidentSide, IncidentSide] | None:
    """Both incidents of a pair, or None when one has left the casebook since."""
    found = {
        i.reference: i
        for i in Incident.objects.filter(
            reference__in=[pair.left_reference, pair.right_reference]
        ).select_related("force", "protest")
    }
    if len(found) != 2:
        return None
    return incident_side(found[pair.left_reference]), incident_side(found[pair.right_reference])


def decisions_score() -> PairwiseScore:
    """The current runs' proposals scored against coordinators' decisions as labels.

    Every pair judged "same event" or "different events" (the latest verdict; "unsure" is no
    label) counts: a judged pair is predicted when a current run proposed it at its threshold.
    """
    runs = current_runs()
    if not runs:
        raise EvaluationError("No linkage run yet: run `casebook linkage run` first.")
    labels = {
        key: verdict
        for key, verdict in latest_verdicts().items()
        if verdict in (Verdict.SAME, Verdict.DIFFERENT)
    }
    if not labels:
        raise EvaluationError(
            "No pair has been judged yet: the judgement queue's decisions are the labels."
        )
    proposed: set[tuple[str, str]] = set()
    for run in runs:
        pairs = SuggestedPair.objects.filter(run=run, probability__gte=run.threshold)
        proposed |= {key for key in pairs.values_list("left_reference", "right_reference")}
    true_pairs = sum(1 for verdict in labels.values() if verdict == Verdict.SAME)
    predicted = [key for key in labels if key in proposed]
    correct = sum(1 for key in predicted if labels[key] == Verdict.SAME)
    precision = correct / len(predicted) if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScore(
        precision=precision,
        recall=recall,
        f1=f1,
        true_pairs=true_pairs,
        predicted_pairs=len(predicted),
        correct_pairs=correct,
    )
