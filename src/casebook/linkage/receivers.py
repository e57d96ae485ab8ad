"""Where linkage hears of new incidents and joins the monitor's duplicate ranking."""

from __future__ import annotations

from casebook.linkage.incremental import compare_when_committed


def incident_created(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    # raw: an incident brought back whole (an undone merge, a fixture), not a new report.
    if created and not raw:
        compare_when_committed(instance.pk)


def monitor_ranking_join() -> None:
    """Offer the linkage model to the monitor's merge suggestions (through cases.duplicates:
    the monitor sits beside linkage and neither imports the other)."""
    from casebook.cases.duplicates import ranker_register
    from casebook.linkage.incremental import proposal_rank

    ranker_register(proposal_rank)
