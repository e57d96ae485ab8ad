"""The undercount estimate shown on the statistics page and in reports: cached, never LCMCR.

The page and the report's download show the dga estimate (Bayesian model averaging over
decomposable graphs): it takes well under a second for a handful of lists, where LCMCR's
sampler takes tens of seconds and belongs on the command line (`casebook analysis mse
--method lcmcr`, `casebook report --method lcmcr`). The estimate is cached like the page's
other figures (analysis/freshness.py): keyed by the incident list's filters and the data
version, and by which channels are on which list, so any change to the record or to the
lists computes it afresh.
"""

from __future__ import annotations

from casebook.analysis.capture import CaptureReport, capture_estimate
from casebook.analysis.freshness import cached, data_version
from casebook.analysis.lists.models import ListChannel
from casebook.cases.search import search_scope
from casebook.cases.selectors import incidents_filtered

PAGE_METHOD = "dga"
# In a web request only these: LCMCR's sampler would hold a worker for tens of seconds.
REQUEST_METHODS = ("dga", "loglinear")


def undercount_compute(
    *, filters: dict, key: object = None, reader=None, method: str = PAGE_METHOD
) -> CaptureReport:
    """The undercount estimate for the incidents the incident list finds with `filters`
    (words searched as `reader` may search them); `key` (the filters as plain text) caches it.

    `method="lcmcr"` is refused here whenever a cache key is given, that is in a request:
    the command line computes LCMCR itself."""
    if key is not None and method not in REQUEST_METHODS:
        raise ValueError(f"{method} is too slow to compute in a web request")
    incidents = incidents_filtered(
        **{k: v for k, v in filters.items() if k != "sort"}, reader=reader
    )

    def compute() -> CaptureReport:
        return capture_estimate(incidents, method=method)

    if key is None:
        return compute()
    scope = search_scope(reader) if filters.get("q") else ""
    return cached(
        "undercount", [key, scope, method, lists_signature()], compute, version=data_version()
    )


def lists_signature() -> list:
    """Which channels are on which list, in order: an administrator changing the lists
    changes every capture history, so the estimate is cached under this too (one small
    query, read on every request like the data version)."""
    return list(
        ListChannel.objects.order_by(
            "capture_list__position", "capture_list_id", "channel_id"
        ).values_list("capture_list_id", "capture_list__position", "channel_id")
    )
