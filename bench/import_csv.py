"""How long a bulk CSV import, its re-import and an export take; prints figures.

    .venv/bin/python bench/import_csv.py --rows 100000            # SQLite in a temp folder
    DATABASE_URL=postgres://… .venv/bin/python bench/import_csv.py  # a scratch PostgreSQL db

The file is synthetic: invented titles and places, two acts per incident (two rows), one
news source per incident, forces and provisions drawn from the codebook. The database is
created empty for the run (SQLite) or must be a scratch database (PostgreSQL): it is flushed.
Each step prints its wall time and this process's CPU time: on a busy machine the first also
measures the neighbours. The issue's target is the first line at 100,000 rows on SQLite:
under 60 s.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    os.environ.setdefault("CASEBOOK_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    os.environ.setdefault("CASEBOOK_DATA_DIR", tempfile.mkdtemp(prefix="casebook-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebook.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from casebook.cases.models import Act, Incident
    from casebook.installation.bootstrap import bootstrap_reference_data
    from casebook.transfer.services import incidents_export, incidents_import

    call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    bootstrap_reference_data()

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
    report = timed("import (new incidents)", lambda: incidents_import(file=data, actor=None))
    if other is not None:
        other.done.set()
        other.join()
        print(f"  {other.summary()}")
    assert report.ok, report.problems[:3]
    print(
        f"  {report.summary}  incidents {Incident.objects.count():,}, acts {Act.objects.count():,}"
    )
    report = timed("re-import (nothing changed)", lambda: incidents_import(file=data, actor=None))
    print(f"  {report.summary}")
    timed("dry run", lambda: incidents_import(file=data, actor=None, dry_run=True))
    out = io.StringIO()
    timed("export CSV", lambda: incidents_export(stream=out, actor=None, format="csv"))
    out = io.StringIO()
    timed("export JSON", lambda: incidents_export(stream=out, actor=None, format="json"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    main()
