"""Render an invented article as a realistic news web page, and invented feeds of them.

Real news pages are mostly not the article: navigation with hundreds of links, cookie banners,
advert slots with their scripts, "most read" lists, comments and a long footer. The pages
made here have all of those, so the demo, the tests and the benchmark exercise main-text
extraction as it is in the wild (30–150 KB of markup around a few KB of text).
"""

from __future__ import annotations

import html
import random
from collections.abc import Sequence
from email.utils import format_datetime

from casebook.monitor.demo.articles import ARTICLES, Article

SECTIONS = [
    "News",
    "UK",
    "World",
    "Politics",
    "Business",
    "Money",
    "Sport",
    "Football",
    "Cricket",
    "Culture",
    "Film",
    "Music",
    "Books",
    "Travel",
    "Food",
    "Lifestyle",
    "Health",
    "Science",
    "Technology",
    "Environment",
    "Education",
    "Opinion",
    "Weather",
    "Puzzles",
    "Obituaries",
    "Property",
    "Motoring",
    "Jobs",
]
PLACES = [
    "Bristol",
    "Leeds",
    "Cardiff",
    "Glasgow",
    "Manchester",
    "Norwich",
    "Exeter",
    "Sheffield",
    "Newcastle",
    "Brighton",
    "Swansea",
    "Aberdeen",
    "Belfast",
    "York",
    "Plymouth",
    "Leicester",
    "Derby",
    "Hull",
    "Oxford",
    "Cambridge",
]
HEADLINE_PARTS = [
    "Plans for {place} riverside homes approved after long wait",
    "Five things to do in {place} this weekend",
    "{place} school rated outstanding for the first time",
    "Roadworks on main route into {place} to last six weeks",
    "Warning over fake parking fines in {place}",
    "New cycle lane divides opinion in {place}",
    "{place} café named one of the best in the country",
    "Hospital in {place} opens new children's ward",
    "Rail strike: what it means for passengers in {place}",
    "House prices in {place} rise faster than the national average",
    "Tributes paid to much-loved {place} shopkeeper",
    "{place} festival line-up announced",
]
COMMENTS = [
    "Great to see this covered properly for once.",
    "I walk past there every day and had no idea.",
    "Who is going to pay for all of this, though?",
    "Not the first time this has happened and it won't be the last.",
    "Excellent reporting, thank you.",
    "The comments on here are always the same people saying the same things.",
    "My nan used to live on that street, it has changed so much.",
    "Does anyone know if the market is still on this Saturday?",
    "This is exactly why I stopped reading the paper.",
    "Fair play to everyone involved.",
]


def _nav(rng: random.Random, links: int) -> str:
    items = []
    for n in range(links):
        section = SECTIONS[n % len(SECTIONS)]
        label = section if n < len(SECTIONS) else f"{section} {n}"
        items.append(
            f'<li class="nav__item"><a class="nav__link" data-track="nav-{n}" '
            f'href="/{section.lower()}/{n}">{label}</a></li>'
        )
    return (
        '<nav class="site-nav" aria-label="Sections"><ul class="nav__list">'
        + "".join(items)
        + "</ul></nav>"
    )


