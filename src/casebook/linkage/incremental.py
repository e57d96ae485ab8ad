"""New incidents compared against the casebook as they arrive, with the trained model.

A new incident (from the editor, an import, an accepted monitor candidate) is compared, in a
background task, with the incidents it could be: those near its date, at its place or
protest, or sharing a file with it. The model of the latest whole-casebook run scores them
untrained, so this takes a second, not a retraining. Incidents wait to be compared when a
save or an import marked them (`ComparisonDue`, written with the incident, so one whose
transaction commits late is not passed over) or when their id is above the last one a run
covered (`LinkageRun.up_to_incident`: whatever wrote them, the next comparison takes them).

The monitor's review queue asks the same model to rank the incidents a candidate may
already be (`proposal_rank`), so there is one way of finding duplicates.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from casebook.cases.duplicates import Suggestion, WaitingMatch
from casebook.cases.models import Incident, IncidentStatus
from casebook.linkage import services
from casebook.linkage.compare.engine import LinkageError, records_link
from casebook.linkage.compare.records import ActSummary, LinkageRecord
from casebook.linkage.models import ComparisonDue, LinkageRun, SuggestedPair
from casebook.linkage.records import incidents_as_records
from casebook.sources.models import EvidenceFile

logger = logging.getLogger(__name__)

WINDOW = dt.timedelta(days=31)  # the widest date gap the model's blocking lets through
MOST_NEW = 500  # new incidents compared in one run; the rest wait for the next
MOST_NEARBY = 5000
MOST_WIDER = 200  # incidents further off than the monitor looks that a candidate is scored with


def _watermark() -> int:
    latest = services.latest_full_run()
    if latest is None:
        return 0
    runs = LinkageRun.objects.filter(id__gte=latest.pk, finished_at__isnull=False)
    return int(runs.aggregate(top=Max("up_to_incident"))["top"] or 0)


def _nearby(new: list[Incident]) -> list[int]:
    """Ids of the older incidents any of `new` could be."""
    condition = Q()
    for incident in new:
        condition |= Q(date__range=(incident.date - WINDOW, incident.date + WINDOW))
        if incident.protest_id:
            condition |= Q(protest_id=incident.protest_id)
        if incident.place:
            condition |= Q(place__iexact=incident.place)
    shas = list(EvidenceFile.objects.filter(incident__in=new).values_list("sha256", flat=True))
    if shas:
        condition |= Q(evidence_files__sha256__in=shas)
    found = (
        Incident.objects.filter(condition)
        .exclude(pk__in=[i.pk for i in new])
        .values_list("pk", flat=True)
        .distinct()
    )
    return list(found[:MOST_NEARBY])


def incidents_compare_new(*, actor=None) -> LinkageRun | None:
    """Compare the incidents new since the last run with the casebook; None when there is no
    trained model yet or nothing new."""
    latest = services.latest_full_run()
    if latest is None or not latest.model:
        return None
    new = list(Incident.objects.filter(pk__in=_due_ids()).order_by("id").select_related("force"))
    if not new:
        return None
    started = timezone.now()
    ids = [i.pk for i in new] + _nearby(new)
    records = incidents_as_records(Incident.objects.filter(pk__in=ids))
    new_refs = {i.reference for i in new}
    rows: list[SuggestedPair] = []
    seconds: dict[str, float] = {}
    if len(records) >= 2:
        result = records_link(
            records=records, backend="duckdb", threshold=latest.threshold, model=latest.model
        )
        seconds = {name: round(value, 3) for name, value in result.seconds.items()}
        rows = [
            row
            for row in services.pairs_to_keep(result, records)
            if row.left_reference in new_refs or row.right_reference in new_refs
        ]
    with transaction.atomic():
        run = LinkageRun.objects.create(
            kind=LinkageRun.Kind.INCREMENTAL,
            backend="duckdb",
            threshold=latest.threshold,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
            records=len(records),
            pairs_kept=len(rows),
            seconds=seconds,
            incident_reference=new[0].reference,
            up_to_incident=new[-1].pk,
        )
        LinkageRun.objects.filter(pk=run.pk).update(started_at=started, finished_at=timezone.now())
        for row in rows:
            row.run = run
        SuggestedPair.objects.bulk_create(rows)
        ComparisonDue.objects.filter(incident_id__in=[i.pk for i in new]).delete()
    services.merges_automatic(run=run)
    return run


def _due_ids() -> list[int]:
    """The next `MOST_NEW` incidents to compare, lowest id first: those marked due (saved,
    imported) and those above the watermark (written by anything that marks none)."""
    above = Incident.objects.filter(id__gt=_watermark()).order_by("id")
    due = ComparisonDue.objects.order_by("incident_id")
    ids = set(above.values_list("id", flat=True)[:MOST_NEW])
    ids |= set(due.values_list("incident_id", flat=True)[:MOST_NEW])
    return sorted(ids)[:MOST_NEW]


def comparison_due(incident_ids: list[int]) -> None:
    """Mark incidents to be compared (in the caller's transaction).

    One prepared INSERT that passes over incidents marked already: `bulk_create` compiled
    every row, a tenth of a large import's time."""
    if not incident_ids:
        return
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    opts = ComparisonDue._meta
    added_at = opts.get_field("added_at").get_db_prep_save(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(opts.db_table)} "  # noqa: S608 (names from the model)
            f"({quote('incident_id')}, {quote('added_at')}) VALUES (%s, %s) "
            "ON CONFLICT DO NOTHING",
            [(pk, added_at) for pk in incident_ids],
        )


