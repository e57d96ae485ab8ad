from __future__ import annotations

import pytest

from casebook.sample.reports import reports_as_records, reports_generate


@pytest.fixture(scope="package")
def synthetic():
    """1,500 synthetic reports (with photos) and their truth, shared by the linkage tests."""
    reports = reports_generate(size=1500, seed=11)
    return reports, reports_as_records(reports), {r.report_id: r.event_id for r in reports}


@pytest.fixture(scope="package")
def duckdb_run(synthetic):
    from casebook.linkage.compare.engine import records_link

    _, records, _ = synthetic
    return records_link(records=records, threshold=0.95)
