"""The import job as a Celery task, run by `casebook worker` when a broker is configured.

The task carries the job's id only: the file waits sealed in the data folder, never in the
broker. A busy database at the start is waited for inside the job's own writes.
"""

from __future__ import annotations

from casebook.monitor.celery_app import app


@app.task(name="transfer.import_job", acks_late=False)
def import_job_task(job_id: int) -> None:
    # Not acknowledged late: a worker killed mid-import must not start the file again from a
    # redelivered message; the job is failed and taken back by import_jobs_recover instead.
    from casebook.transfer.jobs import import_job_run

    import_job_run(job_id=job_id)
