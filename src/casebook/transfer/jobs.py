"""Imports from the web as background jobs.

A 20 MB file takes about a minute to check and write: far past what a request may hold (a
proxy gives up after 30–60 s, and the user with it). So the import page only stores the
upload (sealed, in the data folder) and creates an `ImportJob`; the job runs `incidents_import`
— the same function as `casebook import` — on a Celery worker when a broker is configured
(`casebook worker`), or else in a thread of the web server, and the job's page follows its
progress until it shows the report.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import os
import threading
import time
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from casebook.accounts import roles
from casebook.lib.busy import call_when_free
from casebook.redaction.searching import redacted_search_fill
from casebook.transfer.batches import cut_off_jobs_undo
from casebook.transfer.downloads import (
    file_forget,
    file_seal,
    file_unseal,
    held_folder,
    held_sweep,
)
from casebook.transfer.formats import FORMATS, detect_format
from casebook.transfer.models import ImportJob
from casebook.transfer.services import ImportFileError, ImportReport, incidents_import

logger = logging.getLogger(__name__)

# A running job reports progress at least this often (seconds) while it is alive: one silent
# for much longer died with its process (a restarted server), and is taken back.
STALE_SECONDS = 15 * 60
PROGRESS_EVERY = 0.5  # seconds between two writes of the progress file


def _upload_name(job: ImportJob) -> str:
    return f"job-{job.pk}.upload"


def _rejects_name(job: ImportJob) -> str:
    return f"job-{job.pk}.rejects"


def _progress_path(job_id: int):
    return held_folder() / f"job-{job_id}.progress.json"


def import_job_create(
    *, actor, data: bytes, filename: str, format: str, dry_run: bool, skip_invalid: bool
) -> ImportJob:
    """Keep the upload (sealed) and queue its import; start it with `import_job_start`."""
    if not roles.can_import(actor):
        raise PermissionDenied("Only coordinators and administrators import incidents.")
    held_sweep()
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor,
            filename=PurePath(filename).name[:255] or "import",
            format=format,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
        )
        job.file_key = file_seal(_upload_name(job), data)
        job.save(update_fields=["file_key"])
    return job


def import_job_start(job: ImportJob) -> None:
    """Run the job on a worker (with a broker) or in a thread of this process, once the
    transaction that created it has committed (before, a worker would not find it)."""
    job_id = job.pk
    if settings.MONITOR_BROKER_URL:
        from casebook.transfer.tasks import import_job_task

        transaction.on_commit(lambda: import_job_task.delay(job_id))
    else:
        transaction.on_commit(lambda: _start_thread(job_id))


def _start_thread(job_id: int) -> None:
    threading.Thread(
        target=_run_in_thread, args=(job_id,), name=f"import-job-{job_id}", daemon=True
    ).start()


def _run_in_thread(job_id: int) -> None:
    try:
        import_job_run(job_id=job_id)
    finally:
        connection.close()  # this thread's own connection


class _ProgressFile:
    """The services' progress callback, kept in a small JSON file the job page reads."""

    def __init__(self, job_id: int) -> None:
        self.path = _progress_path(job_id)
        self.state: dict[str, int | str] = {"phase": "reading"}
        self.written_at = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase == "reading":
            self.state.update(phase=phase, read=done, read_total=total)
        elif phase == "problems":
            self.state["problems"] = done
        else:
            self.state.update(phase=phase, incidents=total)
            self.state[phase] = done
        finished = done >= total and phase != "problems"
        if finished or time.monotonic() - self.written_at >= PROGRESS_EVERY:
            self.write()

    def write(self) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.state))
        os.replace(temporary, self.path)
        self.written_at = time.monotonic()


