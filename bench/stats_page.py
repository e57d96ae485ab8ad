"""How fast the statistics page answers at scale: median and p95 per kind of request.

    .venv/bin/python bench/stats_page.py --size 100000            # SQLite, temp folder
    .venv/bin/python bench/stats_page.py --size 100000 --reuse    # keep the data
    .venv/bin/python bench/stats_page.py --size 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/casebook_bench   # PostgreSQL

The database is built (and reused) exactly as `bench/incident_list.py` builds it: the same
folder, the same sample generator and seed, so a database made by either serves both.
Signed in as an analyst, it sends each kind of request to /analysis/ `--requests` times,
interleaved, after one warm-up round, and prints median and p95 server time beside the
floor the issue sets (p95 under 150 ms for counts and breakdowns), as a second visitor
sees it (figures cached until the record changes), beside the time of the first request of
each kind, which computes every figure from the database. `--cold` also times every request
with the cache emptied first (slow: seconds a request at 100,000 incidents).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import incident_list as base  # noqa: E402  (the bench next door builds the database)

FLOOR_MS = 150.0


def request_kinds(n: int) -> dict[str, list[dict]]:
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

    def cycle(values: list) -> list:
        return [values[i % len(values)] for i in range(n)]

    kinds = {
        "month, no filter": [{}],
        "week, no filter": [{"unit": "week"}],
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
    }
    return {kind: cycle(params) for kind, params in kinds.items()}


def run(
    kinds: dict[str, list[dict]], *, cold: bool, console, first: dict | None = None
) -> dict[str, list[float]]:
    from django.core.cache import cache
    from django.urls import reverse

    from casebook.analysis import freshness

    url = reverse("analysis:statistics")
    client = base.signed_in_client()
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for kind, params in kinds.items():  # warm-up: the first request computes the figures
        started = time.perf_counter()
        client.get(url, params[0])
        if first is not None:
            first[kind] = (time.perf_counter() - started) * 1000
    rounds = max(len(p) for p in kinds.values())
    label = "cold" if cold else "cached"
    with console.status(f"Requesting ({label})…") as status:
        for number in range(rounds):
            status.update(f"Requesting ({label}): round {number + 1} of {rounds}")
            for kind, param_sets in kinds.items():
                if cold:
                    cache.clear()
                    freshness._local.clear()
                started = time.perf_counter()
                response = client.get(url, param_sets[number % len(param_sets)])
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    sys.exit(f"{kind}: status {response.status_code}")
                times[kind].append(elapsed)
    return times


def main() -> None:
    cold_too = "--cold" in sys.argv
    if cold_too:
        sys.argv.remove("--cold")
    args = base.parse_args()
    os.environ.setdefault("CASEBOOK_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    os.environ["CASEBOOK_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "casebook.settings"
    os.environ.pop("CASEBOOK_DEBUG", None)
    description, needs_data = base.prepare_database(args)

    import django
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=150)
    django.setup()
    from django.core.management import call_command

    from casebook.cases.models import Incident
    from casebook.installation.bootstrap import bootstrap_reference_data

    call_command("migrate", interactive=False, verbosity=0)
    bootstrap_reference_data()
    if needs_data:
        base.load(args, console)
        if not args.no_analyze:
            base.analyze()
    incidents = Incident.objects.count()
    console.print(
        f"{description}, Python {platform.python_version()}, Django {django.get_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {incidents:,} incidents"
    )
    kinds = request_kinds(args.requests)
    from django.core.cache import cache

    cache.clear()
    first: dict[str, float] = {}
    warm = run(kinds, cold=False, console=console, first=first)
    cold = run(kinds, cold=True, console=console) if cold_too else {}
    table = Table(title=f"GET /analysis/: {incidents:,} incidents", title_justify="left")
    columns = ["request", "first (computed)", "cached median", "cached p95"]
    if cold:
        columns += ["cold median", "cold p95"]
    for column in columns:
        table.add_column(column, justify="left" if column == "request" else "right")
    for kind in kinds:
        cells = [
            f"{first[kind]:.0f}",
            f"{statistics.median(warm[kind]):.1f}",
            f"{base.p95(warm[kind]):.1f}",
        ]
        if cold:
            cells += [f"{statistics.median(cold[kind]):.0f}", f"{base.p95(cold[kind]):.0f}"]
        table.add_row(kind, *cells)
    every_warm = [t for times in warm.values() for t in times]
    table.add_section()
    table.add_row(
        "overall",
        f"{statistics.median(first.values()):.0f}",
        f"{statistics.median(every_warm):.1f}",
        f"{base.p95(every_warm):.1f}",
        style="bold",
    )
    console.print(table)
    console.print(
        f"Floor: p95 under {FLOOR_MS:.0f} ms; cached p95 {base.p95(every_warm):.1f} ms "
        f"({'within' if base.p95(every_warm) < FLOOR_MS else 'OVER'} the floor). The first "
        f"request of a kind took {max(first.values()):,.0f} ms at most (median "
        f"{statistics.median(first.values()):,.0f} ms): milliseconds per request, around the "
        "test client's call."
    )


if __name__ == "__main__":
    main()
