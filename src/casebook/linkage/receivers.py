"""Where linkage hears of new incidents (saved one by one, or imported) and joins the
monitor's duplicate ranking."""

from __future__ import annotations

from casebook.linkage.incremental import compare_when_committed, comparison_due


def incident_created(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    # raw: an incident brought back whole (an undone merge, a fixture), not a new report.
    if created and not raw:
        comparison_due([instance.pk])
        compare_when_committed(instance.pk)


def incidents_imported(sender, incident_ids: list[int], created: int = 0, **kwargs) -> None:
    # An import writes in bulk (no post_save): it says so once, when its batches are in.
    # Changed incidents too: what made them differ from their twin may be gone.
    if incident_ids:
        comparison_due(incident_ids)
        compare_when_committed()


def monitor_ranking_join() -> None:
    """Offer the linkage model to the monitor's merge suggestions, and the judgement queue's
    pairs to its review queue (through cases.duplicates:
    the monitor sits beside linkage and neither imports the other)."""
    from casebook.cases.duplicates import match_finder_register, ranker_register
    from casebook.linkage.incremental import matches_waiting, proposal_rank

    ranker_register(proposal_rank)
    match_finder_register(matches_waiting)