def incidents_waiting() -> bool:
    """Whether incidents wait to be compared (more than one comparison takes, after an import)."""
    latest = services.latest_full_run()
    if latest is None or not latest.model:
        return False
    return ComparisonDue.objects.exists() or Incident.objects.filter(id__gt=_watermark()).exists()


def incidents_compare_waiting(*, actor=None) -> list[LinkageRun]:
    """Compare every incident new since the last run, `MOST_NEW` at a time (an import of
    thousands is several comparisons); the runs made."""
    runs = []
    while (run := incidents_compare_new(actor=actor)) is not None:
        runs.append(run)
    return runs


def compare_when_committed(incident_id: int | None = None) -> None:
    """After the transaction that created an incident (or an import's last batch) commits:
    compare what is new in the background (a Celery task when a broker is set, else here,
    after the response is decided). `incident_id` is for the record only: whatever is new
    since the last run is compared."""

    def start() -> None:
        if settings.MONITOR_BROKER_URL:
            from casebook.linkage.tasks import compare_new

            compare_new.delay()
            return
        try:
            incidents_compare_waiting()
        except (LinkageError, ValueError, RuntimeError) as error:
            # Linkage must never cost anyone their incident: the next run catches up.
            logger.warning("linkage: comparing new incidents failed (%s)", type(error).__name__)

    transaction.on_commit(start, robust=True)


# --- The monitor's review queue ---------------------------------------------------------------


# Sorts before every reference, so a pair with the candidate has it on the left.
CANDIDATE = "\0candidate"


def proposal_record(proposal) -> LinkageRecord:
    """A monitor candidate's proposal as a linkage record."""
    acts = [
        ActSummary(act.act_type.slug, act.count)
        for act in proposal.acts
        if act.act_type is not None
    ]
    return LinkageRecord(
        record_id=CANDIDATE,
        date=proposal.date if proposal.date_stated else None,
        force=proposal.force.slug if proposal.force is not None else None,
        place=proposal.place,
        acts=tuple(acts),
        provisions=tuple(
            act.legal_provision.slug for act in proposal.acts if act.legal_provision is not None
        ),
        trigger_wording=" ".join(act.trigger_word for act in proposal.acts if act.trigger_word),
        title=proposal.title,
    )


def _wider_nearby(proposal, known: set[int]) -> list[Incident]:
    """Incidents the monitor's narrow window (three days) misses but linkage's blocking lets
    through: the same force or place within linkage's date window."""
    if not proposal.date_stated or (proposal.force is None and not proposal.place):
        return []
    same = Q(force=proposal.force) if proposal.force is not None else Q()
    if proposal.place:
        same |= Q(place__iexact=proposal.place)
    found = (
        Incident.objects.filter(same, date__range=(proposal.date - WINDOW, proposal.date + WINDOW))
        .exclude(status__in=[IncidentStatus.REJECTED, IncidentStatus.ARCHIVED])
        .exclude(pk__in=known)
        .select_related("force")
    )
    return list(found[:MOST_WIDER])


def proposal_rank(proposal, suggestions: list) -> list | None:
    """The monitor's nearby incidents rescored by the linkage model (the probability that
    each is the candidate's event, with the reasons in words), with the incidents further
    off that the model holds likely added. None (keep the monitor's own ranking) until
    linkage has a trained model."""
    latest = services.latest_full_run()
    if latest is None or not latest.model:
        return None
    incidents = [s.incident for s in suggestions if s.incident.status != IncidentStatus.REJECTED]
    wider = _wider_nearby(proposal, {s.incident.pk for s in suggestions})
    if not incidents and not wider:
        return None
    records = [
        proposal_record(proposal),
        *incidents_as_records(Incident.objects.filter(pk__in=[i.pk for i in incidents + wider])),
    ]
    try:
        result = records_link(records=records, threshold=latest.threshold, model=latest.model)
    except LinkageError:
        return None
    scored = {
        row.right_reference: (row.probability, row.explanation)
        for row in services.pairs_to_keep(result, records, only_with=CANDIDATE)
    }
    ranked = list(suggestions)
    for incident in wider:
        if scored.get(incident.reference, (0.0, ""))[0] >= latest.threshold:
            ranked.append(Suggestion(incident=incident, score=0.0, reasons=[]))
    for suggestion in ranked:
        probability, words = scored.get(suggestion.incident.reference, (0.0, ""))
        suggestion.score = probability
        suggestion.reasons = [f"match probability {probability:.2f}"] + ([words] if words else [])
    return ranked


def matches_waiting(references: list[str]) -> dict[str, list[WaitingMatch]]:
    """reference -> the pairs of the judgement queue it is in, most likely first."""
    wanted = set(references)
    found: dict[str, list[WaitingMatch]] = {}
    for pair in services.pairs_waiting():
        for mine, other in (pair.key, pair.key[::-1]):
            if mine in wanted:
                found.setdefault(mine, []).append(
                    WaitingMatch(
                        reference=other,
                        probability=pair.probability,
                        url=reverse("linkage:pair-detail", args=[pair.pk]),
                    )
                )
    for matches in found.values():
        matches.sort(key=lambda m: -m.probability)
    return found
