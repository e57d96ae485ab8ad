"""How long an open data release of 10,000 published incidents and an evidence bundle with
1 GB of evidence take, and how much memory each needs; prints figures beside their floors.

    .venv/bin/python bench/release_bundle.py                         # 10,000 incidents, 1 GB
    .venv/bin/python bench/release_bundle.py --incidents 2000 --evidence-mb 200

Everything is made in a temp folder (SQLite, evidence storage, keys): 10,000 synthetic
incidents imported with `casebook import`'s service, each verified, with an approved summary
redaction and published, and one incident with `--files` evidence files of random bytes
adding up to `--evidence-mb` (stored directly in the vault with their hashes: adding is not
what is measured). The release and the bundle each run in a process of their own, so each
peak resident memory (ru_maxrss) is its own. Floors: a release within 60 s and 1 GB; a
bundle at 50 MB/s or more within 300 MB however large the evidence (files are streamed).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RELEASE_SECONDS, RELEASE_MB = 60.0, 1024.0
BUNDLE_MB_PER_S, BUNDLE_MB = 50.0, 300.0


def _django(data_dir: str) -> None:
    os.environ.setdefault("CASEBOOK_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    os.environ["CASEBOOK_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebook.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(data_dir: str, incidents: int, evidence_mb: int, files: int) -> None:
    _django(data_dir)
    import csv

    from django.core.management import call_command
    from django.utils import timezone

    from casebook.cases.models import Incident, IncidentStatus
    from casebook.codebook.models import Organisation
    from casebook.installation.bootstrap import bootstrap_reference_data
    from casebook.publishing.models import Publication
    from casebook.redaction.models import RedactedDerivative, sha256_text
    from casebook.sources.evidence.storage import evidence_storage
    from casebook.sources.models import EvidenceFile
    from casebook.sources.models.evidence import blob_name
    from casebook.transfer.services import incidents_import

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    bootstrap_reference_data()
    forces = list(Organisation.objects.values_list("name", flat=True))[:40]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["incident_id", "title", "summary", "date", "place", "force", "act_type"])
    kinds = ["arrest", "seizure", "dispersal", "stop_search", "charge"]
    for n in range(incidents):
        writer.writerow(
            [
                f"bench-{n}",
                f"Invented incident {n}",
                f"Officers acted against invented protesters, case {n}.",
                f"20{18 + n % 8}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                f"Testplace {n % 300}, Testshire",
                forces[n % len(forces)],
                kinds[n % len(kinds)],
            ]
        )
    report = incidents_import(file=out.getvalue().encode(), actor=None)
    assert report.ok, report.problems[:3]
    Incident.objects.update(status=IncidentStatus.VERIFIED)
    now = timezone.now()
    rows = list(Incident.objects.values_list("pk", "summary"))
    RedactedDerivative.objects.bulk_create(
        [
            RedactedDerivative(
                kind="text",
                field="summary",
                incident_id=pk,
                original_sha256=sha256_text(summary),
                text=summary,
                status="approved",
                proposed_at=now,
                decided_at=now,
            )
            for pk, summary in rows
        ],
        batch_size=2000,
    )
    Publication.objects.bulk_create(
        [Publication(incident_id=pk) for pk, _ in rows], batch_size=2000
    )
    # The bundle's incident: random bytes (incompressible, like video) straight into the vault.
    target = Incident.objects.order_by("pk").first()
    storage = evidence_storage()
    each = evidence_mb * (1 << 20) // files
    for number in range(files):
        digest, temporary = hashlib.sha256(), Path(data_dir) / f"blob-{number}"
        with temporary.open("wb") as handle:
            left = each
            while left:
                chunk = os.urandom(min(left, 1 << 20))
                digest.update(chunk)
                handle.write(chunk)
                left -= len(chunk)
        sha256 = digest.hexdigest()
        with temporary.open("rb") as handle:
            storage.save(blob_name(sha256), handle)
        temporary.unlink()
        EvidenceFile.objects.create(
            sha256=sha256,
            size=each,
            media_type="video/mp4",
            storage_name=blob_name(sha256),
            incident=target,
        )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"setup: {incidents:,} published incidents, {files} evidence files of "
        f"{each / (1 << 20):,.0f} MB on {target.reference} in {time.perf_counter() - started:.0f}s"
    )


def release(data_dir: str) -> None:
    _django(data_dir)
    from casebook.releases.services import release_write

    started, cpu = time.perf_counter(), time.process_time()
    written = release_write(folder=Path(data_dir) / "release", actor=None)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    size = sum(path.stat().st_size for path in written.folder.iterdir()) / 1e6
    peak = _peak_mb()
    print(
        f"release: {written.release.incident_count:,} incidents, {size:,.1f} MB of files in "
        f"{wall:.1f}s wall ({cpu:.1f}s CPU), {written.release.incident_count / wall:,.0f} "
        f"incidents/s; peak {peak:,.0f} MB"
    )
    print(
        f"  floors: {RELEASE_SECONDS:.0f} s -> {wall / RELEASE_SECONDS:.2f} of it; "
        f"{RELEASE_MB:.0f} MB -> {peak / RELEASE_MB:.2f} of it"
    )


def bundle(data_dir: str) -> None:
    _django(data_dir)
    from casebook.bundles.services import bundle_make
    from casebook.cases.models import Incident

    incident = Incident.objects.order_by("pk").first()
    before = _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    made = bundle_make(incident=incident, output=Path(data_dir) / "bundle.zip", actor=None)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    rate = made.evidence_bytes / (1 << 20) / wall
    peak = _peak_mb()
    print(
        f"bundle: {made.evidence_files} files, {made.evidence_bytes / (1 << 30):.2f} GB of "
        f"evidence in {wall:.1f}s wall ({cpu:.1f}s CPU), {rate:,.0f} MB/s "
        f"({made.evidence_bytes / (1 << 20) / cpu:,.0f} MB per CPU-second); peak {peak:,.0f} MB "
        f"(before making it {before:,.0f} MB)"
    )
    print(
        f"  floors: {BUNDLE_MB_PER_S:.0f} MB/s -> {rate / BUNDLE_MB_PER_S:.2f} of it; "
        f"{BUNDLE_MB:.0f} MB -> {peak / BUNDLE_MB:.2f} of it"
    )
    folder = Path(data_dir) / "unpacked"
    from casebook.bundles.services import bundle_unpack

    unpacked = bundle_unpack(made.path, folder)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-I", str(unpacked / "verify.py")], capture_output=True, text=True
    )
    print(
        f"verify.py: exit {result.returncode} in {time.perf_counter() - started:.1f}s "
        f"({result.stdout.strip().splitlines()[-1][:60]}…)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--evidence-mb", type=int, default=1024)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--phase", choices=["setup", "release", "bundle"], help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phases = {
            "setup": lambda: setup(args.data_dir, args.incidents, args.evidence_mb, args.files),
            "release": lambda: release(args.data_dir),
            "bundle": lambda: bundle(args.data_dir),
        }
        phases[args.phase]()
        return
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as data_dir:
        common = [f"--incidents={args.incidents}", f"--evidence-mb={args.evidence_mb}"]
        for phase in ("setup", "release", "bundle"):
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    f"--phase={phase}",
                    f"--data-dir={data_dir}",
                    f"--files={args.files}",
                    *common,
                ],
                check=True,
            )


if __name__ == "__main__":
    main()
