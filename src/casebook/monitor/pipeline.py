"""The monitor's pipeline: the stages one page goes through, and the two ways to run them.

    fetch → read → prefilter → text → dedupe → extract → candidates

- fetch: get the bytes (the network, a file, or text given inline); refuse what is not a web
  page or text, binary junk, and anything past the size cap.
- read: the page's rough text and metadata (title, date, publisher); refuse pages without
  text and pages not in English.
- prefilter: the cheap half of relevance. Pages without police words near protest or
  expression words end here as not relevant, before the costly stages (most pages do).
- text: the article's main text without menus, adverts and comments (trafilatura).
- dedupe: a page whose text is the same as, or a syndicated copy of, an earlier page is
  linked to that page and goes no further.
- extract: the extractor (monitor/extraction) decides relevance and finds the events.
- candidates: one candidate incident per event, waiting in the review queue.

Each stage records its outcome on the Page row (`page.stages[name]`: status, milliseconds and
a note), raises `Stop` to end the page's journey with a reason, and runs its database writes
in a transaction: a stage that fails leaves nothing half-written, and the page keeps the error
(visible in the monitor's pages) while the run goes on with the next page.

`page_process` runs the stages one after the other in this process (no broker: the demo, a
laptop, the benchmark); `tasks.py` wraps the same stage functions as Celery tasks chained per
page. Article text is never logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from casebook.lib.busy import database_busy
from casebook.monitor import dedupe, reading
from casebook.monitor.fetching import Fetcher, human_size
from casebook.monitor.models import Candidate, Page, SketchValue

STAGES = ("fetch", "read", "prefilter", "text", "dedupe", "extract", "candidates")
# Stages after which the page's markup is no longer needed.
_NEEDS_MARKUP = {"read", "prefilter", "text"}


class Stop(Exception):
    """End a page's journey here: `status` is the page's final status, `reason` why."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Work:
    """What a page carries between stages in memory: its bytes and text. Never logged."""

    body: bytes | None = None  # raw bytes of a file, before decoding
    markup: str | None = None  # HTML
    plain: str | None = None  # text given as text (a .txt file, JSON Lines "text")
    rough: str | None = None  # rough text of the markup, for the cheap checks

    @classmethod
    def from_page(cls, page: Page) -> Work:
        """Rebuild the in-memory state from the row (a stage running on a worker)."""
        if not page.raw:
            return cls()
        if reading.media_type(page.content_type) in reading.TEXT_TYPES:
            return cls(plain=page.raw)
        return cls(markup=page.raw)


def default_extract(**kwargs) -> dict:
    # Imported on first use: the extractor loads its rules once, and the web process that only
    # shows the queue never needs it.
    from casebook.monitor.extraction import extract_article

    return extract_article(**kwargs)


@dataclass
class Context:
    """What the stages need from outside: a fetcher, the extractor, the limits, a clock."""

    fetcher: Fetcher | None = None
    extract: Callable[..., dict] = default_extract
    max_bytes: int | None = None
    now: Callable[[], dt.datetime] = timezone.now
    _owns_fetcher: bool = field(default=False, repr=False)

    def get_fetcher(self) -> Fetcher:
        if self.fetcher is None:
            self.fetcher = Fetcher.from_settings()
            self._owns_fetcher = True
        return self.fetcher

    def cap(self) -> int:
        if self.max_bytes is None:
            from django.conf import settings

            self.max_bytes = settings.MONITOR_MAX_BYTES
        return self.max_bytes

    def close(self) -> None:
        if self._owns_fetcher and self.fetcher is not None:
            self.fetcher.close()
            self.fetcher = None


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()


# --- The stages -------------------------------------------------------------------------------


def stage_fetch(page: Page, work: Work, ctx: Context) -> str:
    if work.markup is not None or work.plain is not None:
        given = work.markup if work.markup is not None else work.plain
        page.size = len(given.encode())
        if page.size > ctx.cap():
            raise Stop(
                Page.Status.SKIPPED,
                f"too large: {human_size(page.size)}, the cap is {human_size(ctx.cap())}",
            )
        return f"given inline ({human_size(page.size)})"
    if work.body is None:
        fetched = ctx.get_fetcher().get(page.url)
        page.http_status = fetched.status
        page.content_type = fetched.content_type[:100]
        page.retrieved_at = ctx.now()
        page.url = fetched.url[:1000]
        with transaction.atomic():  # a failed lookup must not spoil an enclosing transaction
            _set_content_hash(page, sha256(fetched.body))
        work.body = fetched.body
        where = f"HTTP {fetched.status} in {fetched.elapsed_ms:.0f} ms"
    else:
        where = "from a file"
    body, work.body = work.body, None
    page.size = len(body)
    if page.size > ctx.cap():
        raise Stop(
            Page.Status.SKIPPED,
            f"too large: {human_size(page.size)}, the cap is {human_size(ctx.cap())}",
        )
    kind = reading.media_type(page.content_type)
    if kind and kind not in reading.HTML_TYPES + reading.TEXT_TYPES:
        raise Stop(Page.Status.SKIPPED, f"not a web page or text ({kind})")
    try:
        text = reading.decode(body, page.content_type)
    except reading.Unreadable as error:
        raise Stop(Page.Status.SKIPPED, str(error)) from None
    if kind in reading.TEXT_TYPES:
        work.plain = text
    else:
        work.markup = text
    return f"{where}, {human_size(page.size)}{', ' + kind if kind else ''}"


