"""Merging two incidents that describe one event, and undoing it."""

from __future__ import annotations

from casebook.linkage.models import IncidentMerge


def merged_references() -> list[tuple[str, str]]:
    """(survivor, merged-away) of every merge in force."""
    return list(
        IncidentMerge.objects.in_force().values_list("survivor_reference", "merged_reference")
    )


def merged_external_ids() -> dict[str, str]:
    """incident_id of an import -> reference, for incidents merged away."""
    return dict(
        IncidentMerge.objects.in_force()
        .exclude(merged_external_id=None)
        .values_list("merged_external_id", "merged_reference")
    )
