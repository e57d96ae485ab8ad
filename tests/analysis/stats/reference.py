"""The shared reference data (published and R-computed results) and how to compare with them.

The data live outside the repository in `shared/reference/` beside the checkout (see its
README); tests that need them skip with a clear reason where they are absent.
"""

from __future__ import annotations

import csv
import os
from decimal import Decimal
from pathlib import Path

import pytest


def reference_dir() -> Path | None:
    configured = os.environ.get("CASEBOOK_REFERENCE_DIR")
    if configured:
        return Path(configured)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "reference"
        if candidate.is_dir():
            return candidate
    return None


REFERENCE = reference_dir()
needs_reference = pytest.mark.skipif(
    REFERENCE is None, reason="shared/reference data not present beside the checkout"
)


def reference_path(*parts: str) -> Path:
    assert REFERENCE is not None
    return REFERENCE.joinpath(*parts)


def reference_rows(*parts: str) -> list[dict[str, str]]:
    with reference_path(*parts).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def close(actual: float, printed: str, *, relative: float = 1e-4) -> bool:
    """Whether `actual` agrees with a reference value printed as `printed`.

    Within `relative` where the reference prints enough digits for that to mean something,
    otherwise within half a unit of its last printed digit (a value printed as 0.02594 is
    anything from 0.025935 to 0.025945).
    """
    expected = Decimal(printed)
    exponent = expected.as_tuple().exponent
    half_unit = 0.5 * 10.0 ** int(exponent) if isinstance(exponent, int) else 0.0
    tolerance = max(relative * abs(float(expected)), half_unit)
    return abs(actual - float(expected)) <= tolerance
