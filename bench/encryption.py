"""What sealing people's details costs: pages and generation, sealed build vs plain build.

    .venv/bin/python bench/encryption.py --size 100000              # SQLite, temp folder
    .venv/bin/python bench/encryption.py --size 100000 --reuse      # keep the two databases

Builds two databases of `--size` synthetic incidents with the sample generator: one as
Casebook is (every person's details sealed with their own data key, keys in the keyring,
search through the blind index) and one from a "plain build", where this script, in its own
process only, replaces the sealing with pass-through (plain text columns, no keyring, name
search by `icontains`). Casebook itself has no switch to turn encryption off. Each build is
run in a child process that times, through Django's test client signed in as a coordinator:
the incident list (the issue's target: under 10% slower than without encryption), an
incident page with its people, the people list, a people search and a person page, plus
opening all details of 1,000 people and the generation itself. The parent prints both side
by side with the difference.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="incidents to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=25, help="requests per kind")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="timing rounds, alternating the two builds (evens out the load of other processes)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep databases between runs")
    parser.add_argument("--mode", choices=["sealed", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--phase", choices=["build", "time"], help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    return parser.parse_args()


# --- The plain build (this process only) ---------------------------------------------------


def make_plain() -> None:
    """Replace sealing with pass-through, as if the columns were ordinary text."""
    import datetime as dt

    from django.db import models

    from casebook.people import views
    from casebook.people.keys import fields
    from casebook.people.models import Person, PersonQuerySet

    def pre_save(self, instance, add):
        value = getattr(instance, self.attname)
        if isinstance(self, fields.EncryptedDateField):
            return value.isoformat() if value else None
        return "" if value is None else value

    def from_db(cls, db, field_names, values):
        instance = models.Model.from_db.__func__(cls, db, field_names, values)
        born = instance.__dict__.get("date_of_birth")
        if isinstance(born, str):
            instance.__dict__["date_of_birth"] = dt.date.fromisoformat(born)
        return instance

    fields.EncryptedMixin.pre_save = pre_save
    fields.EncryptedMixin.get_prep_value = lambda self, value: value
    fields.BlindIndexField.pre_save = lambda self, instance, add: ""
    Person.from_db = classmethod(from_db)
    PersonQuerySet.search = lambda self, query: self.filter(full_name__icontains=query)
    views.preload_data_keys = lambda people: None


# --- One build ----------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> tuple[Path, bool]:
    folder = (
        Path(tempfile.gettempdir())
        / "casebook-bench"
        / (f"encryption-{args.mode}-{args.size}-seed{args.seed}")
    )
    for name in (
        "CASEBOOK_KEYRING_PATH",
        "CASEBOOK_MASTER_KEY_FILE",
        "CASEBOOK_MASTER_KEY",
        "DATABASE_URL",
    ):
        os.environ.pop(name, None)  # never a real casebook's keys or database
    os.environ["CASEBOOK_DATA_DIR"] = str(folder)
    os.environ.setdefault("CASEBOOK_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    os.environ["CASEBOOK_ALLOWED_HOSTS"] = "testserver"
    os.environ["CASEBOOK_REQUIRE_TWO_FACTOR"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "casebook.settings"
    os.environ.pop("CASEBOOK_DEBUG", None)
    database = folder / "casebook.sqlite3"
    reuse = (
        (args.reuse or args.phase == "time")
        and database.exists()
        and (folder / "complete").exists()
    )
    if not reuse:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder, not reuse


def timed(client, method: str, url: str, data: dict | None = None) -> float:
    started = time.perf_counter()
    response = getattr(client, method)(url, data or {})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{method.upper()} {url} answered {response.status_code}")
    return elapsed


def run_build(args: argparse.Namespace) -> dict:
    folder, needs_data = prepare(args)
    import django

    django.setup()
    if args.mode == "plain":
        make_plain()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from casebook.accounts.models import User
    from casebook.cases.models import Incident
    from casebook.installation.bootstrap import bootstrap_reference_data
    from casebook.people.models import Person
    from casebook.sample.generator import sample_generate

    result: dict = {"mode": args.mode, "generation_s": None}
    call_command("migrate", interactive=False, verbosity=0)
    if needs_data:
        bootstrap_reference_data()
        report = sample_generate(size=args.size, seed=args.seed)
        result["generation_s"] = report.seconds
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        (folder / "complete").touch()
    result["people"] = Person.objects.count()
    if args.phase == "build":
        return result

    user, _ = User.objects.get_or_create(username="bench-coordinator")
    user.groups.add(Group.objects.get(name="coordinator"))
    client = Client()
    client.force_login(user)
    rng = random.Random(args.seed)
    n = args.requests
    with_people = list(
        Incident.objects.annotate(p=Count("acts__involvements"))
        .filter(p__gte=2)
        .order_by("id")
        .values_list("reference", flat=True)[:n]
    )
    people = list(Person.objects.order_by("id")[: n * 10])
    named = [p for p in people if p.full_name.split()]  # some people are known by no name
    surnames = [p.full_name.split()[-1] for p in rng.sample(named, min(n, len(named)))]
    references = [p.reference for p in people[:n]]
    kinds = {
        "incident list": lambda i: timed(client, "get", "/incidents/"),
        "incident list, page 50": lambda i: timed(client, "get", "/incidents/", {"page": 50}),
        "incident list, search": lambda i: timed(client, "get", "/incidents/", {"q": "police"}),
        "incident page with people": lambda i: timed(
            client, "get", f"/incidents/{with_people[i % len(with_people)]}/"
        ),
        "people list": lambda i: timed(client, "get", "/people/"),
        "people list, page 100": lambda i: timed(client, "get", "/people/", {"page": 100}),
        "people search (surname)": lambda i: timed(
            client, "post", "/people/", {"q": surnames[i % len(surnames)]}
        ),
        "person page": lambda i: timed(
            client, "get", f"/people/{references[i % len(references)]}/"
        ),
    }
    for run in kinds.values():  # warm-up
        run(0)
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for i in range(n):
        for kind, run in kinds.items():
            times[kind].append(run(i))
    result["requests"] = times

    # Opening every personal field of 1,000 people, loaded afresh each round.
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        batch = list(Person.objects.order_by("id")[:1000])
        for person in batch:
            for name in Person.PERSONAL_FIELDS:
                getattr(person, name)
        rounds.append((time.perf_counter() - started) * 1000)
    result["open_1000_ms"] = statistics.median(rounds)
    return result


# --- The comparison -----------------------------------------------------------------------


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    args = parse_args()
    if args.mode:
        result = run_build(args)
        Path(args.output).write_text(json.dumps(result))
        return

    def child(mode: str, phase: str) -> dict:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            output = handle.name
        command = [
            sys.executable,
            __file__,
            "--mode",
            mode,
            "--phase",
            phase,
            "--output",
            output,
            "--size",
            str(args.size),
            "--seed",
            str(args.seed),
            "--requests",
            str(args.requests),
        ] + (["--reuse"] if args.reuse else [])
        subprocess.run(command, check=True)
        result = json.loads(Path(output).read_text())
        os.unlink(output)
        return result

    results = {}
    for mode in ("plain", "sealed"):
        print(f"Building the {mode} build ({args.size:,} incidents)…", flush=True)
        results[mode] = child(mode, "build")
        results[mode]["requests"] = {}
        results[mode]["open_1000_ms"] = []
    for round_number in range(args.rounds):
        for mode in ("plain", "sealed") if round_number % 2 == 0 else ("sealed", "plain"):
            print(f"Timing round {round_number + 1}: {mode}", flush=True)
            timing = child(mode, "time")
            for kind, times in timing["requests"].items():
                results[mode]["requests"].setdefault(kind, []).extend(times)
            results[mode]["open_1000_ms"].append(timing["open_1000_ms"])
    for mode in results:
        results[mode]["open_1000_ms"] = statistics.median(results[mode]["open_1000_ms"])
    plain, sealed = results["plain"], results["sealed"]
    print(
        f"\n{args.size:,} incidents, {sealed['people']:,} people; {args.requests} requests "
        f"per kind in each of {args.rounds} alternating rounds; milliseconds per request "
        "(median / p95), through Django's test client."
    )
    print("Best: the fastest request of each kind, the least disturbed by other processes.")
    print(f"{'':28} {'plain':>17} {'sealed':>17} {'median +/-':>11} {'best':>13} {'+/-':>7}")
    for kind, plain_times in plain["requests"].items():
        sealed_times = sealed["requests"][kind]
        a, b = statistics.median(plain_times), statistics.median(sealed_times)
        low_a, low_b = min(plain_times), min(sealed_times)
        print(
            f"{kind:28} {a:8.1f} / {p95(plain_times):6.1f} {b:8.1f} / "
            f"{p95(sealed_times):6.1f} {100 * (b - a) / a:+10.1f}% "
            f"{low_a:6.1f}/{low_b:6.1f} {100 * (low_b - low_a) / low_a:+6.1f}%"
        )
    a, b = plain["open_1000_ms"], sealed["open_1000_ms"]
    print(f"{'open 1,000 people (ms)':28} {a:17.1f} {b:17.1f} {100 * (b - a) / a:+10.1f}%")
    if plain["generation_s"] and sealed["generation_s"]:
        a, b = plain["generation_s"], sealed["generation_s"]
        print(f"{'generation (s)':28} {a:17.1f} {b:17.1f} {100 * (b - a) / a:+10.1f}%")


if __name__ == "__main__":
    main()
