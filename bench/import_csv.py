"""How long a bulk CSV import, its re-import and an export take; prints figures.

    .venv/bin/python bench/import_csv.py --rows 100000            # SQLite in a temp folder
    DATABASE_URL=postgres://… .venv/bin/python bench/import_csv.py  # a scratch PostgreSQL db

The file is synthetic: invented titles and places, two acts per incident (two rows), one
news source per incident, forces and provisions drawn from the codebook. The database is
created empty for the run (SQLite) or must be a scratch database (PostgreSQL): it is flushed.
Each step prints its wall time and this process's CPU time: on a busy machine the first also
measures the neighbours. The import is printed beside its floor: reading the file with
`csv.reader` plus every row it wrote (all tables, audit entries and search index included)
deleted and inserted again with a raw `executemany` on the driver's own cursor, in a
transaction that is rolled back, as a ratio of CPU seconds (on PostgreSQL the server's CPU is
in neither figure). `--memory 10000,100000` then imports files of those sizes in fresh
processes and prints each one's peak memory beyond what it held before the import, to show
whether it grows with the file. On SQLite that includes the connection's page cache, which
fills as the database grows up to its bound (`cache_size`, printed beside it).
Targets (issue 15): within 3x of the floor in CPU; memory that does not grow with the file.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path


def synthetic_csv(rows: int, seed: int) -> bytes:
    from casebook.codebook.models import LegalProvision, Organisation

    rng = random.Random(seed)
    forces = list(Organisation.objects.values_list("name", flat=True))
    provisions = list(LegalProvision.objects.exclude(section="").values_list("citation", flat=True))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "incident_id",
            "title",
            "summary",
            "date",
            "place",
            "force",
            "act_type",
            "number_affected",
            "legal_provision",
            "trigger_type",
            "trigger_wording",
            "outcome",
            "source_url",
            "source_title",
            "source_publisher",
        ]
    )
    for n in range(rows):
        incident = n // 2
        rng_date = f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        first = n % 2 == 0
        writer.writerow(
            [
                f"bench-{incident}",
                f"Invented incident {incident} at Testford" if first else "",
                "Officers acted against invented protesters." if first else "",
                rng_date if first else "",
                f"Testplace {incident % 500}" if first else "",
                rng.choice(forces) if first else "",
                "arrest" if first else rng.choice(["seizure", "dispersal", "stop_search"]),
                rng.randint(1, 30),
                rng.choice(provisions),
                rng.choice(["placard", "flag", "chant", "online_post"]),
                f"INVENTED SLOGAN {rng.randint(1, 999)}",
                rng.choice(["charged", "released", "bailed", ""]),
                f"https://news.example.test/story/{incident}" if first else "",
                f"Invented report {incident}" if first else "",
                "The Example Gazette" if first else "",
            ]
        )
    return out.getvalue().encode()


class OtherWriter(threading.Thread):
    """Another writer on the same SQLite file while an import runs: every 0.2 s it takes the
    write lock (BEGIN IMMEDIATE … COMMIT) and notes how long it waited for it. Its busy timeout
    is long, so it measures the wait instead of failing after Casebook's 5 s."""

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.path, self.waits, self.done = path, [], threading.Event()

    def run(self) -> None:
        import sqlite3

        connection = sqlite3.connect(self.path, timeout=600, isolation_level=None)
        while not self.done.is_set():
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("COMMIT")
            self.waits.append(time.perf_counter() - started)
            self.done.wait(0.2)
        connection.close()

    def summary(self) -> str:
        waits = sorted(self.waits)
        if not waits:
            return "other writer: no attempts"
        over_5s = sum(1 for w in waits if w > 5)
        return (
            f"other writer during the import: {len(waits)} writes, longest wait "
            f"{waits[-1]:.2f}s, median {waits[len(waits) // 2] * 1000:.0f} ms, "
            f"{over_5s} past the 5 s busy timeout (a web request would fail)"
        )


def _new_rows_since(before: dict) -> dict:
    """Every row of every table written since `before` (the highest key of each model)."""
    from django.db import connection

    found = {}
    for model, highest in before.items():
        fields = model._meta.local_concrete_fields
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(quote(f.column) for f in fields)} "  # noqa: S608
                f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} > %s "
                f"ORDER BY {quote(model._meta.pk.column)}",
                [highest],
            )
            rows = cursor.fetchall()
        if rows:
            found[model] = rows
    return found


def highest_keys() -> dict:
    from django.apps import apps
    from django.db import connection, models
    from django.db.models import Max

    def numbered(model) -> bool:
        # Tables keyed by a number only (a session's key is text; nothing imported is).
        key = model._meta.pk
        key = key.target_field if key.is_relation else key
        return isinstance(key, models.AutoField | models.BigAutoField | models.IntegerField)

    tables = set(connection.introspection.table_names())
    return {
        model: model.objects.aggregate(top=Max("pk"))["top"] or 0
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.db_table in tables
        and numbered(model)
    }


def floor_cpu(before: dict) -> tuple[float, int]:
    """CPU seconds to insert the rows written since `before` with a raw executemany.

    In one transaction, rolled back: the rows are deleted (not timed), then inserted again
    table by table (parents first, as the import wrote them) on the driver's cursor."""
    from django.db import connection, transaction

    written = _new_rows_since(before)
    quote = connection.ops.quote_name
    mark = "?" if connection.vendor == "sqlite" else "%s"
    total = sum(len(rows) for rows in written.values())
    with transaction.atomic():
        raw = connection.connection.cursor()
        for model in reversed(list(written)):
            raw.execute(
                f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608
                f"WHERE {quote(model._meta.pk.column)} > {before[model]}"
            )
        cpu = time.process_time()
        for model, rows in written.items():
            fields = model._meta.local_concrete_fields
            raw.executemany(
                f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
                f"({', '.join(quote(f.column) for f in fields)}) "
                f"VALUES ({', '.join([mark] * len(fields))})",
                rows,
            )
        cpu = time.process_time() - cpu
        transaction.set_rollback(True)
    return cpu, total


