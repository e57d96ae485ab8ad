"""Every people test gets a master key file and a keyring of its own (`own_keys`)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_keys(own_keys):
    return own_keys
