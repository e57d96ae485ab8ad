"""How fast the statistics page answers at scale: p50 and p95 per kind of request, each
beside its floor (the same SQL replayed on the raw database connection) as a ratio.

    .venv/bin/python bench/stats_page.py --size 100000            # SQLite, temp folder
    .venv/bin/python bench/stats_page.py --size 100000 --reuse    # keep the data
    .venv/bin/python bench/stats_page.py --size 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/casebook_bench   # PostgreSQL

The database is built (and reused) exactly as `bench/incident_list.py` builds it: the same
folder, the same sample generator and seed, so a database made by either serves both.
Signed in as an analyst, it sends each kind of request to /analysis/ (page unfiltered, each
unit, each breakdown, filters) in interleaved rounds and times it two ways:
- computed: the cache emptied first, so every figure comes from the database (what the
  first visitor after a change waits), `--computed` times a kind;
- cached: figures cached until the record changes (what everyone else waits), `--requests`
  times a kind.
Each request's SQL is captured once and replayed on the raw DB-API connection (no ORM, no
template); the ratio request / floor says how much Python and rendering add to the SQL the
request cannot avoid. The issue's target: p95 under 150 ms for counts and breakdowns.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import incident_list as base  # noqa: E402  (the bench next door builds the database)

TARGET_MS = 150.0
REPLAYED = ("SELECT", "WITH")  # a GET writes nothing; the session is read, not saved


def request_kinds() -> dict[str, list[dict]]:
    """Kind of request -> the parameter sets it cycles through, drawn from the data."""
    from django.db.models import Count

    from casebook.cases.models import Act, Incident

    forces = [
        row["force__slug"]
        for row in Incident.objects.values("force__slug").annotate(n=Count("id")).order_by("-n")[:6]
        if row["force__slug"]
    ]
    act_types = [
        row["act_type__slug"]
        for row in Act.objects.values("act_type__slug").annotate(n=Count("id")).order_by("-n")[:4]
    ]
    years = sorted(d.year for d in Incident.objects.dates("date", "year"))
    middle = years[len(years) // 2]
    return {
        "month, no filter": [{}],
        "week, no filter": [{"unit": "week"}],
        "quarter, no filter": [{"unit": "quarter"}],
        "year, no filter": [{"unit": "year"}],
        "quarter, by force": [{"unit": "quarter", "by": "force"}],
        "month, by act type": [{"by": "act_type"}],
        "month, by provision": [{"by": "provision"}],
        "month, by trigger": [{"by": "trigger"}],
        "year, by outcome": [{"unit": "year", "by": "outcome"}],
        "month, by protest": [{"by": "protest"}],
        "year, by country": [{"unit": "year", "by": "country"}],
        "force filter, by act type": [{"force": f, "by": "act_type"} for f in forces],
        "act type filter, by force": [{"act_type": a, "by": "force"} for a in act_types],
        "one year, week, by trigger": [
            {"unit": "week", "by": "trigger", "period": str(y)} for y in years
        ],
        "date range, month": [{"date_from": f"{middle}-01-01", "date_to": f"{middle}-06-30"}],
    }


def cache_empty() -> None:
    from django.core.cache import cache

    from casebook.analysis import freshness

    cache.clear()
    if hasattr(freshness, "forget_local"):
        freshness.forget_local()
    else:  # before the per-process copies had a function to forget them
        freshness._local.clear()


def replay(statements: list[str]) -> float:
    """Milliseconds to run these statements on the raw DB-API connection, fetching every row."""
    from django.db import connection

    raw = connection.connection
    started = time.perf_counter()
    cursor = raw.cursor()
    for sql in statements:
        cursor.execute(sql)
        cursor.fetchall()
    cursor.close()
    return (time.perf_counter() - started) * 1000


def captured(client, url: str, params: dict) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    if response.status_code != 200:
        sys.exit(f"{params}: status {response.status_code}")
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(REPLAYED)]


def timed(client, url: str, params: dict) -> float:
    started = time.perf_counter()
    response = client.get(url, params)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        sys.exit(f"{params}: status {response.status_code}")
    return elapsed


def run(kinds: dict[str, list[dict]], *, requests: int, computed: int, console) -> dict:
    from django.urls import reverse

    url = reverse("analysis:statistics")
    client = base.signed_in_client("analyst")
    results: dict[str, dict] = {
        kind: {"computed": [], "cached": [], "floor_computed": [], "floor_cached": []}
        for kind in kinds
    }
    sql: dict[str, tuple[list[str], list[str]]] = {}
    for kind, params in kinds.items():  # warm-up, and the SQL of each kind, both ways
        cache_empty()
        cold = captured(client, url, params[0])
        warm = captured(client, url, params[0])
        sql[kind] = (cold, warm)
        results[kind]["queries"] = (len(cold), len(warm))
    with console.status("Requesting…") as status:
        for number in range(computed):
            status.update(f"Computed: round {number + 1} of {computed}")
            for kind, param_sets in kinds.items():
                cache_empty()
                results[kind]["computed"].append(
                    timed(client, url, param_sets[number % len(param_sets)])
                )
                results[kind]["floor_computed"].append(replay(sql[kind][0]))
        for number in range(requests):
            status.update(f"Cached: round {number + 1} of {requests}")
            for kind, param_sets in kinds.items():
                params = param_sets[number % len(param_sets)]
                if number < len(param_sets):
                    client.get(url, params)  # each parameter set's own first computation
                results[kind]["cached"].append(timed(client, url, params))
                results[kind]["floor_cached"].append(replay(sql[kind][1]))
    return results


def ratio(times: list[float], floor: list[float]) -> str:
    floor_ms = statistics.median(floor)
    return f"{statistics.median(times) / floor_ms:.1f}×" if floor_ms > 0 else "—"


def print_report(results: dict, *, console, title: str) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    columns = [
        "request",
        "queries",
        "computed p50",
        "p95",
        "its SQL",
        "ratio",
        "cached p50",
        "p95",
        "its SQL",
        "ratio",
    ]
    for column in columns:
        table.add_column(column, justify="left" if column == "request" else "right")
    every_cached, every_computed = [], []
    for kind, result in results.items():
        every_cached += result["cached"]
        every_computed += result["computed"]
        computed, cached = result["computed"], result["cached"]
        table.add_row(
            kind,
            "{}/{}".format(*result["queries"]),
            f"{statistics.median(computed):.0f}",
            f"{base.p95(computed):.0f}",
            f"{statistics.median(result['floor_computed']):.1f}",
            ratio(computed, result["floor_computed"]),
            f"{statistics.median(cached):.1f}",
            f"{base.p95(cached):.1f}",
            f"{statistics.median(result['floor_cached']):.1f}",
            ratio(cached, result["floor_cached"]),
        )
    table.add_section()
    table.add_row(
        "overall",
        "",
        f"{statistics.median(every_computed):.0f}",
        f"{base.p95(every_computed):.0f}",
        "",
        "",
        f"{statistics.median(every_cached):.1f}",
        f"{base.p95(every_cached):.1f}",
        "",
        "",
        style="bold",
    )
    console.print(table)
    worst_cached = base.p95(every_cached)
    worst_computed = base.p95(every_computed)
    console.print(
        "Milliseconds per request around the test client's call; queries: computed/cached; "
        '"its SQL": the median time of the same statements replayed on the raw connection, '
        "and the ratio of the request's median to it.\n"
        f"Target p95 under {TARGET_MS:.0f} ms: cached {worst_cached:.1f} ms "
        f"({'within' if worst_cached < TARGET_MS else 'OVER'}), computed {worst_computed:.0f} ms "
        f"({'within' if worst_computed < TARGET_MS else 'over'}: the first request after a "
        "change to the record)."
    )


def main() -> None:
    computed = 5
    if "--computed" in sys.argv:  # the options of bench/incident_list.py, and this one
        at = sys.argv.index("--computed")
        computed = int(sys.argv[at + 1])
        del sys.argv[at : at + 2]
    args = base.parse_args()
    console, description, generated = base.casebook_ready(args, width=160)
    if generated and not args.no_analyze:
        base.analyze()
    from casebook.cases.models import Incident

    incidents = Incident.objects.count()
    console.print(f"{base.machine_line(description)}; {incidents:,} incidents")
    results = run(request_kinds(), requests=args.requests, computed=computed, console=console)
    print_report(results, console=console, title=f"GET /analysis/: {incidents:,} incidents")


if __name__ == "__main__":
    main()
