"""Where pages come from: feeds, web addresses and local files, turned into Page rows.

Every input is identified by its address (or its id) plus a hash of its content, so reading
the same feed, folder or file again finds the rows it made last time and creates nothing new.
A page that failed before is tried again; one that was processed is left alone.

The pages are handed to a *runner*: `InProcessRunner` runs the stages here and now,
`tasks.CeleryRunner` sends a chain of stage tasks to the broker.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from casebook.lib.busy import call_when_free
from casebook.lib.untrusted_json import UntrustedJsonError, json_loads_untrusted
from casebook.monitor import reading
from casebook.monitor.fetching import FEED_ACCEPT, HTML_ACCEPT, FetchError, parse_feed
from casebook.monitor.models import Feed, Page
from casebook.monitor.pipeline import Context, Work, page_process, sha256

logger = logging.getLogger(__name__)

# A feed entry whose own content has this many words is the article: no need to fetch it.
FULL_CONTENT_WORDS = 150
# A page that failed this many times is not fetched again from its feed.
MAX_ATTEMPTS = 3


class Runner(Protocol):
    def submit(self, page: Page, work: Work) -> None: ...


@dataclass
class InProcessRunner:
    """Runs every stage of a page at once, in this process."""

    ctx: Context = field(default_factory=Context)
    on_page: Callable[[Page], None] | None = None

    def submit(self, page: Page, work: Work) -> None:
        attempts = page.attempts

        def process() -> Page:
            page.attempts = attempts  # one attempt, however long the database kept us waiting
            return page_process(page, work, self.ctx)

        try:
            # A busy database (another writer on SQLite) is waited for, never a lost page.
            call_when_free(process, on_wait=_log_wait)
        except Exception:  # noqa: BLE001 (saving one page failed: go on with the next)
            logger.exception("monitor: could not save page %s", page.pk)
        if self.on_page:
            self.on_page(page)


def _log_wait(seconds: float) -> None:
    logger.warning("monitor: the database is busy; trying again in %.1f s", seconds)


def runner_default(**kwargs) -> Runner:
    """Celery when a broker is configured, else in-process."""
    from django.conf import settings

    if settings.MONITOR_BROKER_URL:
        from casebook.monitor.tasks import CeleryRunner

        return CeleryRunner()
    return InProcessRunner(**kwargs)


# --- Documents with content in hand -----------------------------------------------------------


@dataclass
class Document:
    """One input whose content is in hand: a file, a JSON Lines record, a feed entry."""

    origin: str
    url: str = ""
    external_id: str = ""
    title: str = ""
    published: dt.date | None = None
    publisher: str = ""
    body: bytes | None = None
    markup: str | None = None
    plain: str | None = None
    content_type: str = ""
    feed: Feed | None = None
    retrieved_at: dt.datetime | None = None
    _hash: str | None = field(default=None, repr=False, compare=False)

    @property
    def identity(self) -> str:
        return (self.url or f"id:{self.external_id}")[:1000]

    def content_hash(self) -> str:
        if self._hash is None:
            content = next((c for c in (self.body, self.markup, self.plain) if c is not None), b"")
            self._hash = sha256(content)
        return self._hash


def document_submit(document: Document, runner: Runner) -> Page | None:
    """Create the page for a document (or find it) and hand it to the runner.

    Returns None when the same address and content were processed before.
    """
    return documents_submit([document], runner)[0]


# Documents are looked up (and their pages written) in chunks: one query finds which of a
# chunk were seen before, and one transaction holds the chunk's pages. Per page, a query and
# a commit cost more than reading a page that is not about policing.
CHUNK = 200


def documents_submit(
    documents: Iterable[Document],
    runner: Runner,
    *,
    on_document: Callable[[Page | None], None] | None = None,
) -> list[Page | None]:
    """document_submit for many documents; the result lists the page or None for each."""
    results: list[Page | None] = []
    chunk: list[Document] = []

    def write() -> list[Page | None]:
        keys = {(d.identity, d.content_hash()): d for d in chunk}
        known = {
            (page.identity, page.content_sha256): page
            for page in Page.objects.filter(identity__in={k[0] for k in keys}).only(
                "id", "identity", "content_sha256", "status", "attempts", "origin", "stages"
            )
        }
        seen: set[tuple[str, str]] = set()
        written: list[Page | None] = []
        with transaction.atomic():
            for document in chunk:
                key = (document.identity, document.content_hash())
                page = _page_for(document, known.get(key), repeated=key in seen)
                seen.add(key)
                if page is not None:
                    known[key] = page
                    runner.submit(
                        page, Work(body=document.body, markup=document.markup, plain=document.plain)
                    )
                written.append(page)
        return written

    def flush() -> None:
        # Written again from the start while the database is busy: nothing of a chunk that
        # could not be committed counts as done.
        for page in call_when_free(write, on_wait=_log_wait):
            results.append(page)
            if on_document:
                on_document(page)
        chunk.clear()

    for document in documents:
        chunk.append(document)
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()
    return results


def _page_for(document: Document, page: Page | None, *, repeated: bool) -> Page | None:
    """The page to (re)process for a document, or None when there is nothing to do."""
    if repeated:
        return None  # the same input twice in one batch
    if page is not None and page.status != Page.Status.FAILED:
        return None
    if page is not None and page.attempts >= MAX_ATTEMPTS and page.origin != Page.Origin.INGEST:
        return None  # a feed keeps offering it; a person re-ingesting a file means to retry
    if page is None:
        page = Page(identity=document.identity, content_sha256=document.content_hash())
    else:
        page = Page.objects.get(pk=page.pk)
    page.origin = document.origin
    page.feed = document.feed
    page.url = document.url[:1000]
    page.external_id = document.external_id[:200]
    page.title = document.title[:500]
    page.published = document.published
    page.publisher = document.publisher[:200]
    page.content_type = document.content_type[:100]
    page.retrieved_at = document.retrieved_at or timezone.now()
    return page


def address_submit(
    url: str,
    runner: Runner,
    *,
    feed: Feed | None = None,
    title: str = "",
    published: dt.date | None = None,
) -> Page | None:
    """Queue an address to be fetched, unless it was fetched before (or failed too often)."""
    identity = url[:1000]
    known = Page.objects.filter(identity=identity).order_by("-id").first()
    if known is not None and (
        known.status != Page.Status.FAILED or known.attempts >= MAX_ATTEMPTS or known.content_sha256
    ):
        return None
    page = known or Page(identity=identity, url=identity, origin=Page.Origin.FEED)
    page.feed = feed
    page.title = page.title or title[:500]
    page.published = page.published or published
    runner.submit(page, Work())
    return page


# --- Feeds ------------------------------------------------------------------------------------


@dataclass
class FeedReport:
    feed: Feed
    status: str
    new_pages: int = 0
    note: str = ""


def feed_poll(feed: Feed, runner: Runner, *, ctx: Context | None = None) -> FeedReport:
    """Read a feed (or a single address) once, submit what is new, and record the outcome.

    An unreachable or malformed feed is recorded on the feed with its reason; it never
    raises, so one broken feed does not stop a run over all of them.
    """
    own = ctx is None and getattr(runner, "ctx", None) is None
    ctx = ctx or getattr(runner, "ctx", None) or Context()
    try:
        return _feed_poll(feed, runner, ctx)
    finally:
        if own:
            ctx.close()


def _feed_poll(feed: Feed, runner: Runner, ctx: Context) -> FeedReport:
    now = ctx.now()
    feed.last_checked_at = now
    feed.next_due_at = now + dt.timedelta(minutes=feed.interval_minutes)
    try:
        fetched = ctx.get_fetcher().get(
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            accept=FEED_ACCEPT if feed.kind != Feed.Kind.PAGE else HTML_ACCEPT,
        )
    except FetchError as error:
        return _feed_done(feed, Feed.LastStatus.FAILED, str(error))
    if fetched.not_modified:
        retried = _retry_failed(feed, runner)
        return _feed_done(
            feed,
            Feed.LastStatus.NOT_MODIFIED,
            "unchanged (HTTP 304)" + (f"; {retried} failed pages tried again" if retried else ""),
        )
    feed.etag, feed.last_modified = fetched.etag[:300], fetched.last_modified[:100]
    address = Document(
        origin=Page.Origin.ADDRESS,
        url=fetched.url,
        body=fetched.body,
        content_type=fetched.content_type,
        feed=feed,
        retrieved_at=now,
        publisher=feed.name,
    )
    if feed.kind == Feed.Kind.PAGE:
        page = document_submit(address, runner)
        return _feed_done(
            feed,
            Feed.LastStatus.OK,
            "page read" if page else "page unchanged",
            new_pages=int(page is not None),
        )
    try:
        document = parse_feed(fetched.body, base_url=fetched.url)
    except FetchError as error:
        kind = reading.media_type(fetched.content_type)
        if feed.kind == Feed.Kind.POLICE and kind in reading.HTML_TYPES:
            # A force's news page rather than its feed: read it as a page.
            page = document_submit(address, runner)
            return _feed_done(
                feed, Feed.LastStatus.OK, "read as a page", new_pages=int(page is not None)
            )
        return _feed_done(feed, Feed.LastStatus.FAILED, str(error))
    new = feed_document_submit(feed, document, runner, now=now)
    note = f"{len(document.entries)} entries, {new} new"
    if document.warning:
        note += f"; {document.warning}"
    return _feed_done(feed, Feed.LastStatus.OK, note, new_pages=new)


def feed_document_submit(
    feed: Feed, document, runner: Runner, *, now: dt.datetime | None = None
) -> int:
    """Submit the entries of a parsed feed; returns how many pages were new."""
    new = 0
    with_content = []
    for entry in document.entries:
        content = entry.content or ""
        if reading.count_words(reading.rough_text(content)) >= FULL_CONTENT_WORDS:
            with_content.append(
                Document(
                    origin=Page.Origin.FEED,
                    url=entry.url,
                    title=entry.title,
                    published=entry.published,
                    markup=content,
                    feed=feed,
                    publisher=feed.name,
                    retrieved_at=now,
                )
            )
        else:
            new += (
                address_submit(
                    entry.url, runner, feed=feed, title=entry.title, published=entry.published
                )
                is not None
            )
    new += sum(page is not None for page in documents_submit(with_content, runner))
    return new


def _retry_failed(feed: Feed, runner: Runner) -> int:
    """Fetch again the feed's pages that failed to download (a server down for a while),
    up to MAX_ATTEMPTS each, even when the feed itself has not changed."""
    failed = (
        Page.objects.filter(
            feed=feed, status=Page.Status.FAILED, content_sha256="", attempts__lt=MAX_ATTEMPTS
        )
        .exclude(url="")
        .values_list("url", flat=True)[:50]
    )
    return sum(address_submit(url, runner, feed=feed) is not None for url in failed)


def _feed_done(feed: Feed, status: str, note: str, *, new_pages: int = 0) -> FeedReport:
    feed.last_status = status
    feed.last_error = note[:500] if status == Feed.LastStatus.FAILED else ""
    feed.last_new_pages = new_pages
    feed.save(
        update_fields=[
            "last_checked_at",
            "next_due_at",
            "last_status",
            "last_error",
            "last_new_pages",
            "etag",
            "last_modified",
        ]
    )
    return FeedReport(feed=feed, status=status, new_pages=new_pages, note=note)


# --- Local files ------------------------------------------------------------------------------

INGEST_SUFFIXES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


class IngestError(ValueError):
    """A local input that cannot be read at all (not a page: the whole file)."""


def ingest_paths(path: Path) -> list[Path]:
    """The files `casebook monitor ingest PATH` reads: PATH itself, or a folder's files."""
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INGEST_SUFFIXES
        )
    if not path.exists():
        raise IngestError(f"{path}: no such file or folder")
    if path.suffix.lower() not in INGEST_SUFFIXES:
        raise IngestError(f"{path}: give .html, .htm, .txt or .jsonl files (or a folder)")
    return [path]


