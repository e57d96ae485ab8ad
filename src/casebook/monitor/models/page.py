from __future__ import annotations

from urllib.parse import urlsplit

from django.db import models


class Page(models.Model):
    """One document the monitor has seen (a fetched page, a feed entry, an ingested file).

    It is identified by its address (or the id it was ingested under) plus the SHA-256 of its
    content, so reading the same input twice finds this row instead of creating another.
    `stages` records what each pipeline stage did: {"read": {"status": "ok", "ms": 8.1,
    "note": "…"}}; a page that fails a stage keeps its error here and in `error`.
    """

    class Status(models.TextChoices):
        NEW = "new", "Waiting"
        DONE = "done", "Processed"
        SKIPPED = "skipped", "Skipped"
        DUPLICATE = "duplicate", "Duplicate"
        FAILED = "failed", "Failed"

    class Origin(models.TextChoices):
        FEED = "feed", "Feed entry"
        ADDRESS = "address", "Web address"
        INGEST = "ingest", "Ingested file"

    feed = models.ForeignKey(
        "monitor.Feed", null=True, blank=True, on_delete=models.SET_NULL, related_name="pages"
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.INGEST)
    identity = models.CharField(
        max_length=1000, help_text="The address, or id:<id> for inputs without one."
    )
    url = models.CharField(max_length=1000, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    stage = models.CharField(max_length=20, blank=True, help_text="The last stage that ran.")
    reason = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    stages = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    retrieved_at = models.DateTimeField(null=True, blank=True)

    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True)
    text = models.TextField(blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)
    # The fetched markup between the fetch and read tasks when stages run on a worker;
    # emptied by the read stage. In-process runs never store it.
    raw = models.TextField(blank=True)
    shingle_count = models.PositiveIntegerField(default=0)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )

    relevant = models.BooleanField(null=True, blank=True)
    relevance_score = models.FloatField(null=True, blank=True)
    extraction = models.JSONField(null=True, blank=True)
    # The source created when a coordinator first accepted a candidate from this page; later
    # candidates of the same page cite the same source.
    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["text_sha256"]),
            models.Index(fields=["identity"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["identity", "content_sha256"],
                name="page_unique_address_and_content",
                condition=~models.Q(content_sha256=""),
            ),
            models.UniqueConstraint(
                fields=["identity"],
                name="page_one_unfetched_row_per_address",
                condition=models.Q(content_sha256=""),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["new", "done", "skipped", "duplicate", "failed"]),
                name="page_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"page {self.pk}: {self.title or self.identity}"[:200]

    @property
    def article_id(self) -> str:
        """The page's id in the extraction format: its ingest id, else page-<pk>."""
        return self.external_id or f"page-{self.pk}"

    @property
    def host(self) -> str:
        return hostname(self.url)

    @property
    def is_police_statement(self) -> bool:
        """From a force's own feed, or from the host of one of the police feeds."""
        from casebook.monitor.models.feed import Feed

        if self.feed_id and self.feed.kind == Feed.Kind.POLICE:
            return True
        host = self.host
        if not host:
            return False
        police_urls = Feed.objects.filter(kind=Feed.Kind.POLICE).values_list("url", flat=True)
        return any(hostname(url) == host for url in police_urls)


def hostname(url: str) -> str:
    """The host of an address, lower-cased ("" when there is none).

    >>> hostname("https://News.Example.test/a?b=1")
    'news.example.test'
    """
    return (urlsplit(url).hostname or "") if url else ""


class SketchValue(models.Model):
    """One of the smallest shingle hashes of a page's text (see monitor/dedupe.py).

    Indexed, so the pages that share values with a new page (its possible originals) are
    found without comparing it against every page.
    """

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="sketch")
    value = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "value"], name="sketch_value_once_per_page")
        ]

    def __str__(self) -> str:
        return f"{self.page_id}:{self.value}"