def _advert(rng: random.Random, n: int, payload: int) -> str:
    blob = rng.randbytes(payload // 2).hex()
    return (
        f'<div class="ad-slot ad-slot--{n}" id="ad-{n}" data-ad-unit="/1234/news/{n}">'
        f'<script>window.__ads=window.__ads||[];window.__ads.push({{"slot":"ad-{n}",'
        f'"targeting":{{"k":"{blob}"}},"sizes":[[300,250],[728,90]]}});</script>'
        f'<noscript><img src="/ads/{n}.gif" alt=""></noscript></div>'
    )


def _most_read(rng: random.Random, headlines: Sequence[str]) -> str:
    items = "".join(
        f'<li><a href="/news/{rng.randint(10000, 99999)}">{html.escape(h)}</a></li>'
        for h in headlines
    )
    return f'<aside class="most-read"><h2>Most read</h2><ol>{items}</ol></aside>'


def _comments(rng: random.Random, count: int) -> str:
    items = []
    for n in range(count):
        text = " ".join(rng.choice(COMMENTS) for _ in range(rng.randint(1, 3)))
        items.append(
            f'<div class="comment" id="c{n}"><p class="comment__author">reader'
            f'{rng.randint(100, 9999)}</p><p class="comment__body">{html.escape(text)}'
            f'</p><button class="comment__reply">Reply</button></div>'
        )
    return (
        f'<section id="comments" class="comments"><h2>{count} comments</h2>'
        + "".join(items)
        + "</section>"
    )


def filler_headlines(rng: random.Random, count: int) -> list[str]:
    return [rng.choice(HEADLINE_PARTS).format(place=rng.choice(PLACES)) for _ in range(count)]


def page_html(
    *,
    title: str,
    text: str,
    published: str,
    site: str,
    rng: random.Random,
    section: str = "News",
    size: str = "medium",
    most_read: Sequence[str] | None = None,
    byline: str = "By a staff reporter",
    lang: str = "en-GB",
) -> str:
    """A whole news page around one article. `size` is small (~30 KB), medium (~70 KB) or
    large (~140 KB) of markup."""
    nav_links, ads, payload, comments = {
        "small": (60, 4, 2500, 6),
        "medium": (160, 8, 4500, 20),
        "large": (300, 14, 6500, 45),
    }[size]
    paragraphs = "".join(
        f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip()
    )
    headlines = list(most_read) if most_read is not None else filler_headlines(rng, 10)
    escaped_title = html.escape(title)
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{escaped_title} | {html.escape(site)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{escaped_title}">
<meta property="og:site_name" content="{html.escape(site)}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{published}T09:{rng.randint(10, 59)}:00+01:00">
<meta property="article:section" content="{html.escape(section)}">
<link rel="stylesheet" href="/static/site.{rng.randint(1000, 9999)}.css">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}
gtag('js',new Date());gtag('config','G-INVENTED{rng.randint(10, 99)}');</script>
</head><body class="article-page">
<div class="cookie-banner" role="dialog"><p>We use cookies to improve your experience and to
show you personalised adverts. You can change your choices at any time.</p>
<button>Accept all</button><button>Manage choices</button></div>
<header class="masthead"><a class="logo" href="/">{html.escape(site)}</a>
<form class="search" action="/search"><input name="q" placeholder="Search"></form>
{_nav(rng, nav_links)}</header>
{_advert(rng, 0, payload)}
<main class="layout"><article class="story">
<p class="story__section">{html.escape(section)}</p>
<h1 class="story__headline">{escaped_title}</h1>
<p class="story__byline">{html.escape(byline)}</p>
<time class="story__date" datetime="{published}">{published}</time>
<div class="story__body">{paragraphs}</div>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share by email</a></div>
</article>
{"".join(_advert(rng, n, payload) for n in range(1, ads))}
{_most_read(rng, headlines)}
{_comments(rng, comments) if lang.startswith("en") else ""}
</main>
<footer class="site-footer">{_nav(rng, nav_links // 2)}
<p>© {html.escape(site)}. All rights reserved. Registered in England and Wales.</p></footer>
<script src="/static/bundle.{rng.randint(1000, 9999)}.js" defer></script>
</body></html>"""


def article_page(
    article: Article, *, site: str = "The Invented Chronicle", seed: int = 1, size: str = "medium"
) -> str:
    rng = random.Random(f"{article.slug}-{seed}")
    return page_html(
        title=article.title,
        text=article.text,
        published=article.published,
        site=site,
        section=article.section,
        rng=rng,
        size=size,
        lang="en-GB" if article.language == "en" else article.language,
    )


def rss_feed(
    *, title: str, link: str, items: Sequence[tuple[Article, str]], full_content: bool = True
) -> str:
    """An RSS 2.0 feed of (article, its address) pairs; with `full_content` each item carries
    the article's paragraphs in content:encoded, as many police and local-news feeds do."""
    import datetime as dt

    entries = []
    for article, url in items:
        date = dt.datetime.fromisoformat(f"{article.published}T09:00:00+00:00")
        body = "".join(f"<p>{html.escape(p.strip())}</p>" for p in article.text.split("\n\n"))
        content = f"<content:encoded><![CDATA[{body}]]></content:encoded>" if full_content else ""
        entries.append(
            f"<item><title>{html.escape(article.title)}</title><link>{html.escape(url)}</link>"
            f"<guid>{html.escape(url)}</guid><pubDate>{format_datetime(date)}</pubDate>"
            f"<description>{html.escape(article.text.split(chr(10))[0][:200])}</description>"
            f"{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
        f"<description>{html.escape(title)}</description>{''.join(entries)}</channel></rss>"
    )


__all__ = ["ARTICLES", "article_page", "page_html", "rss_feed"]