def _read_capped(path: Path, cap: int) -> bytes:
    with path.open("rb") as handle:
        return handle.read(cap + 1)


def documents_from_path(path: Path, *, cap: int) -> Iterator[Document | IngestError]:
    """Documents in a file: one for an HTML or text file, one per line of JSON Lines.

    A JSON Lines line that cannot be used comes back as an IngestError (with its line number)
    instead of a Document, so the caller can record it and go on.
    """
    kind = INGEST_SUFFIXES[path.suffix.lower()]
    if kind != "jsonl":
        yield Document(
            origin=Page.Origin.INGEST,
            external_id=path.name,
            body=_read_capped(path, cap),
            content_type=kind,
        )
        return
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            yield _jsonl_document(line, where=f"{path.name} line {number}", cap=cap)


def _jsonl_document(line: bytes, *, where: str, cap: int) -> Document | IngestError:
    if len(line) > cap:
        return IngestError(f"{where}: larger than the cap")
    try:
        record = json_loads_untrusted(line)
    except UntrustedJsonError as error:
        return IngestError(f"{where}: not JSON ({error.syntax or error})")
    if not isinstance(record, dict):
        return IngestError(f"{where}: each line must be a JSON object")
    text, markup = record.get("text"), record.get("html")
    if not isinstance(text, str) and not isinstance(markup, str):
        return IngestError(f'{where}: give "text" or "html"')
    identifier = str(record.get("id") or "").strip()
    url = str(record.get("url") or "").strip()
    if not identifier and not url:
        return IngestError(f'{where}: give an "id" or a "url"')
    published = record.get("published")
    return Document(
        origin=Page.Origin.INGEST,
        url=url,
        external_id=identifier,
        title=str(record.get("title") or "").strip(),
        published=reading.iso_date(published) if isinstance(published, str) else None,
        publisher=str(record.get("publisher") or "").strip(),
        markup=markup if isinstance(markup, str) else None,
        plain=text if isinstance(text, str) and not isinstance(markup, str) else None,
        content_type="text/html" if isinstance(markup, str) else "text/plain",
    )


@dataclass
class IngestReport:
    files: int = 0
    submitted: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def ingest(
    path: Path, runner: Runner, *, cap: int, progress: Callable[[], None] | None = None
) -> IngestReport:
    """Read every input under `path` and submit its documents."""
    report = IngestReport()

    def counted(page: Page | None) -> None:
        if page is None:
            report.unchanged += 1
        else:
            report.submitted += 1
        if progress:
            progress()

    def documents() -> Iterator[Document]:
        for file in ingest_paths(path):
            report.files += 1
            for item in documents_from_path(file, cap=cap):
                if isinstance(item, IngestError):
                    report.errors.append(str(item))
                else:
                    yield item

    documents_submit(documents(), runner, on_document=counted)
    return report


def feeds_poll(
    feeds: Iterable[Feed],
    runner: Runner,
    *,
    ctx: Context | None = None,
    on_feed: Callable[[FeedReport], None] | None = None,
) -> list[FeedReport]:
    reports = []
    for feed in feeds:
        report = feed_poll(feed, runner, ctx=ctx)
        reports.append(report)
        if on_feed:
            on_feed(report)
    return reports
