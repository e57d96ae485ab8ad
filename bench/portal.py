"""How fast the public portal answers a burst of readers: p95 per page, cached and uncached,
and requests per second with concurrent readers.

    .venv/bin/python bench/portal.py --size 100000 --published 10000            # SQLite
    .venv/bin/python bench/portal.py --size 100000 --published 10000 --reuse    # keep the data
    .venv/bin/python bench/portal.py --size 100000 --database-url \\
        postgres://postgres@127.0.0.1:5432/casebook_bench                        # PostgreSQL

The database is built (and reused) as `bench/incident_list.py` builds it, in a folder of its
own (`portal-SIZE-seedN` in the temp folder: the list's bench may drop and rebuild its own
while this one runs). Then up to
`--published` verified incidents get an approved summary redaction and a publication (written
in bulk: the bench times reading, not the coordinators' clicks), and the portal is turned on.
Anonymous readers request the home page, the case list (plain, filtered, searched, deep
pages), case pages, a protest page, the statistics, the map and the feed through Django's
test client: uncached (the portal's cache emptied before every request) and cached, then
`--readers` threads (50 by default) request the same mix for `--seconds` to count requests
per second. The home page, the statistics and the map are also read just after a change
(a withdrawal or a publication through the services, in turns), once the figures' task that
the change started has ended: what a reader meets after a change; the task's own time is
printed apart. Targets from the issue: p95 under 100 ms cached, under 300 ms uncached.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import incident_list as base  # noqa: E402  (the bench next door builds the database)

CACHED_TARGET_MS = 100.0
UNCACHED_TARGET_MS = 300.0


def publish(target: int, console) -> int:
    """Publish up to `target` verified incidents in bulk; returns how many are published."""
    from django.db import transaction
    from django.utils import timezone

    from casebook.cases.models import Incident
    from casebook.publishing.models import PortalSettings, Publication
    from casebook.publishing.services import publication_refresh
    from casebook.redaction.models import RedactedDerivative, sha256_text

    portal = PortalSettings.current()
    portal.enabled, portal.name = True, "Bench watch"
    portal.save()
    have = Publication.objects.count()
    if have >= target:
        return have
    rows = list(
        Incident.objects.filter(status="verified", publication__isnull=True)
        .exclude(summary="")
        .order_by("?")
        .values_list("pk", "summary")[: target - have]
    )
    now = timezone.now()
    with console.status(f"Publishing {len(rows):,} incidents…"), transaction.atomic():
        RedactedDerivative.objects.bulk_create(
            [
                RedactedDerivative(
                    kind="text",
                    field="summary",
                    incident_id=pk,
                    original_sha256=sha256_text(summary),
                    text=summary,  # the bench's stand-in for a reviewed redaction
                    status="approved",
                    proposed_at=now,
                    decided_at=now,
                )
                for pk, summary in rows
            ],
            batch_size=1000,
        )
        Publication.objects.bulk_create(
            [Publication(incident_id=pk, published_at=now, changed_at=now) for pk, _ in rows],
            batch_size=1000,
        )
        # bulk_create sends no signal: fill what the portal's list reads, as publishing does.
        publication_refresh(incident_ids=[pk for pk, _ in rows])
    return Publication.objects.count()


def request_mix(count: int, seed: int) -> dict[str, list[str]]:
    from django.db.models import Count

    from casebook.publishing import listing
    from casebook.publishing.publishable import published_incidents

    rng = random.Random(seed)
    published = published_incidents()
    references = list(published.values_list("reference", flat=True)[:5000])
    protests = list(
        published.exclude(protest__isnull=True)
        .values("protest_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("protest_id", flat=True)[:50]
    )
    forces = list(
        published.values("force__slug")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("force__slug", flat=True)[:6]
    )
    pages = max(1, published.count() // 25)
    places = list(listing.places())[:200]

    def many(make, available: object = True) -> list[str]:
        # A kind the data has nothing for (a tiny casebook: one page, no protest) is left out.
        return [make() for _ in range(count)] if available else []

    mix = {
        "home": ["/"],
        "list": ["/cases/"],
        "list, deep page": many(lambda: f"/cases/?page={rng.randint(2, pages)}", pages > 1),
        "list, force + act type": many(
            lambda: f"/cases/?force={rng.choice(forces)}&act_type=arrest", forces
        ),
        "list, place": many(lambda: f"/cases/?place={quote(rng.choice(places))}", places),
        "list, search": many(lambda: f"/cases/?q={rng.choice(['arrest', 'placard', 'march'])}"),
        "case page": many(lambda: f"/cases/{rng.choice(references)}/", references),
        "protest page": many(lambda: f"/cases/protests/{rng.choice(protests)}/", protests),
        "statistics": ["/statistics/"],
        "map": ["/map/"],
        "feed": ["/feeds/cases.atom"],
    }
    return {kind: urls for kind, urls in mix.items() if urls}


def portal_folder(args) -> Path:
    """The run's data folder, its own per backend: a PostgreSQL run must not wipe (or reuse
    the keys of) the SQLite run's folder. `TMPDIR` moves it somewhere that survives a reboot."""
    if args.database_url:
        name = f"portal-postgres-{urlsplit(args.database_url).path.lstrip('/')}"
    else:
        name = f"portal-{args.size}-seed{args.seed}"
    return Path(tempfile.gettempdir()) / "casebook-bench" / name


