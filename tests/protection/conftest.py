"""Protection test support: a throwaway evidence storage that the leak test can search."""

from __future__ import annotations

import pytest


@pytest.fixture
def evidence_dir(settings, tmp_path):
    """A fresh evidence folder (Django resets the storage when STORAGES changes)."""
    folder = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": folder,
                "base_url": None,
                "file_permissions_mode": 0o440,
                "directory_permissions_mode": 0o750,
            },
        },
    }
    return folder
