"""The lists a casebook starts with, made from the channels it has.

Used by the data migration (with historical models) and by `bootstrap_reference_data`, so
an upgraded installation and a new one start alike.
"""

from __future__ import annotations

from casebook.analysis.lists.models import DEFAULT_LISTS


def lists_create_defaults(*, capture_list_model, list_channel_model, channel_model) -> int:
    """Create the default lists when there are none; returns how many were created.

    Only on a casebook without lists: once an administrator has made (or removed) lists,
    running `casebook init` again must not bring the defaults back. A channel already on a
    list, or missing from the casebook, is skipped.
    """
    if capture_list_model.objects.exists():
        return 0
    channels = {c.slug: c for c in channel_model.objects.all()}
    created = 0
    for position, (name, description, slugs) in enumerate(DEFAULT_LISTS, start=1):
        members = [channels[s] for s in slugs if s in channels]
        if not members:
            continue
        capture_list = capture_list_model.objects.create(
            name=name, description=description, position=position
        )
        for channel in members:
            if not list_channel_model.objects.filter(channel=channel).exists():
                list_channel_model.objects.create(capture_list=capture_list, channel=channel)
        created += 1
    return created