class NotAnswered(RuntimeError):
    pass


def timed(client, url: str, cpu: list[float] | None = None) -> float:
    started, cpu_started = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if cpu is not None:
        cpu.append((time.process_time() - cpu_started) * 1000)
    if response.status_code != 200:
        raise NotAnswered(f"{url}: status {response.status_code}")
    if b"The figures are being updated" in response.content:
        raise NotAnswered(f"{url}: figures still being updated after the change's task ended")
    return elapsed


AFTER = "(after a change)"


class Changer:
    """A coordinator's change to what is public, made through the services: one published
    incident withdrawn, then published again, in turns. Without a broker (as here) the
    figures' task runs in the writer's process once the change commits, as on a server
    without Celery; with one it would run on a worker. Either way, a reader coming after the
    task sees what this bench measures; the task's own time is reported apart."""

    def __init__(self) -> None:
        from casebook.cases.models import Incident
        from casebook.publishing.publishable import published_incidents

        reference = published_incidents().order_by("pk").values_list("reference", flat=True)[0]
        self.incident = Incident.objects.get(reference=reference)
        self.published = True
        self.seconds: list[float] = []
        self.cpu: list[float] = []

    def change(self) -> None:
        from casebook.publishing.services import publication_publish, publication_withdraw

        started, cpu = time.perf_counter(), time.process_time()
        if self.published:
            publication_withdraw(incident=self.incident, actor=None)
        else:
            publication_publish(incident=self.incident, actor=None)
        self.published = not self.published
        self.seconds.append(time.perf_counter() - started)
        self.cpu.append(time.process_time() - cpu)

    def restore(self) -> None:
        if not self.published:
            self.change()


