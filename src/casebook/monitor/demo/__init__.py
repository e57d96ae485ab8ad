"""Synthetic feeds for `casebook demo`: invented articles whose candidates wait in the queue.

`monitor_demo_load()` registers two demo feeds (paused: their addresses do not exist) and runs
their pages through the real pipeline in this process, as if they had just been fetched: a
few report police action against protest and become candidates, most do not. Safe to call
again: the pages are recognised by address and content and nothing new is created.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from casebook.monitor.demo.articles import ARTICLES, Article
from casebook.monitor.demo.pages import article_page

DEMO_FEEDS = {
    "news": (
        "The Invented Chronicle (demo feed)",
        "https://chronicle.example.invalid/rss.xml",
        "rss",
    ),
    "police": (
        "Invented police newsroom (demo feed)",
        "https://police-newsroom.example.invalid/news.rss",
        "police",
    ),
}


def _address(article: Article) -> str:
    host = "police-newsroom.example.invalid" if article.police else "chronicle.example.invalid"
    return f"https://{host}/{article.published[:4]}/{article.slug}"


def monitor_demo_load() -> dict[str, int]:
    """Load the demo feeds and their pages; returns counts of pages and candidates."""
    from casebook.monitor.intake import Document, InProcessRunner, document_submit
    from casebook.monitor.models import Candidate, Feed, Page
    from casebook.monitor.pipeline import Context

    feeds = {}
    for key, (name, url, kind) in DEMO_FEEDS.items():
        feeds[key], _ = Feed.objects.get_or_create(
            url=url,
            defaults={"name": name, "kind": kind, "active": False, "interval_minutes": 60},
        )
    runner = InProcessRunner(ctx=Context())
    now = timezone.now()
    submitted = {"news": 0, "police": 0}
    for number, article in enumerate(ARTICLES):
        key = "police" if article.police else "news"
        site = "Invented Police Newsroom" if article.police else "The Invented Chronicle"
        document = Document(
            origin=Page.Origin.FEED,
            url=_address(article),
            feed=feeds[key],
            markup=article_page(article, site=site, size=("small", "medium", "large")[number % 3]),
            content_type="text/html; charset=utf-8",
            publisher=site,
            retrieved_at=now - dt.timedelta(minutes=len(ARTICLES) - number),
        )
        submitted[key] += document_submit(document, runner) is not None
    runner.ctx.close()
    for key, feed in feeds.items():
        feed.last_checked_at, feed.last_status = now, Feed.LastStatus.OK
        feed.last_new_pages = submitted[key]
        feed.save(update_fields=["last_checked_at", "last_status", "last_new_pages"])
    return {
        "pages": Page.objects.filter(feed__in=feeds.values()).count(),
        "candidates": Candidate.objects.filter(page__feed__in=feeds.values()).count(),
    }


__all__ = ["monitor_demo_load"]