def _set_content_hash(page: Page, digest: str) -> None:
    page.content_sha256 = digest
    same = Page.objects.filter(identity=page.identity, content_sha256=digest)
    if page.pk:
        same = same.exclude(pk=page.pk)
    original = same.first()
    if original is not None:
        # The address was fetched before with this very content: nothing new to do.
        page.content_sha256 = ""
        page.duplicate_of = original
        raise Stop(Page.Status.DUPLICATE, f"same address and content as page {original.pk}")


def stage_read(page: Page, work: Work, ctx: Context) -> str:
    declared = ""
    if work.plain is not None:
        work.rough = work.plain
    else:
        work.rough = reading.visible_text(work.markup or "")
        meta = reading.metadata(work.markup or "")
        page.title = (page.title or meta.title)[:500]
        page.published = page.published or meta.published
        page.publisher = (page.publisher or meta.publisher)[:200]
        declared = meta.language
    words, english = reading.word_stats(work.rough)
    if words < reading.MIN_ARTICLE_WORDS:
        raise Stop(Page.Status.SKIPPED, f"no text: {words} words")
    if declared and declared != "en":
        page.language = declared
        raise Stop(Page.Status.SKIPPED, f"not in English (the page declares lang={declared})")
    page.language = reading.language_from(words, english)
    if page.language == "other":
        raise Stop(
            Page.Status.SKIPPED,
            f"not in English (common English words are {english:.0%} of the text)",
        )
    return f"{words} words{', published ' + str(page.published) if page.published else ''}"


def stage_prefilter(page: Page, work: Work, ctx: Context) -> str:
    if work.rough is None:
        work.rough = (
            work.plain if work.plain is not None else reading.visible_text(work.markup or "")
        )
    if not reading.mentions_policing_of_protest(f"{page.title}\n{work.rough}"):
        page.relevant = False
        raise Stop(
            Page.Status.DONE, "not relevant: no police words near protest or expression words"
        )
    return "police and protest words found"


def stage_text(page: Page, work: Work, ctx: Context) -> str:
    plain = work.plain
    if plain is not None:
        text = plain.strip()
    else:
        text = reading.trim_leading_labels(reading.main_text(work.markup or ""), page.title)
    words, english = reading.word_stats(text)
    if words < reading.MIN_ARTICLE_WORDS:
        raise Stop(Page.Status.SKIPPED, f"no article text found ({words} words)")
    if reading.language_from(words, english) == "other":  # a foreign article, English menus
        raise Stop(
            Page.Status.SKIPPED,
            f"not in English (common English words are {english:.0%} of the article)",
        )
    page.text = text
    page.text_sha256 = dedupe.text_fingerprint(text)
    return f"{words} words of article text"


def stage_dedupe(page: Page, work: Work, ctx: Context) -> str:
    exact = (
        Page.objects.filter(text_sha256=page.text_sha256)
        .exclude(pk=page.pk)
        .exclude(status=Page.Status.FAILED)
        .order_by("id")
        .first()
    )
    if exact is not None:
        original = exact.duplicate_of or exact
        page.duplicate_of = original
        raise Stop(Page.Status.DUPLICATE, f"same text as page {original.pk}")
    sketch = dedupe.sketch(page.text)
    shared = (
        SketchValue.objects.filter(value__in=sketch.values)
        .exclude(page_id=page.pk)
        .values("page_id")
        .annotate(n=models.Count("id"))
        .filter(n__gte=dedupe.MIN_SHARED_VALUES)
        .order_by("-n", "page_id")[:5]
    )
    possible = [row["page_id"] for row in shared]
    if possible:
        values: dict[int, list[int]] = {pk: [] for pk in possible}
        for page_id, value in SketchValue.objects.filter(page_id__in=possible).values_list(
            "page_id", "value"
        ):
            values[page_id].append(value)
        sizes = dict(Page.objects.filter(pk__in=possible).values_list("pk", "shingle_count"))
        for original_id in sorted(possible):
            other = dedupe.Sketch(
                values=tuple(sorted(values[original_id])), shingles=sizes.get(original_id, 0)
            )
            if dedupe.is_near_duplicate(sketch, other):
                page.duplicate_of_id = original_id
                share = dedupe.containment(sketch, other)
                raise Stop(
                    Page.Status.DUPLICATE, f"a copy of page {original_id} ({share:.0%} of its text)"
                )
    page.shingle_count = sketch.shingles
    # ignore_conflicts: a page retried after a later stage failed has its values already.
    SketchValue.objects.bulk_create(
        [SketchValue(page=page, value=value) for value in sketch.values], ignore_conflicts=True
    )
    return f"original ({len(possible)} similar pages compared)"