def run(
    mix: dict[str, list[str]], rounds: int, *, cold: bool, changer: Changer | None = None
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, list[float]]]:
    """Each kind's times in ms, its CPU time in this process (uncached) and its SQL floor:
    the request's SELECTs replayed on the driver's cursor. Uncached empties Django's cache
    before every request: the page cache and everything else the portal keeps there. The
    kinds marked AFTER come after a change to the publications (one per round, `Changer`)
    and its figures' task: the first readers after a publication or a withdrawal."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    client = Client()
    times: dict[str, list[float]] = {kind: [] for kind in mix}
    cpu: dict[str, list[float]] = {kind: [] for kind in mix}
    floors: dict[str, list[float]] = {kind: [] for kind in mix}
    for urls in mix.values():  # warm-up: every address once, so "cached" is cached
        for url in dict.fromkeys(urls):
            client.get(url)
    plain = [kind for kind in mix if not kind.endswith(AFTER)]
    after = [kind for kind in mix if kind.endswith(AFTER)]
    for group in (plain, after):
        for number in range(rounds):
            if group is after and changer is not None:
                changer.change()
            for kind in group:
                url = mix[kind][number % len(mix[kind])]
                if not cold:
                    times[kind].append(timed(client, url, cpu[kind]))
                    continue
                cache.clear()
                statements: list[tuple[str, object]] = []
                with connection.execute_wrapper(base.recorder(statements)):
                    times[kind].append(timed(client, url, cpu[kind]))
                floors[kind].append(base.replay(connection, statements))
    if changer is not None:
        changer.restore()
    return times, cpu, floors


def throughput(mix: dict[str, list[str]], readers: int, seconds: float) -> tuple[int, float]:
    """Requests answered by `readers` threads in `seconds`, and their p95 in ms."""
    from django.db import connections
    from django.test import Client

    every = [url for urls in mix.values() for url in urls]
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    done: list[float] = []

    failed: list[str] = []

    def reader(number: int) -> None:
        client, rng = Client(), random.Random(number)
        try:
            while time.monotonic() < stop:
                elapsed = timed(client, rng.choice(every))
                with lock:
                    done.append(elapsed)
        except NotAnswered as error:
            failed.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        sys.exit(f"{len(failed)} readers stopped on an error, the first: {failed[0]}")
    return len(done), base.p95(done)


def main() -> None:
    published_target, readers, seconds = 10_000, 50, 20.0
    for flag in ("--published", "--readers", "--seconds"):
        if flag in sys.argv:
            index = sys.argv.index(flag)
            value = sys.argv[index + 1]
            del sys.argv[index : index + 2]
            if flag == "--published":
                published_target = int(value)
            elif flag == "--readers":
                readers = int(value)
            else:
                seconds = float(value)
    args = base.parse_args()
    base.data_folder = portal_folder  # type: ignore[assignment]
    console, description, generated = base.casebook_ready(args)
    from casebook.cases.models import Incident

    published = publish(published_target, console)
    with console.status("Refreshing every publication's kept values, as publishing does…"):
        # A database published by an earlier version of Casebook gets what publishing now
        # keeps (the machine's redaction of publishers and protest names, the figures).
        from casebook.publishing.models import Publication
        from casebook.publishing.services import publication_refresh

        publication_refresh(
            incident_ids=list(Publication.objects.values_list("incident_id", flat=True))
        )
    # Planner statistics after the publications (and any migration of their table) too: the
    # portal reads that table first, as a database in use would have analysed it.
    if not args.no_analyze:
        base.analyze()

    incidents = Incident.objects.count()
    console.print(
        f"{base.machine_line(description)}; {incidents:,} incidents, {published:,} published"
    )
    mix = request_mix(args.requests, args.seed)
    # The pages drawn from the kept figures, read by the first readers after a change.
    for kind in ("home", "statistics", "map"):
        mix[f"{kind} {AFTER}"] = mix[kind]
    changer = Changer()
    load_before, cpu_before = os.getloadavg()[0], time.process_time()
    with console.status("Requesting, uncached…"):
        cold, cpu, floors = run(mix, args.requests, cold=True, changer=changer)
    with console.status("Requesting, cached…"):
        warm, warm_cpu, _ = run(mix, args.requests, cold=False)
    report(
        mix,
        (cold, cpu, floors),
        (warm, warm_cpu),
        console=console,
        title=f"{published:,} of {incidents:,}",
    )
    console.print(
        f"Each change (a withdrawal or a publication, {len(changer.seconds)} in turns) and its "
        "figures' task, in the writer's process: p50 "
        f"{statistics.median(changer.seconds):.2f} s wall, "
        f"{statistics.median(changer.cpu):.2f} s CPU; no reader waited for it. Load average "
        f"{load_before:.1f} before the requests, {os.getloadavg()[0]:.1f} after; this process's "
        f"CPU for both rounds {time.process_time() - cpu_before:.1f} s."
    )
    with console.status(f"{readers} readers for {seconds:.0f} s…"):
        answered, burst_p95 = throughput(mix, readers, seconds)
    every_cold = [t for times in cold.values() for t in times]
    every_warm = [t for times in warm.values() for t in times]
    warm_p95, cold_p95 = base.p95(every_warm), base.p95(every_cold)
    console.print(
        f"Cached p95 {warm_p95:.1f} ms against the target of {CACHED_TARGET_MS:.0f} ms "
        f"(ratio {warm_p95 / CACHED_TARGET_MS:.2f}); uncached p95 {cold_p95:.1f} ms against "
        f"{UNCACHED_TARGET_MS:.0f} ms (ratio {cold_p95 / UNCACHED_TARGET_MS:.2f}); uncached "
        f"CPU p95 {base.p95([t for times in cpu.values() for t in times]):.1f} ms in this "
        "process (on a loaded machine, wall time is mostly waiting for a core).\n"
        f"{readers} concurrent readers, {seconds:.0f} s, one process: {answered:,} requests, "
        f"{answered / seconds:.0f} per second, p95 {burst_p95:.0f} ms (threads share the GIL "
        "and the test client: a floor for one waitress process, not a ceiling)."
    )


def report(mix, uncached, cached, *, console, title: str) -> None:
    cold, cpu, floors = uncached
    warm, warm_cpu = cached
    from rich.table import Table

    table = Table(title=f"Anonymous readers: {title} published", title_justify="left")
    columns = (
        "page",
        "uncached p50",
        "uncached p95",
        "CPU p50",
        "CPU p95",
        "SQL floor p50",
        "ratio",
        "cached p50",
        "cached p95",
        "cached CPU p50",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "page" else "right")

    def row(label: str, cold_times, cpu_times, floor_times, warm_times, warm_cpu_times, **style):
        median, floor = statistics.median(cold_times), statistics.median(floor_times)
        table.add_row(
            label,
            f"{median:.1f}",
            f"{base.p95(cold_times):.1f}",
            f"{statistics.median(cpu_times):.1f}",
            f"{base.p95(cpu_times):.1f}",
            f"{floor:.1f}",
            f"{median / max(floor, 0.001):.1f}×",
            f"{statistics.median(warm_times):.1f}",
            f"{base.p95(warm_times):.1f}",
            f"{statistics.median(warm_cpu_times):.1f}",
            **style,
        )

    for kind in mix:
        row(kind, cold[kind], cpu[kind], floors[kind], warm[kind], warm_cpu[kind])
    table.add_section()
    row(
        "overall",
        [t for times in cold.values() for t in times],
        [t for times in cpu.values() for t in times],
        [t for times in floors.values() for t in times],
        [t for times in warm.values() for t in times],
        [t for times in warm_cpu.values() for t in times],
        style="bold",
    )
    console.print(table)
    console.print(
        "Milliseconds per request through the test client. Uncached: Django's whole cache "
        "emptied before each request (pages and anything else kept there); the figures kept in "
        "the database stay, as the background left them. The kinds "
        f"{AFTER} are read just after a withdrawal or a publication, once its figures' task "
        "has ended: what a reader meets after a change. CPU: this process's CPU time per "
        "request, uncached and cached (the database server's own is not counted on "
        "PostgreSQL). SQL floor: the request's SELECTs replayed on the driver's cursor, rows "
        "fetched; ratio: uncached median over it."
    )


if __name__ == "__main__":
    main()
