"""Writing an import in batches that other writers get between, all or nothing for the user.

SQLite has one write lock. An import written in one transaction held it for as long as the
whole file took (75 s for 100,000 rows), and every page that writes — even opening a person,
which records an audit entry — failed meanwhile. So an import now goes in three steps:

1. Everything is checked first, with no transaction open and nothing written (`Planner`
   only reads): a file with problems, and a dry run, never take the write lock at all.
2. The new incidents (with their acts, outcomes, people, sources and protests) are written
   in batches sized to hold the lock about half a second (at most `CHUNK` incidents), each its
   own short transaction, with a pause after each on SQLite so that a writer waiting for the
   lock gets it. Each batch also lists, in the
   same transaction, the rows it created (`ImportJobWrite`, tagged with the job).
3. The changes to incidents that were already in the casebook are written last, in one
   transaction that also marks the job finished and forgets its list of rows.

Why this rather than hiding unfinished incidents from every list: a hidden flag would have to
be honoured by every page, search, export, statistic and the public portal, now and in
future; one forgotten door shows half an import. Taking back is in one place. Why not batch
the changes to existing incidents too: undoing them would need their earlier values, acts and
links restored exactly; putting them in the final transaction makes them all-or-nothing by
the database itself (a file that changes many existing incidents holds the lock longer).

If anything fails after the first batch (the database refuses a row, the disk fills, a
concurrent change makes a row invalid), `import_writes_undo` deletes what the job's batches
created, batch by batch, and records that in the audit trail. A job whose process died
mid-import (kill -9, a restart) is taken back the same way when it is found: while it
writes, its process holds a lock on a small file of its own (`job_alive`), which the system
lets go of when the process ends, however it ends; the next import (any import: the command,
the web, the API) and the Import page find a running job whose lock is free, take back what
it wrote and mark it failed (`cut_off_jobs_undo`), before they read anything. A job with no
such file (a worker on another machine) is taken back once silent for long
(`jobs.import_jobs_recover`). Meanwhile the new incidents of the running import are visible
to others as they are written: that is the price of letting them in.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from casebook.audit.services import audit_record
from casebook.cases.bulk import insert_values
from casebook.cases.models import Incident, Protest
from casebook.lib.busy import call_when_free
from casebook.people.models import Involvement, Person
from casebook.sources.models import IncidentSource, Source
from casebook.transfer.downloads import held_folder
from casebook.transfer.models import ImportJob, ImportJobWrite
from casebook.transfer.planning import IncidentPlan
from casebook.transfer.writing import CHUNK, ChunkWriter

# After each batch on SQLite, the import lets go of the lock this long: a writer waiting in
# SQLite's busy handler sleeps at most 100 ms between two tries, so it gets in.
PAUSE_SECONDS = 0.1
# Batches are sized to hold the lock about this long (seconds): on a busy machine the same
# number of incidents takes several times longer to write, and others would wait that long.
BATCH_SECONDS = 0.5
FIRST_BATCH = 100
MIN_BATCH = 25
BATCH_PATIENCE_MS = 10 * 60 * 1000
FORGET_BATCH = 2000  # job-list rows deleted a transaction (SQLite's parameter limit is above)


def _chunks(items: list, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def plans_write(
    new: Iterable[list[IncidentPlan]],
    changing: list[IncidentPlan],
    *,
    total: int,
    writer: ChunkWriter,
    job: ImportJob,
    progress: Callable[[str, int, int], None] | None = None,
) -> None:
    """Write checked plans: new incidents in batches, then the rest and the job's end at once.

    `new` gives the plans of new incidents a chunk at a time, planned only once the chunk
    before is written (so that a chunk finds the sources the earlier ones created);
    `changing`, those of incidents already in the casebook (complete once `new` is), are
    written in the last transaction. `total` is how many plans there are, for `progress`.
    Raises whatever stopped it, after taking back what its batches wrote.
    """
    connection = writer.connection
    done = 0
    try:
        with job_alive(job), patient_writes():
            size = min(FIRST_BATCH, CHUNK)
            for chunk in new:
                at = 0
                # A batch never runs into the next chunk: that one is planned after.
                while at < len(chunk):
                    batch = chunk[at : at + size]
                    started = time.monotonic()
                    _write_batch(writer, job, batch)
                    size = _next_size(size, time.monotonic() - started)
                    at += len(batch)
                    done += len(batch)
                    if progress:
                        progress("writing", done, total)
                    if connection.vendor == "sqlite":
                        time.sleep(PAUSE_SECONDS)
            with transaction.atomic():
                writer.keys.start()
                for batch in _chunks(changing, CHUNK):
                    writer.write(batch)
                # Finished in the same transaction: a job cut off after it is never undone.
                ImportJob.objects.filter(pk=job.pk).update(
                    status=ImportJob.Status.FINISHED, heartbeat=timezone.now()
                )
    except BaseException:
        import_writes_undo(job, actor=writer.actor)
        raise
    # The list of what it wrote is forgotten after, in short batches: deleting a large
    # import's list in its last transaction held the lock for seconds. A finished job's
    # list is never read (only running jobs are taken back).
    _writes_forget(job)
    if progress:
        progress("writing", total, total)


def _writes_forget(job: ImportJob) -> None:
    ids = list(ImportJobWrite.objects.filter(job=job).values_list("pk", flat=True))
    for batch in _chunks(ids, FORGET_BATCH):
        call_when_free(partial(_forget, batch))


def _forget(ids: list[int]) -> None:
    ImportJobWrite.objects.filter(pk__in=ids).delete()


def _alive_path(job_id: int):
    return held_folder() / f"job-{job_id}.alive"


@contextlib.contextmanager
def job_alive(job: ImportJob) -> Iterator[None]:
    """Hold the job's lock file while it writes: the lock ends with the process, kill -9
    included, which is how `cut_off_jobs_undo` knows a running job is no longer running."""
    path = _alive_path(job.pk)
    with open(path, "ab") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def cut_off_jobs_undo(*, silent_for_long: Callable[[ImportJob], bool] | None = None) -> list:
    """Take back the running jobs whose process is gone; returns them, marked failed.

    Gone: its lock file is there and nobody holds the lock. A job without a lock file (not
    writing yet, or writing on another machine) counts as gone only if `silent_for_long`
    says so. The lock is held while the job is taken back, so that two finders do not both
    take it back.
    """
    undone = []
    for job in ImportJob.objects.filter(status=ImportJob.Status.RUNNING):
        path = _alive_path(job.pk)
        try:
            handle = open(path, "rb")  # noqa: SIM115 (closed below, after the undo)
        except FileNotFoundError:
            if silent_for_long is not None and silent_for_long(job):
                _cut_off_undo(job)
                undone.append(job)
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its process is writing
            job.refresh_from_db()
            if job.status == ImportJob.Status.RUNNING:
                _cut_off_undo(job)
                undone.append(job)
            path.unlink(missing_ok=True)
    return undone


def _cut_off_undo(job: ImportJob) -> None:
    import_writes_undo(job)
    job.status = ImportJob.Status.FAILED
    job.error = "The import stopped when Casebook was restarted; nothing of it was kept."
    job.finished_at, job.file_key = timezone.now(), ""
    call_when_free(lambda: job.save(update_fields=["status", "error", "finished_at", "file_key"]))


def _next_size(size: int, took: float) -> int:
    """The next batch's size, for a batch of `size` that held the lock `took` seconds.

    >>> _next_size(100, 0.25), _next_size(100, 2.0), _next_size(400, 0.01)
    (200, 25, 500)
    """
    wanted = int(size * BATCH_SECONDS / max(took, 1e-3))
    return min(CHUNK, max(MIN_BATCH, min(wanted, size * 2)))


@contextlib.contextmanager
def patient_writes() -> Iterator[None]:
    """The import's own batches wait for the lock as long as it takes (another import, a
    backup): failing a batch would throw away the whole import. On PostgreSQL the same holds
    for a `lock_timeout` that a server, role or busy-page setting may have given the session."""
    connection = transaction.get_connection()
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            before_pg = cursor.fetchone()[0]
            cursor.execute(f"SET lock_timeout = '{BATCH_PATIENCE_MS}ms'")
        try:
            yield
        finally:
            if not connection.needs_rollback:  # else the rollback puts it back
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('lock_timeout', %s, false)", [before_pg])
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {BATCH_PATIENCE_MS}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")


def _write_batch(writer: ChunkWriter, job: ImportJob, batch: list[IncidentPlan]) -> None:
    """One batch in its own transaction, with the list of what it created."""
    with transaction.atomic():
        writer.keys.start()
        writer.write(batch)
        insert_values(
            writer.connection,
            ImportJobWrite,
            ("id", "job", "kind", "row_id"),
            [
                (writer.keys.take(ImportJobWrite), job.pk, kind, row_id)
                for kind, ids in writer.created.items()
                for row_id in ids
            ],
        )
        ImportJob.objects.filter(pk=job.pk).update(heartbeat=timezone.now())


def import_writes_undo(job: ImportJob, *, actor=None) -> dict[str, int]:
    """Delete what the job's batches created; returns how many of each were taken back.

    People, sources and protests go only when nothing else uses them any more (another
    user may have linked one meanwhile). Each batch is its own transaction, like the import.
    """
    writes = ImportJobWrite.objects.filter(job=job)
    taken: dict[str, int] = {}
    for kind, model in (
        ("incident", Incident),
        ("person", Person),
        ("source", Source),
        ("protest", Protest),
    ):
        ids = list(writes.filter(kind=kind).values_list("row_id", flat=True))
        taken[kind] = 0
        for batch in _chunks(ids, CHUNK):
            taken[kind] += call_when_free(partial(_delete, kind, model, batch))
    if any(taken.values()):
        call_when_free(
            lambda: audit_record(
                action="cases.incidents.import_undone",
                instance=Incident,
                actor=actor,
                changes={"import job": [None, job.pk], **{k: [v, 0] for k, v in taken.items()}},
            )
        )
    writes.delete()
    return taken


def _delete(kind: str, model, ids: list[int]) -> int:
    rows = model.objects.filter(pk__in=ids)
    if kind == "person":
        rows = rows.exclude(Exists(Involvement.objects.filter(person_id=OuterRef("pk"))))
    elif kind == "source":
        rows = rows.exclude(Exists(IncidentSource.objects.filter(source_id=OuterRef("pk"))))
    elif kind == "protest":
        rows = rows.exclude(Exists(Incident.objects.filter(protest_id=OuterRef("pk"))))
    with transaction.atomic():
        count = rows.count()
        # Each deletion goes through the ORM: a person's data key is destroyed with them.
        rows.delete()
    return count
