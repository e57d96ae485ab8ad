"""Setting up an installation: the keys, the tables, and the reference data it needs.

`bootstrap_installation` is what `casebook init` and `casebook demo` both do first;
`bootstrap_reference_data` is its last step on its own, which the test suite and the
benchmarks call. Both are safe to run any number of times.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.management import call_command

from casebook.accounts.roles import Role
from casebook.analysis.lists.defaults import lists_create_defaults
from casebook.analysis.lists.models import CaptureList, ListChannel
from casebook.codebook.loader import LoadReport, available_codebooks, codebook_load
from casebook.people.keys.master import ensure_master_key
from casebook.sources.models import DEFAULT_CHANNELS, Channel


def bootstrap_reference_data() -> list[LoadReport]:
    """The codebooks, the role groups, the channels and (on a casebook without any) the
    default lists; one report per codebook loaded."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    for slug, name, description in DEFAULT_CHANNELS:
        Channel.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    lists_create_defaults(
        capture_list_model=CaptureList, list_channel_model=ListChannel, channel_model=Channel
    )
    return [codebook_load(path) for path in available_codebooks()]


def bootstrap_installation() -> list[LoadReport]:
    """Master key, then the database's tables, then the reference data.

    The master key comes first: a migration may seal people's details with it.
    """
    ensure_master_key()
    call_command("migrate", interactive=False, verbosity=0)
    return bootstrap_reference_data()