def stage_extract(page: Page, work: Work, ctx: Context) -> str:
    result = ctx.extract(
        article_id=page.article_id,
        text=page.text,
        title=page.title,
        url=page.url,
        published=page.published,
    )
    page.extraction = result
    page.relevant = bool(result.get("relevant"))
    score = result.get("relevance_score")
    page.relevance_score = float(score) if score is not None else None
    if page.published is None and result.get("published"):
        page.published = reading.iso_date(result["published"])
    if not page.relevant:
        raise Stop(Page.Status.DONE, f"not relevant (extractor score {score})")
    events = result.get("events") or []
    return f"relevant, {len(events)} event{'s' if len(events) != 1 else ''}"


def _event_date(value: Any) -> dt.date | None:
    return reading.iso_date(value) if isinstance(value, str) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def stage_candidates(page: Page, work: Work, ctx: Context) -> str:
    events = (page.extraction or {}).get("events") or []
    created = 0
    for index, event in enumerate(events):
        _, new = Candidate.objects.get_or_create(
            page=page,
            event_index=index,
            defaults={
                "event": event,
                "force_name": (event.get("force") or "")[:200],
                "place": (event.get("location") or "")[:200],
                "date": _event_date(event.get("date")),
                "total_arrests": _count(event.get("total_arrests")),
                "confidence": event.get("confidence"),
            },
        )
        created += new
    if not events:
        return "relevant, but no event to propose"
    return f"{created} candidate{'s' if created != 1 else ''} waiting for review"


STAGE_FUNCTIONS: dict[str, Callable[[Page, Work, Context], str | None]] = {
    "fetch": stage_fetch,
    "read": stage_read,
    "prefilter": stage_prefilter,
    "text": stage_text,
    "dedupe": stage_dedupe,
    "extract": stage_extract,
    "candidates": stage_candidates,
}
# Stages that write rows pointing at the page: the page is saved before they run, and their
# writes are rolled back together when they fail.
_WRITES = {"dedupe", "candidates"}


def _record(page: Page, name: str, status: str, started: float, note: str) -> None:
    page.stage = name
    page.stages = {
        **(page.stages or {}),
        name: {
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 2),
            "note": note[:300],
        },
    }


def stage_run(name: str, page: Page, work: Work, ctx: Context) -> bool:
    """Run one stage on a page and record it; True when the page goes on to the next stage.

    Never raises for a problem with the page: a Stop ends the journey with its reason, any
    other exception marks the page failed with the error, except a busy database, which is
    raised for the caller to wait and try again. The stage's own writes are rolled back in
    every case. Not saved here: the caller saves the page.
    """
    if name in _WRITES and page.pk is None:
        page.save()
    started = time.perf_counter()
    try:
        # Only the stages that write get a transaction (a savepoint inside page_process's):
        # an empty BEGIN … COMMIT per stage would cost more than most stages.
        with transaction.atomic() if name in _WRITES else nullcontext():
            note = STAGE_FUNCTIONS[name](page, work, ctx) or ""
    except Stop as stop:
        page.status, page.reason = stop.status, stop.reason[:300]
        stage_status = (
            "failed"
            if stop.status == Page.Status.FAILED
            else ("ok" if stop.status == Page.Status.DONE else stop.status)
        )
        _record(page, name, stage_status, started, stop.reason)
        return False
    except Exception as error:  # noqa: BLE001 (one bad page must never stop the run)
        if database_busy(error):
            # Not the page's fault: the same stage succeeds once the database is free, so
            # the caller waits or retries; recording a failure would drop the page.
            raise
        message = f"{type(error).__name__}: {error}"[:2000]
        page.status, page.error = Page.Status.FAILED, message
        page.reason = f"failed at the {name} stage"
        _record(page, name, "failed", started, message)
        return False
    _record(page, name, "ok", started, note)
    if name == STAGES[-1]:
        page.status, page.reason, page.error = Page.Status.DONE, "", ""
    return True


def page_process(page: Page, work: Work, ctx: Context, *, start: str = "fetch") -> Page:
    """Run the stages from `start` to the end (or the first stop) in this process; save.

    Most pages stop before any stage writes: they are saved with one INSERT. A page that goes
    on to the writing stages is recorded whole (with its sketch and candidates) or not at all.
    """
    page.status, page.error = Page.Status.NEW, ""
    page.attempts += 1
    names = list(STAGES[STAGES.index(start) :])
    going = True
    while going and names and names[0] not in _WRITES:
        going = stage_run(names.pop(0), page, work, ctx)
    if going and names:
        with transaction.atomic():
            while going and names:
                going = stage_run(names.pop(0), page, work, ctx)
            page.raw = ""
            page.save()
        return page
    page.raw = ""
    page.save()
    return page