def peak_memory_child(rows: int, seed: int) -> None:
    """In a fresh process: import a file of `rows` rows, print the peak memory it added."""
    setup()
    from casebook.transfer.services import incidents_import

    path = os.path.join(os.environ["CASEBOOK_DATA_DIR"], "bench.csv")
    with open(path, "wb") as out:
        out.write(synthetic_csv(rows, seed))
    import gc

    gc.collect()
    # getrusage's peak is inherited from the parent across exec on Linux: the kernel's own
    # high-water mark of this process, reset here (clear_refs 5), is what was used.
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kb("VmHWM")
    with open(path, "rb") as file:
        report = incidents_import(file=file, actor=None)
    assert report.ok, report.problems[:3]
    print(f"{rows} {before / 1024:.0f} {_status_kb('VmHWM') / 1024:.0f} {_page_cache_mb():.0f}")


def _page_cache_mb() -> float:
    """How much SQLite's page cache (the connection's `cache_size`) may hold; 0 elsewhere.

    It fills as the database grows, up to this bound, whatever the import: on SQLite the
    peak grows with the file until the cache is full, then stays."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        size = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        page = cursor.fetchone()[0]
    return -size / 1024 if size < 0 else size * page / 1024 / 1024


def _status_kb(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise LookupError(name)


def setup() -> None:
    os.environ.setdefault("CASEBOOK_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    os.environ.setdefault("CASEBOOK_DATA_DIR", tempfile.mkdtemp(prefix="casebook-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebook.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from casebook.installation.bootstrap import bootstrap_reference_data

    call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    bootstrap_reference_data()


def peak_memory(sizes: list[int], seed: int) -> None:
    import subprocess

    print("peak memory of an import, each in a fresh process (beyond what it held before):")
    for rows in sizes:
        env = dict(os.environ)
        env.pop("CASEBOOK_DATA_DIR", None)
        out = subprocess.run(
            [sys.executable, __file__, "--peak-child", str(rows), "--seed", str(seed)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        before, peak, cache = int(out[-3]), int(out[-2]), int(out[-1])
        print(
            f"  {rows:>10,} rows: {peak - before:6,} MB (peak {peak:,} MB, {before:,} MB before"
            + (f"; SQLite's page cache may hold up to {cache:,} MB of it)" if cache else ")")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--memory", default="", help="sizes to measure peak memory at, e.g. 10000,100000"
    )
    parser.add_argument(
        "--import-only", action="store_true", help="skip the re-import, dry run and exports"
    )
    parser.add_argument("--peak-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak_child:
        peak_memory_child(args.peak_child, args.seed)
        return

    setup()
    from django.db import connection

    from casebook.cases.models import Act, Incident
    from casebook.transfer.services import incidents_export, incidents_import

    data = synthetic_csv(args.rows, args.seed)
    print(f"backend {connection.vendor}; file {len(data) / 1e6:.1f} MB, {args.rows:,} rows")

    print(f"{'':<30} {'wall':>8}  {'CPU':>8}  {'rows/s (wall)':>14}")

    def timed(label: str, work):
        # CPU time beside wall time: on a busy machine the wall time also measures the
        # neighbours, the CPU time only this process.
        started, cpu = time.perf_counter(), time.process_time()
        result = work()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{label:<30} {elapsed:7.1f}s  {cpu:7.1f}s  {args.rows / elapsed:14,.0f}")
        return result

    other = (
        OtherWriter(str(connection.settings_dict["NAME"]))
        if connection.vendor == "sqlite"
        else None
    )
    if other is not None:
        other.start()
    before = highest_keys()
    started = time.process_time()
    report = timed("import (new incidents)", lambda: incidents_import(file=data, actor=None))
    import_cpu = time.process_time() - started
    if other is not None:
        other.done.set()
        other.join()
        print(f"  {other.summary()}")
    assert report.ok, report.problems[:3]
    floor, written = floor_cpu(before)
    reading = time.process_time()
    for _row in csv.reader(io.StringIO(data.decode())):
        pass
    reading = time.process_time() - reading
    print(
        f"  floor: reading the file with csv.reader {reading:.1f}s + the same {written:,} rows "
        f"by raw executemany {floor:.1f}s = {reading + floor:.1f}s CPU; "
        f"import {import_cpu:.1f}s CPU = {import_cpu / (reading + floor):.1f}x the floor"
    )
    print(
        f"  {report.summary}  incidents {Incident.objects.count():,}, acts {Act.objects.count():,}"
    )
    if not args.import_only:
        again = timed(
            "re-import (nothing changed)", lambda: incidents_import(file=data, actor=None)
        )
        print(f"  {again.summary}")
        timed("dry run", lambda: incidents_import(file=data, actor=None, dry_run=True))
        out = io.StringIO()
        timed("export CSV", lambda: incidents_export(stream=out, actor=None, format="csv"))
        out = io.StringIO()
        timed("export JSON", lambda: incidents_export(stream=out, actor=None, format="json"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB; load average {os.getloadavg()[0]:.1f}")
    if args.memory:
        peak_memory([int(size) for size in args.memory.split(",")], args.seed)


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    main()
