"""Helpers for import and export tests: files are built here from invented rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest


def csv_bytes(rows: list[dict], *, delimiter: str = ",") -> bytes:
    """A CSV file with the union of the rows' keys as its header, in first-seen order."""
    header: list[str] = []
    for row in rows:
        header += [key for key in row if key not in header]
    out = io.StringIO()
    writer = csv.DictWriter(out, header, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def incident_row(**overrides) -> dict:
    row = {
        "incident_id": "testgroup-001",
        "title": "Invented arrests at a Testford vigil",
        "date": "2024-05-04",
        "place": "Testford",
        "force": "metropolitan-police-service",
        "act_type": "arrest",
        "number_affected": "3",
        "legal_provision": "Public Order Act 1986 s5",
        "trigger_type": "placard",
        "trigger_wording": "INVENTED SLOGAN",
        "outcome": "charged",
        "outcome_date": "2024-05-06",
        "source_url": "https://news.example.test/story/vigil",
        "source_title": "Three held at invented vigil",
        "source_publisher": "The Example Gazette",
    }
    row.update(overrides)
    return row


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", username="coord")


def acled_reference(name: str) -> Path:
    """A file of ACLED's reference data, read where it is kept (../shared/reference/acled):
    ACLED's rows never enter the repository. Skips the test when it is not there."""
    for folder in Path(__file__).resolve().parents:
        path = folder / "shared" / "reference" / "acled" / name
        if path.is_file():
            return path
    pytest.skip(f"ACLED's reference file {name} is not in ../shared/reference/acled here")