def import_job_progress(job: ImportJob) -> dict:
    """How far a running job is: phase, characters read, incidents checked and written."""
    try:
        return json.loads(_progress_path(job.pk).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _save(job: ImportJob, *fields: str) -> None:
    # The job's own row must reach the database even while another writer holds it.
    call_when_free(lambda: job.save(update_fields=list(fields)))


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a queued job to its end; a job already started (a task delivered twice) is left."""
    started = call_when_free(
        lambda: ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.RUNNING, started_at=timezone.now()
        )
    )
    if not started:
        return None
    job = ImportJob.objects.get(pk=job_id)
    progress = _ProgressFile(job.pk)
    progress.write()
    try:
        _import(job, progress)
    except ImportFileError as error:
        job.status, job.error = ImportJob.Status.FAILED, str(error)
    except PermissionDenied as error:
        job.status, job.error = ImportJob.Status.FAILED, str(error)
    except Exception:
        logger.exception("transfer: import job %s failed", job.pk)
        job.status = ImportJob.Status.FAILED
        job.error = (
            "The import stopped on our side; nothing of it was kept. Try again; if it "
            "happens again, tell your administrator the time."
        )
    finally:
        file_forget(_upload_name(job))
        _progress_path(job.pk).unlink(missing_ok=True)
        job.file_key = ""
        job.finished_at = timezone.now()
        _save(job, "status", "error", "report", "rejects_key", "file_key", "finished_at")
    if job.status == ImportJob.Status.FINISHED and not job.dry_run:
        # A web import is a bulk write, which the editor's hook leaves to `casebook redact
        # refresh`; the job is in the background anyway, so it goes on to make the imported
        # incidents findable by readers who may not see people (batches, short transactions).
        redacted_search_fill()
    return job


def _import(job: ImportJob, progress: _ProgressFile) -> None:
    data = file_unseal(_upload_name(job), job.file_key)
    if data is None:
        raise ImportFileError("The uploaded file is no longer there; upload it again.")
    rejects = io.StringIO() if job.skip_invalid else None
    report = incidents_import(
        file=data,
        filename=job.filename,
        format=job.format,
        actor=job.created_by,
        dry_run=job.dry_run,
        skip_invalid=job.skip_invalid,
        rejects=rejects,
        progress=progress,
        job=job,
    )
    job.report = report_as_json(report)
    if rejects is not None and report.rejected_rows:
        layout = _layout(job, data)
        stem = PurePath(job.filename).stem or "import"
        job.report["rejects"] = {
            "filename": f"{stem}.rejects.{layout.rejects_extension}",
            "media_type": "application/jsonl"
            if layout.rejects_extension == "jsonl"
            else "text/csv",
        }
        job.rejects_key = file_seal(_rejects_name(job), rejects.getvalue().encode())
    job.status = ImportJob.Status.FINISHED


def _layout(job: ImportJob, data: bytes):
    head = data[:2000].decode("utf-8-sig", errors="replace")
    return FORMATS[job.format] if job.format != "auto" else detect_format(job.filename, head)


def report_as_json(report: ImportReport) -> dict:
    """The report as the job keeps it, with its summary in words."""
    kept = dataclasses.asdict(report)
    kept["summary"], kept["ok"] = report.summary, report.ok
    return kept


def import_job_rejects(job: ImportJob) -> tuple[str, str, str] | None:
    """The job's rejects file (filename, media type, text), once; None when taken or none."""
    about = job.report.get("rejects")
    if not about or not job.rejects_key:
        return None
    data = file_unseal(_rejects_name(job), job.rejects_key)
    file_forget(_rejects_name(job))
    job.rejects_key = ""
    job.save(update_fields=["rejects_key"])
    if data is None:
        return None
    return about["filename"], about["media_type"], data.decode()


def import_jobs_recover() -> int:
    """Take back the jobs whose process died (a restart, kill -9): running, and either
    holding no lock any more (`batches.cut_off_jobs_undo`) or silent for STALE_SECONDS.
    What their batches wrote is deleted; the job is marked failed."""
    oldest = time.time() - STALE_SECONDS

    def silent_for_long(job: ImportJob) -> bool:
        path = _progress_path(job.pk)
        heard = (job.heartbeat or job.started_at or job.created_at).timestamp()
        if path.exists():
            heard = max(heard, path.stat().st_mtime)
        return heard < oldest

    undone = cut_off_jobs_undo(silent_for_long=silent_for_long)
    for job in undone:
        file_forget(_upload_name(job))
        _progress_path(job.pk).unlink(missing_ok=True)
    return len(undone)
