"""Making, changing and removing lists. The Lists page calls these; each change is audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from casebook.accounts import roles
from casebook.analysis.lists.models import CaptureList, ListChannel
from casebook.audit.services import audit_record
from casebook.sources.models import Channel


def _require_administrator(actor) -> None:
    if not roles.is_administrator(actor):
        raise PermissionDenied("Only administrators change the lists.")


def _channel_conflicts(capture_list: CaptureList | None, channels: list[Channel]) -> list[str]:
    taken = ListChannel.objects.filter(channel__in=channels).select_related(
        "channel", "capture_list"
    )
    if capture_list is not None and capture_list.pk:
        taken = taken.exclude(capture_list=capture_list)
    return [
        f"“{m.channel.name}” is already on “{m.capture_list.name}”: take it off that list first "
        "(a channel counts for one list only)."
        for m in taken
    ]


def capture_list_save(
    *,
    actor,
    name: str,
    channels: Iterable[Channel],
    description: str = "",
    position: int = 0,
    capture_list: CaptureList | None = None,
) -> CaptureList:
    """Make a list (`capture_list=None`) or change one, with exactly these channels."""
    _require_administrator(actor)
    channels = list(channels)
    errors = _channel_conflicts(capture_list, channels)
    if errors:
        raise ValidationError({"channels": errors})
    creating = capture_list is None
    target = capture_list if capture_list is not None else CaptureList()
    before = {
        "name": target.name,
        "description": target.description,
        "position": target.position,
        "channels": sorted(target.channels.values_list("slug", flat=True)) if target.pk else [],
    }
    target.name, target.description, target.position = name.strip(), description.strip(), position
    target.full_clean()
    with transaction.atomic():
        target.save()
        ListChannel.objects.filter(capture_list=target).exclude(channel__in=channels).delete()
        members = ListChannel.objects.filter(capture_list=target)
        present = set(members.values_list("channel_id", flat=True))
        ListChannel.objects.bulk_create(
            [ListChannel(capture_list=target, channel=c) for c in channels if c.pk not in present]
        )
        after = {
            "name": target.name,
            "description": target.description,
            "position": target.position,
            "channels": sorted(c.slug for c in channels),
        }
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes or creating:
            audit_record(
                action="analysis.list.created" if creating else "analysis.list.updated",
                instance=target,
                actor=actor,
                changes=changes,
            )
    return target


def capture_list_delete(*, actor, capture_list: CaptureList) -> None:
    """Remove a list; its channels then count for no list until put on another."""
    _require_administrator(actor)
    with transaction.atomic():
        audit_record(
            action="analysis.list.deleted",
            instance=capture_list,
            actor=actor,
            changes={"name": [capture_list.name, None]},
        )
        capture_list.delete()
