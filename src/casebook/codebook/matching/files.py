"""Reading a codebook file (``codebook/data/uk.json``) without Django."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_REQUIRED_KEYS = (
    "jurisdiction",
    "name",
    "version",
    "organisations",
    "statutes",
    "legal_provisions",
    "act_types",
    "trigger_types",
    "outcomes",
)


def default_codebook_path() -> Path:
    """The UK codebook shipped with Casebook (``codebook/data/uk.json``)."""
    return Path(__file__).resolve().parent.parent / "data" / "uk.json"


def load_codebook_file(path: str | Path) -> dict[str, Any]:
    """Read a codebook JSON file, checking that its top-level sections are all present.

    >>> load_codebook_file(default_codebook_path())["jurisdiction"]
    'uk'
    """
    with Path(path).open(encoding="utf-8") as fh:
        codebook = json.load(fh)
    if not isinstance(codebook, dict):
        raise ValueError(f"{path}: a codebook is a JSON object")
    missing = [key for key in _REQUIRED_KEYS if key not in codebook]
    if missing:
        raise ValueError(f"{path}: missing {', '.join(missing)}")
    return codebook
