"""Import jobs: an import from the web runs in the background, and this row says how it went.

The uploaded file waits in the data folder, sealed with a key that lives only in this row
(`file_key`); both the file and the key are gone once the job ends. Progress (rows read,
incidents checked and written) is kept in a small file beside it, so that a job never has to
take the database's write lock only to say how far it is. The incidents a job creates are
listed in `ImportJobWrite` as they are written, batch by batch, so that a job that fails
half way can take back exactly what it wrote (see `transfer.batches`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=20, default="auto")
    dry_run = models.BooleanField(default=False)
    skip_invalid = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Base64 AES key of the sealed upload (emptied when the job ends) and of its rejects file.
    file_key = models.CharField(max_length=64, blank=True)
    rejects_key = models.CharField(max_length=64, blank=True)
    # What the import reported (counts, problems, notes, skipped rows, incident ids).
    report = models.JSONField(default=dict, blank=True)
    # Why a job failed, in our words (never a row's content: that is in the report).
    error = models.TextField(blank=True)
    # Touched with every batch written: a running job silent for long died with its process.
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import job {self.pk} ({self.get_status_display().lower()})"

    @property
    def ended(self) -> bool:
        # The import marks its job finished in its last transaction; the job's report is
        # saved after that, with `finished_at`: till then the page keeps waiting for it.
        return self.status == self.Status.FAILED or (
            self.status == self.Status.FINISHED and self.finished_at is not None
        )


class ImportJobWrite(models.Model):
    """A row a job wrote in a batch of its own before the job finished: kept so that a job
    that fails (or whose process dies) can take back exactly what it wrote."""

    class Kind(models.TextChoices):
        INCIDENT = "incident", "Incident"
        PERSON = "person", "Person"
        SOURCE = "source", "Source"
        PROTEST = "protest", "Protest"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="writes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    row_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["job", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.row_id} of import job {self.job_id}"
