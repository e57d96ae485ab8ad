"""`casebook monitor …`: feeds, ingesting local files, running and watching the pipeline.

casebook monitor add-feed URL [--name N] [--interval MIN] [--kind rss|page|police]
casebook monitor feeds                       list the feeds and how their last read went
casebook monitor ingest PATH                 HTML, text or JSON Lines files, or a folder
casebook monitor run [--in-process]          read every active feed once
casebook monitor watch [--in-process]        keep reading feeds at their intervals
casebook monitor export-decisions OUT.jsonl  reviewers' decisions as gold-like records
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone
from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from casebook.monitor.intake import (
    IngestError,
    InProcessRunner,
    feed_poll,
    ingest,
    ingest_paths,
    runner_default,
)
from casebook.monitor.models import Candidate, Feed, Page
from casebook.monitor.pipeline import Context

WATCH_TICK_SECONDS = 15


class Command(BaseCommand):
    help = (
        "The news monitor: add-feed, feeds, ingest, run, watch, export-decisions "
        "(`casebook monitor VERB --help`)."
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

        add = verbs.add_parser("add-feed", help="Monitor a feed or a web address.")
        add.add_argument("url")
        add.add_argument("--name", default="")
        add.add_argument(
            "--interval",
            type=int,
            default=None,
            help="Minutes between reads (default CASEBOOK_MONITOR_FEED_INTERVAL).",
        )
        add.add_argument(
            "--kind",
            choices=[k.value for k in Feed.Kind],
            default="rss",
            help="rss (RSS or Atom), page (one web address) or police (a force's "
            "own feed or page: its articles become police statements).",
        )

        verbs.add_parser("feeds", help="List the feeds.")

        ingest_parser = verbs.add_parser(
            "ingest",
            help="Read HTML files, text files or JSON Lines of {id, url, title, "
            "published, text or html}, or a folder of them.",
        )
        ingest_parser.add_argument("path", type=Path)
        ingest_parser.add_argument(
            "--in-process",
            action="store_true",
            help="Run the stages here even when a broker is set.",
        )

        run = verbs.add_parser("run", help="Read every active feed once.")
        run.add_argument(
            "--in-process",
            action="store_true",
            help="Run the stages here even when a broker is set.",
        )

        watch = verbs.add_parser(
            "watch", help="Keep reading feeds at their intervals (Ctrl+C stops)."
        )
        watch.add_argument(
            "--in-process",
            action="store_true",
            help="Run the stages here even when a broker is set.",
        )

        export = verbs.add_parser(
            "export-decisions",
            help="Write reviewers' decisions as JSON Lines in the "
            "extraction format, for `casebook eval extract`.",
        )
        export.add_argument("out", type=Path)

    def handle(self, *args, verb, **options):
        self.console = Console()
        handler = {
            "add-feed": self.add_feed,
            "feeds": self.feeds,
            "ingest": self.ingest,
            "run": self.run,
            "watch": self.watch,
            "export-decisions": self.export_decisions,
        }[verb]
        handler(**options)

    # -- verbs ----------------------------------------------------------------------------------

    def add_feed(self, *, url, name, interval, kind, **_):
        from casebook.monitor.services import feed_add

        try:
            feed = feed_add(url=url, name=name, kind=kind, interval_minutes=interval)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.console.print(
            f"Added feed {feed.pk}: {feed.name} ({feed.get_kind_display()}, "
            f"every {feed.interval_minutes} min)."
        )

    def feeds(self, **_):
        self.console.print(self._feed_table(Feed.objects.all()))

    def _runner(self, in_process: bool, progress_callback=None):
        if in_process or not settings.MONITOR_BROKER_URL:
            return InProcessRunner(ctx=Context(), on_page=progress_callback)
        self.console.print(
            f"Sending the stages to the broker at "
            f"{_redacted(settings.MONITOR_BROKER_URL)} (`casebook worker` runs "
            "them)."
        )
        return runner_default()

    def ingest(self, *, path, in_process, **_):
        try:
            files = ingest_paths(path)
        except IngestError as error:
            raise CommandError(str(error)) from None
        started = time.perf_counter()
        with self._progress() as progress:
            task = progress.add_task(
                f"Pages from {len(files)} file{'s' if len(files) != 1 else ''}", total=None
            )
            runner = self._runner(in_process)
            try:
                report = ingest(
                    path,
                    runner,
                    cap=settings.MONITOR_MAX_BYTES,
                    progress=lambda: progress.advance(task),
                )
            finally:
                getattr(runner, "ctx", Context()).close()
        elapsed = time.perf_counter() - started
        self.console.print(
            f"{report.submitted} page{'s' if report.submitted != 1 else ''} processed, "
            f"{report.unchanged} already seen, in {elapsed:.1f} s."
        )
        for error in report.errors[:20]:
            self.console.print(f"[yellow]skipped[/] {error}")
        if len(report.errors) > 20:
            self.console.print(f"… and {len(report.errors) - 20} more lines skipped.")
        self._summary()

    def run(self, *, in_process, **_):
        feeds = list(Feed.objects.filter(active=True))
        if not feeds:
            self.console.print("No active feeds: add one with `casebook monitor add-feed URL`.")
            return
        with self._progress() as progress:
            task = progress.add_task("Reading feeds", total=len(feeds))
            runner = self._runner(in_process)
            try:
                for feed in feeds:
                    progress.update(task, description=f"Reading {feed.name[:40]}")
                    report = feed_poll(feed, runner, ctx=getattr(runner, "ctx", None))
                    progress.console.print(_feed_line(report))
                    progress.advance(task)
            finally:
                getattr(runner, "ctx", Context()).close()
        self._summary()

    def watch(self, *, in_process, **_):
        runner = self._runner(in_process)
        self.console.print("Watching the feeds; Ctrl+C stops.")
        try:
            with Live(
                self._feed_table(Feed.objects.all()), console=self.console, refresh_per_second=1
            ) as live:
                while True:
                    for feed in Feed.objects.due():
                        feed_poll(feed, runner, ctx=getattr(runner, "ctx", None))
                        live.update(self._feed_table(Feed.objects.all()))
                    live.update(self._feed_table(Feed.objects.all()))
                    time.sleep(WATCH_TICK_SECONDS)
        except KeyboardInterrupt:
            self.console.print("Stopped.")
        finally:
            getattr(runner, "ctx", Context()).close()

    def export_decisions(self, *, out, **_):
        from casebook.monitor.services import decisions_export

        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            written = decisions_export(handle)
        self.console.print(
            f"{written} decided article{'s' if written != 1 else ''} written to "
            f"{out} (score the extractor on them: `casebook eval extract {out}`)."
        )

    # -- output ---------------------------------------------------------------------------------

    def _progress(self) -> Progress:
        return Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
        )

    def _feed_table(self, feeds) -> Table:
        table = Table(title=f"Feeds at {timezone.localtime():%H:%M:%S}")
        for column in ("id", "name", "kind", "every", "last read", "outcome", "next"):
            table.add_column(column)
        for feed in feeds:
            outcome = feed.get_last_status_display()
            if feed.last_status == Feed.LastStatus.FAILED:
                outcome = f"[red]failed[/]: {feed.last_error[:60]}"
            elif feed.last_checked_at:
                outcome += f", {feed.last_new_pages} new"
            table.add_row(
                str(feed.pk),
                feed.name[:40],
                feed.kind,
                f"{feed.interval_minutes} min",
                f"{timezone.localtime(feed.last_checked_at):%d %b %H:%M}"
                if feed.last_checked_at
                else "never",
                outcome if feed.active else "paused",
                "—"
                if not feed.active
                else f"{timezone.localtime(feed.next_due_at):%H:%M}"
                if feed.next_due_at
                else "now",
            )
        return table

    def _summary(self) -> None:
        pages = dict(Page.objects.values_list("status").annotate(n=Count("id")))
        waiting = Candidate.objects.filter(status=Candidate.Status.PENDING).count()
        parts = ", ".join(
            f"{label.lower()} {pages.get(value, 0)}" for value, label in Page.Status.choices
        )
        self.console.print(f"Pages: {parts}. Candidates waiting for review: {waiting}.")


def _feed_line(report) -> str:
    if report.status == Feed.LastStatus.FAILED:
        return f"[red]✗[/] {report.feed.name}: {report.note}"
    return f"[green]✓[/] {report.feed.name}: {report.note}"


def _redacted(url: str) -> str:
    """A broker URL without its password.

    >>> _redacted("redis://:secret@db:6379/0")
    'redis://:***@db:6379/0'
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url
