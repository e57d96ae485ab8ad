"""Fetching feeds and pages politely and safely, and reading RSS and Atom.

Politeness: a user agent that names us and a contact address, conditional requests (ETag and
Last-Modified, so an unchanged feed costs its publisher a 304), and a pause between two
requests to the same host, shared by every fetcher in the process.

Safety: a whole-request deadline as well as connect and read timeouts (a server that trickles
one byte a second is cut off), a size cap enforced while streaming (the body is never read
past it, compressed or not), a limit on redirects, http and https only, and no addresses on
this machine or the private network unless MONITOR_ALLOW_PRIVATE_ADDRESSES is set.

Every failure is a FetchError whose message is the reason shown in the monitor's pages.
"""

from __future__ import annotations

import calendar
import datetime as dt
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5,*/*;q=0.1"
FEED_ACCEPT = (
    "application/rss+xml,application/atom+xml;q=0.9,application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.1"
)


class FetchError(Exception):
    """A fetch that failed; str(error) is a short reason for people."""


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str = ""
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    elapsed_ms: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def human_size(n: int) -> str:
    """A byte count for people.

    >>> human_size(5 * 1024 * 1024), human_size(2048), human_size(12)
    ('5.0 MB', '2 KB', '12 bytes')
    """
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} bytes"


# One clock per host for the whole process: two feeds on the same site share the pause.
_host_lock = threading.Lock()
_host_next_slot: dict[str, float] = {}


def _wait_for_host(host: str, delay: float, *, clock=time.monotonic, sleep=time.sleep) -> None:
    if delay <= 0:
        return
    with _host_lock:
        now = clock()
        slot = max(now, _host_next_slot.get(host, 0.0))
        _host_next_slot[host] = slot + delay
    if slot > now:
        sleep(slot - now)


def _refuse_private(host: str) -> None:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise FetchError(f"could not find the host {host} ({error.strerror})") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global:
            raise FetchError(
                f"{host} is on this machine or a private network ({address}); "
                "set CASEBOOK_MONITOR_ALLOW_PRIVATE_ADDRESSES=1 to allow it"
            )


@dataclass
class Fetcher:
    """An HTTP client with the monitor's limits. Use as a context manager, or call close()."""

    user_agent: str
    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    host_delay: float = 2.0
    allow_private: bool = False
    max_redirects: int = 5
    clock: Callable[[], float] = time.monotonic
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_settings(cls, **overrides) -> Fetcher:
        from django.conf import settings

        options = {
            "user_agent": settings.MONITOR_USER_AGENT,
            "timeout": float(settings.MONITOR_FETCH_TIMEOUT),
            "max_bytes": settings.MONITOR_MAX_BYTES,
            "host_delay": settings.MONITOR_HOST_DELAY_MS / 1000,
            "allow_private": settings.MONITOR_ALLOW_PRIVATE_ADDRESSES,
        }
        return cls(**(options | overrides))

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            hooks = [] if self.allow_private else [self._check_request]
            self._client = httpx.Client(
                headers={"User-Agent": self.user_agent},
                timeout=httpx.Timeout(self.timeout, connect=min(10.0, self.timeout)),
                follow_redirects=True,
                max_redirects=self.max_redirects,
                event_hooks={"request": hooks},
                trust_env=False,
            )
        return self._client

    def _check_request(self, request: httpx.Request) -> None:
        # Called for the first request and for every redirect, so a public address cannot
        # bounce us into the private network.
        _refuse_private(request.url.host)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(
        self, url: str, *, etag: str = "", last_modified: str = "", accept: str = HTML_ACCEPT
    ) -> Fetched:
        """GET `url` within the limits; a 304 comes back as Fetched(status=304, body=b"")."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not a web address: {url[:200]}")
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        _wait_for_host(parts.hostname, self.host_delay)
        started = self.clock()
        deadline = started + self.timeout
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                fetched = Fetched(
                    url=str(response.url),
                    status=response.status_code,
                    content_type=response.headers.get("content-type", ""),
                    etag=response.headers.get("etag", ""),
                    last_modified=response.headers.get("last-modified", ""),
                )
                if response.status_code == 304:
                    return fetched
                if response.status_code >= 400:
                    raise FetchError(f"the server answered HTTP {response.status_code}")
                if response.status_code >= 300:
                    raise FetchError(f"a redirect without a target (HTTP {response.status_code})")
                fetched.body = self._read_capped(response, deadline)
        except httpx.TooManyRedirects:
            raise FetchError(f"more than {self.max_redirects} redirects") from None
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {self.timeout:g} s") from None
        except httpx.ConnectError as error:
            raise FetchError(f"could not connect to {parts.hostname} ({error})") from None
        except httpx.UnsupportedProtocol:
            raise FetchError("redirected to an address that is not http or https") from None
        except httpx.HTTPError as error:
            raise FetchError(f"the transfer failed ({type(error).__name__}: {error})") from None
        fetched.elapsed_ms = (self.clock() - started) * 1000
        return fetched

    def _read_capped(self, response: httpx.Response, deadline: float) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(
                f"too large: {human_size(int(declared))} declared, the cap is "
                f"{human_size(self.max_bytes)}"
            )
        chunks, total = [], 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > self.max_bytes:
                raise FetchError(f"too large: more than the {human_size(self.max_bytes)} cap")
            if self.clock() > deadline:
                raise FetchError(f"timed out after {self.timeout:g} s (body still arriving)")
            chunks.append(chunk)
        return b"".join(chunks)


# --- Feeds ------------------------------------------------------------------------------------


@dataclass
class FeedEntry:
    url: str
    title: str = ""
    published: dt.date | None = None
    content: str = ""  # HTML of the entry's full content, when the feed carries it
    summary: str = ""


@dataclass
class FeedDocument:
    title: str
    entries: list[FeedEntry]
    warning: str = ""  # the feed parsed despite an error (feedparser is lenient)


def _entry_date(entry) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC).date()
    return None


def parse_feed(body: bytes, *, base_url: str = "") -> FeedDocument:
    """Read RSS or Atom bytes; FetchError when it is not a feed at all.

    >>> doc = parse_feed(b'<rss version="2.0"><channel><title>T</title><item>'
    ...                  b'<link>/a</link><title>A</title></item></channel></rss>',
    ...                  base_url="https://news.example.test/feed")
    >>> doc.title, doc.entries[0].url
    ('T', 'https://news.example.test/a')
    """
    if not body.strip():
        raise FetchError("the feed is empty")
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    error = parsed.get("bozo_exception")
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        detail = f" ({str(error)[:150]})" if error else ""
        raise FetchError(f"not a valid RSS or Atom feed{detail}")
    entries = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if not link:
            continue
        content = ""
        if entry.get("content"):
            content = max((c.get("value", "") for c in entry.content), key=len)
        entries.append(
            FeedEntry(
                url=urljoin(base_url, link.strip()),
                title=(entry.get("title") or "").strip(),
                published=_entry_date(entry),
                content=content,
                summary=entry.get("summary") or "",
            )
        )
    warning = f"parsed despite an error: {str(error)[:150]}" if parsed.get("bozo") else ""
    return FeedDocument(
        title=(parsed.feed.get("title") or "").strip(), entries=entries, warning=warning
    )
