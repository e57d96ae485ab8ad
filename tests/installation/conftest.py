"""Backups hold sealed people: each test gets a master key and a keyring of its own."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_keys(own_keys):
    return own_keys
