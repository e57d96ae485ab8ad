"""Reference data every installation needs: the codebook, the role groups, the channels.

Called by `casebook init` and by the test suite; safe to run any number of times.
"""

from __future__ import annotations

from django.contrib.auth.models import Group

from casebook.accounts.roles import Role
from casebook.codebook.loader import LoadReport, available_codebooks, codebook_load
from casebook.sources.models import DEFAULT_CHANNELS, Channel


def bootstrap_reference_data() -> list[LoadReport]:
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    for slug, name, description in DEFAULT_CHANNELS:
        Channel.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    return [codebook_load(path) for path in available_codebooks()]
