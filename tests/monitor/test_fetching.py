"""Fetching over real HTTP from a server on 127.0.0.1: politeness, limits and bad input."""

from __future__ import annotations

import threading

import pytest

from casebook.monitor.fetching import Fetcher, FetchError, parse_feed
from casebook.monitor.intake import InProcessRunner, feed_poll
from casebook.monitor.models import Feed, Page
from casebook.monitor.pipeline import Context
from tests.monitor.pipeline_support import LocalServer, fixture, slow_chunks

UA = "Casebook-monitor/0.1 (+https://casebook.example.test/bot)"


@pytest.fixture
def server():
    running = LocalServer().start()
    yield running
    running.stop()


def fetcher(**overrides) -> Fetcher:
    options = {
        "user_agent": UA,
        "timeout": 30.0,  # generous: a busy machine may answer slowly
        "max_bytes": 200_000,
        "host_delay": 0,
        "allow_private": True,
    }
    return Fetcher(**(options | overrides))


def no_extractor(**kwargs):
    raise AssertionError("these tests never reach extraction")


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Invented feed</title>
<item><title>Allotments</title><link>/allotments</link><pubDate>Thu, 02 Oct 2025 08:00:00 GMT
</pubDate></item></channel></rss>"""


def test_a_page_is_fetched_with_our_user_agent(server):
    server.serve("/story", fixture("allotments.html"))
    with fetcher() as client:
        fetched = client.get(server.url("/story"))
    assert fetched.status == 200
    assert fetched.body == fixture("allotments.html")
    assert server.seen("/story")[0].headers["user-agent"] == UA


def test_the_user_agent_names_the_contact_address_from_settings(settings):
    settings.MONITOR_USER_AGENT = "Casebook-monitor/0.1 (+https://group.example.test/monitor)"
    assert Fetcher.from_settings().user_agent.endswith("(+https://group.example.test/monitor)")


def test_an_unchanged_feed_is_asked_conditionally_and_its_304_creates_nothing(server, db):
    def feed_route(request):
        if request.headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return (
            200,
            {
                "Content-Type": "application/rss+xml",
                "ETag": '"v1"',
                "Last-Modified": "Thu, 02 Oct 2025 08:00:00 GMT",
            },
            RSS.encode(),
        )

    server.routes["/feed.xml"] = feed_route
    server.serve("/allotments", fixture("allotments.html"))
    feed = Feed.objects.create(name="Invented", url=server.url("/feed.xml"))
    runner = InProcessRunner(ctx=Context(fetcher=fetcher(), extract=no_extractor))

    first = feed_poll(feed, runner)
    assert first.status == Feed.LastStatus.OK and first.new_pages == 1
    pages = Page.objects.count()
    second = feed_poll(feed, runner)

    assert second.status == Feed.LastStatus.NOT_MODIFIED
    assert Page.objects.count() == pages
    conditional = server.seen("/feed.xml")[1].headers
    assert conditional["if-none-match"] == '"v1"'
    assert conditional["if-modified-since"] == "Thu, 02 Oct 2025 08:00:00 GMT"
    feed.refresh_from_db()
    assert (feed.etag, feed.last_status) == ('"v1"', "not_modified")


def test_a_body_past_the_size_cap_is_aborted_while_streaming(server):
    # No Content-Length: the server would send forever; we must stop reading at the cap.
    server.routes["/endless"] = lambda request: (
        200,
        {"Content-Type": "text/html"},
        slow_chunks(b"<p>" + b"x" * 16_381, every=0),
    )
    with fetcher(max_bytes=100_000) as client, pytest.raises(FetchError, match="too large"):
        client.get(server.url("/endless"))


def test_a_declared_length_past_the_cap_is_refused_before_reading(server):
    server.serve("/huge", b"x" * 300_000)
    with fetcher(max_bytes=100_000) as client, pytest.raises(FetchError, match="declared"):
        client.get(server.url("/huge"))


def test_a_server_that_never_answers_times_out(server):
    # No clock in the assertion: the server answers only after 30 s, far past the timeout, so
    # a fetcher without its timeout would get the page instead of the error.
    released = threading.Event()

    def silent(request):
        released.wait(30)
        return 200, {"Content-Type": "text/html"}, b"<p>late</p>"

    server.routes["/silent"] = silent
    try:
        with fetcher(timeout=0.5) as client, pytest.raises(FetchError, match="timed out"):
            client.get(server.url("/silent"))
    finally:
        released.set()


def test_a_server_trickling_bytes_is_cut_off_at_the_whole_request_deadline(server):
    # Each byte arrives inside the read timeout; only a deadline on the whole fetch stops it.
    # The trickle lasts 30 s, far past the deadline: without one, the fetch would complete.
    chunks = 300
    server.routes["/trickle"] = lambda request: (
        200,
        {"Content-Type": "text/html"},
        slow_chunks(b"<p>a</p>", every=0.1, count=chunks),
    )
    with fetcher(timeout=0.8) as client, pytest.raises(FetchError, match="timed out"):
        client.get(server.url("/trickle"))


def test_redirects_are_followed_and_the_final_address_kept(server):
    server.routes["/old"] = lambda request: (301, {"Location": "/new"}, b"")
    server.serve("/new", "<p>moved here</p>")
    with fetcher() as client:
        fetched = client.get(server.url("/old"))
    assert fetched.url == server.url("/new")
    assert fetched.body == b"<p>moved here</p>"


def test_a_redirect_loop_is_stopped(server):
    server.routes["/loop"] = lambda request: (302, {"Location": "/loop"}, b"")
    with fetcher() as client, pytest.raises(FetchError, match="redirects"):
        client.get(server.url("/loop"))


def test_http_errors_and_unreachable_hosts_give_a_reason(server):
    with fetcher() as client:
        with pytest.raises(FetchError, match="HTTP 404"):
            client.get(server.url("/missing"))
        with pytest.raises(FetchError, match="could not connect"):
            client.get("http://127.0.0.1:9/closed")  # the discard port: nothing listens
        with pytest.raises(FetchError, match="not a web address"):
            client.get("file:///etc/passwd")


def test_addresses_on_this_machine_are_refused_unless_allowed(server):
    server.serve("/inside", "<p>internal service</p>")
    with fetcher(allow_private=False) as client, pytest.raises(FetchError, match="private"):
        client.get(server.url("/inside"))
    assert not server.seen("/inside")


def test_a_malformed_feed_is_recorded_on_the_feed_and_the_run_goes_on(server, db):
    server.serve("/broken.xml", fixture("malformed.xml"), content_type="application/rss+xml")
    server.serve("/good.xml", RSS, content_type="application/rss+xml")
    server.serve("/allotments", fixture("allotments.html"))
    broken = Feed.objects.create(name="Broken", url=server.url("/broken.xml"))
    good = Feed.objects.create(name="Good", url=server.url("/good.xml"))
    unreachable = Feed.objects.create(name="Gone", url="http://127.0.0.1:9/feed.xml")
    runner = InProcessRunner(ctx=Context(fetcher=fetcher(), extract=no_extractor))

    reports = [feed_poll(feed, runner) for feed in (broken, unreachable, good)]

    assert [r.status for r in reports] == ["failed", "failed", "ok"]
    broken.refresh_from_db()
    assert "not a valid RSS or Atom feed" in broken.last_error
    unreachable.refresh_from_db()
    assert "could not connect" in unreachable.last_error
    assert Page.objects.filter(feed=good).count() == 1


@pytest.mark.parametrize(
    ("content_type", "body", "reason"),
    [
        ("application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not a web page or text"),
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a web page or text"),
        ("text/html", bytes(range(256)) * 40, "binary content"),
    ],
)
def test_what_is_not_a_web_page_is_skipped_with_its_reason(server, db, content_type, body, reason):
    server.serve("/thing", body, content_type=content_type)
    server.serve(
        "/feed.xml", RSS.replace("/allotments", "/thing"), content_type="application/rss+xml"
    )
    feed = Feed.objects.create(name="Invented", url=server.url("/feed.xml"))
    feed_poll(feed, InProcessRunner(ctx=Context(fetcher=fetcher(), extract=no_extractor)))
    page = Page.objects.get(feed=feed)
    assert page.status == Page.Status.SKIPPED
    assert reason in page.reason
    assert page.stage == "fetch"
    assert not page.text


def test_parse_feed_reads_atom_and_resolves_relative_links():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>Invented Atom</title>
    <entry><title>One</title><link href="/one"/><updated>2025-10-05T10:00:00Z</updated>
    <content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>"""
    document = parse_feed(atom, base_url="https://invented.example.test/feeds/all")
    assert document.title == "Invented Atom"
    entry = document.entries[0]
    assert entry.url == "https://invented.example.test/one"
    assert str(entry.published) == "2025-10-05"
    assert "Body" in entry.content


def test_parse_feed_refuses_what_is_not_a_feed():
    with pytest.raises(FetchError, match="not a valid RSS or Atom feed"):
        parse_feed(fixture("allotments.html"))
    with pytest.raises(FetchError, match="empty"):
        parse_feed(b"  ")
