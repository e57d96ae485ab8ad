"""From fetched bytes to an article's main text and metadata, and the cheap checks on the way.

Everything here is framework-free and pure, so the pipeline, the benchmark and the tests call
the same functions. The order matters for speed: most pages the monitor sees are not about
policing, and trafilatura costs ~10 ms on a 100 KB page, so the cheap checks (is it text, is it
English, does it use police *and* protest words near each other) run first on a regex-stripped
copy, and only pages that pass them get full main-text extraction.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

import trafilatura


class Unreadable(Exception):
    """The input cannot become article text; the message is the reason shown to people."""


# --- Bytes to characters ----------------------------------------------------------------------

HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "application/feed+json",
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


def media_type(content_type: str) -> str:
    """The bare media type of a Content-Type header.

    >>> media_type("Text/HTML; charset=UTF-8")
    'text/html'
    """
    return content_type.split(";", 1)[0].strip().lower()


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w-]+)", content_type, re.I)
    return match.group(1) if match else None


def looks_binary(data: bytes) -> bool:
    """Bytes that are not text: NULs, or many control characters in the first 4 KB.

    >>> looks_binary(b"<html>fine</html>"), looks_binary(bytes(range(256)))
    (False, True)
    """
    head = data[:4096]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.02


def decode(data: bytes, content_type: str = "") -> str:
    """Bytes to text: the header's charset, else a <meta charset>, else UTF-8, else cp1252.

    Raises Unreadable for binary junk or text that decodes only to replacement characters.
    """
    if looks_binary(data):
        raise Unreadable("binary content, not text")
    candidates = [_charset(content_type)]
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    candidates += ["utf-8", "cp1252"]
    for charset in filter(None, candidates):
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") > len(text) / 20:
        raise Unreadable("binary content, not text")
    return text


# --- Cheap text of a page ---------------------------------------------------------------------

_INVISIBLE = re.compile(
    r"<(script|style|noscript|template|svg|iframe)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I
)
_BLOCK_TAGS = re.compile(r"</?(?:p|div|br|li|h[1-6]|tr|article|section|blockquote)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def rough_text(markup: str) -> str:
    """Visible text of HTML by stripping tags: fast and crude, for the cheap checks only.

    >>> rough_text("<p>Three <b>arrested</b></p><script>x()</script><p>at a march</p>")
    'Three arrested\\nat a march'
    """
    markup = _INVISIBLE.sub(" ", markup)
    markup = _BLOCK_TAGS.sub("\n", markup)
    text = html.unescape(_TAG.sub(" ", markup))
    text = _SPACES.sub(" ", text)
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# --- Visible text ----------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.S | re.I)
MIN_PARAGRAPH_WORDS = 50


def paragraph_text(markup: str) -> str:
    """The text of the page's <p> elements, one paragraph per line.

    News articles are written in paragraphs; menus, "most read" lists and footers are lists
    of links. Reading only paragraphs keeps a sidebar headline ("Police arrest two at rally")
    from making a page about a council vote look relevant.

    >>> paragraph_text("<ul><li>Menu</li></ul><p>First <b>one</b>.</p><p>Second.</p>")
    'First one .\\nSecond.'
    """
    paragraphs = (
        " ".join(html.unescape(_TAG.sub(" ", p)).split()) for p in _PARAGRAPH.findall(markup)
    )
    return "\n".join(p for p in paragraphs if p)


def visible_text(markup: str) -> str:
    """The paragraphs of a page, or all its rough text when it has few paragraphs (pages
    laid out with <div>s instead of <p>s)."""
    paragraphs = paragraph_text(markup)
    if paragraphs.count(" ") >= MIN_PARAGRAPH_WORDS:  # about as many words; much cheaper
        return paragraphs
    return rough_text(markup)


# --- Words and language -----------------------------------------------------------------------

# The commonest English function words. Running English prose has 35–50 % of its words in
# this list; French, German, Spanish or Welsh prose has under 10 %, other scripts none.
_STOP_WORDS_TEXT = (
    "the of and to a in is was for on that with by at as it he she they his her their were "
    "are be been has have had from an this which who said after not but or will would"
)
_ENGLISH_STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_WORDS = re.compile(r"[^\W\d_]+")
MIN_WORDS_FOR_LANGUAGE = 40
MIN_ENGLISH_RATIO = 0.15


def count_words(text: str) -> int:
    return len(_WORDS.findall(text))


def english_ratio(text: str) -> float:
    """Share of the words that are common English function words.

    >>> english_ratio("The police said that three of them were arrested at the march") > 0.3
    True
    >>> english_ratio("La police a interpellé trois manifestants samedi à Paris") < 0.15
    True
    """
    tokens = _WORDS.findall(text.lower())
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if t in _ENGLISH_STOP_WORDS) / len(tokens)


LANGUAGE_SAMPLE = 300


def word_stats(text: str) -> tuple[int, float]:
    """How many words, and the share of common English function words among the first
    LANGUAGE_SAMPLE: the article comes first on a page, readers' comments last, and a French
    article under a hundred English comments is still French."""
    tokens = _WORDS.findall(text.lower())
    if not tokens:
        return 0, 0.0
    sample = tokens[:LANGUAGE_SAMPLE]
    return len(tokens), sum(1 for t in sample if t in _ENGLISH_STOP_WORDS) / len(sample)


def language_of(text: str) -> str:
    """'en', 'other', or '' when the text is too short to tell.

    >>> language_of("Der Polizeisprecher sagte am Samstag, dass die Kundgebung friedlich "
    ...             "verlaufen sei und niemand festgenommen wurde. " * 4)
    'other'
    """
    words, english = word_stats(text)
    return language_from(words, english)


def language_from(words: int, english: float) -> str:
    if words < MIN_WORDS_FOR_LANGUAGE:
        return ""
    return "en" if english >= MIN_ENGLISH_RATIO else "other"


# --- The relevance prefilter ------------------------------------------------------------------

# Recall first: the extractor decides relevance; this only spares it (and trafilatura) the
# pages that cannot be relevant. A page passes when a police word and a protest-or-expression
# word occur within WINDOW characters of each other, so a council story that mentions the
# police once, far from anything about a protest, does not get through.
#
# Speed matters here more than anywhere: every page comes through. Substring tests on the
# lower-cased text reject most pages in a fraction of a millisecond; the regexes run only on
# the windows around police words, and without IGNORECASE (which makes them 3x slower).
_POLICE_STEMS = (
    "polic",
    "officer",
    "constab",
    "arrest",
    "detain",
    "custody",
    "charged",
    "scotland yard",
    "the met",
    "cop",
    "garda",
    "security forces",
    "kettl",
    "stop and search",
    "stop-and-search",
    "dispers",
    "seiz",
    "confiscat",
    "terrorism act",
    "public order act",
)
_POLICE_WORDS = re.compile(
    r"\b(?:polic\w*|officers?|constab\w*|arrest\w*|detain\w*|custody|charged|"
    r"scotland yard|the met|cops?|gardaí|security forces|kettl\w*|stop and search|"
    r"stop-and-search|dispers\w*|seiz\w*|confiscat\w*|(?:terrorism|public order) act)\b"
)
_PROTEST_STEMS = (
    "protest",
    "demonstrat",
    "march",
    "rall",
    "activis",
    "campaign",
    "placard",
    "banner",
    "flag",
    "chant",
    "slogan",
    "vigil",
    "picket",
    "sit-in",
    "occup",
    "blockad",
    "encampment",
    "proscri",
    "tweet",
    "social media",
    "post",
    "facebook",
    "instagram",
    "tiktok",
    "x.com",
    "speech",
    "expression",
    "riot",
    "disorder",
    "assembly",
    "palestine action",
    "just stop oil",
    "extinction rebellion",
    "insulate britain",
    "republic",
)
_PROTEST_WORDS = re.compile(
    # "March" with a capital is usually the month; the verb and noun are lower case.
    r"\b(?:protest\w*|demonstrat\w*|(?-i:march(?:es|ed|ers?|ing)?)|rall(?:y|ies)|"
    r"activis\w*|campaign\w*|"
    r"placards?|banners?|flags?|chant\w*|slogan\w*|vigil\w*|picket\w*|sit-ins?|"
    r"occup\w*|blockad\w*|encampment\w*|proscri\w*|tweet\w*|social media|online posts?|"
    r"posts? on|facebook|instagram|tiktok|x\.com|speech\w*|free speech|expression|"
    r"counter-protest\w*|riot\w*|disorder|unlawful assembly|palestine action|"
    r"just stop oil|extinction rebellion|insulate britain|republic)\b",
    re.I,
)
WINDOW = 400


def mentions_policing_of_protest(text: str) -> bool:
    """Do police words and protest-or-expression words occur near each other?

    >>> mentions_policing_of_protest("Officers arrested six people at the march on Saturday.")
    True
    >>> mentions_policing_of_protest("Police appeal after a burglary in the high street.")
    False
    >>> mentions_policing_of_protest("Police said the road would close in March.")
    False
    """
    lower = text.lower()
    if not any(stem in lower for stem in _POLICE_STEMS):
        return False
    if not any(stem in lower for stem in _PROTEST_STEMS):
        return False
    # Offsets in `lower` are offsets in `text` unless lower-casing changed a length (rare
    # letters such as "İ"); then the police words are searched in the text itself.
    haystack = lower if len(lower) == len(text) else text
    police = _POLICE_WORDS if haystack is lower else re.compile(_POLICE_WORDS.pattern, re.I)
    for match in police.finditer(haystack):
        if _PROTEST_WORDS.search(text, max(0, match.start() - WINDOW), match.end() + WINDOW):
            return True
    return False


# --- Main text and metadata -------------------------------------------------------------------

_META = re.compile(r"<meta\s[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S | re.I)
_TIME = re.compile(r"<time[^>]+datetime\s*=\s*[\"']([^\"']+)", re.I)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TITLE_KEYS = ("og:title", "twitter:title", "title", "headline")
_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "pubdate",
    "publish-date",
    "sailthru.date",
    "parsely-pub-date",
)
_SITE_KEYS = ("og:site_name", "application-name", "publisher", "dc.publisher")


@dataclass
class Metadata:
    title: str = ""
    published: dt.date | None = None
    publisher: str = ""
    language: str = ""  # the primary subtag of <html lang>, e.g. "en", "fr"
    extra: dict[str, str] = field(default_factory=dict)


_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})\b", re.I)


def iso_date(value: str) -> dt.date | None:
    """The first YYYY-MM-DD in a string, as a date.

    >>> iso_date("2025-08-09T14:03:00+01:00")
    datetime.date(2025, 8, 9)
    """
    match = _ISO_DATE.search(value or "")
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _clean(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def metadata(markup: str) -> Metadata:
    """Title, publication date and publisher from <meta> tags, <title>, <h1> and <time>.

    Regex over the head, not a full parse: trafilatura's own metadata pass costs ~100 ms on a
    large page, more than everything else the monitor does to it.
    """
    head = markup[:200_000]
    tags: dict[str, str] = {}
    for meta in _META.finditer(head):
        attributes = {
            m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
            for m in _ATTRIBUTE.finditer(meta.group())
        }
        key = (
            attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or ""
        ).lower()
        if key and "content" in attributes:
            tags.setdefault(key, html.unescape(attributes["content"]).strip())
    result = Metadata(extra=tags)
    result.title = next((tags[k] for k in _TITLE_KEYS if tags.get(k)), "")
    if not result.title:
        found = _H1.search(head) or _TITLE.search(head)
        result.title = _clean(found.group(1)) if found else ""
    for key in _DATE_KEYS:
        if tags.get(key) and (date := iso_date(tags[key])):
            result.published = date
            break
    if result.published is None and (found := _TIME.search(head)):
        result.published = iso_date(found.group(1))
    result.publisher = next((tags[k] for k in _SITE_KEYS if tags.get(k)), "")
    found = _HTML_LANG.search(head[:5000])
    result.language = found.group(1).lower() if found else ""
    return result


def main_text(markup: str) -> str:
    """The article's own text, without menus, adverts and comments.

    trafilatura first; when it finds nothing (odd markup) the page's paragraphs, and failing
    those its rough text, so a page is never dropped for its layout alone.
    """
    try:
        text = trafilatura.extract(
            markup,
            fast=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except Exception:  # noqa: BLE001 (a parser crash on one page must not stop the run)
        text = None
    if text and text.strip():
        return text.strip()
    paragraphs = [_clean(p) for p in _PARAGRAPH.findall(_INVISIBLE.sub(" ", markup))]
    paragraphs = [p for p in paragraphs if len(p.split()) >= 8]
    if paragraphs:
        return "\n\n".join(paragraphs)
    return rough_text(markup)


MIN_ARTICLE_WORDS = 25
_LABEL = re.compile(r"[^.!?\n]{0,40}")


def trim_leading_labels(text: str, title: str = "") -> str:
    """Drop what main-text extraction sometimes keeps above the article: the headline again,
    and short label lines such as the section name or a dateline.

    >>> trim_leading_labels("Scotland\\nSix held at rally\\nPolice held six people.",
    ...                     "Six held at rally")
    'Police held six people.'
    """
    lines = text.split("\n")
    headline = " ".join(title.split()).casefold()
    while len(lines) > 1:
        line = " ".join(lines[0].split())
        if (headline and line.casefold() == headline) or (
            len(line.split()) <= 3 and _LABEL.fullmatch(line)
        ):
            lines.pop(0)
            continue
        break
    return "\n".join(lines).strip()
