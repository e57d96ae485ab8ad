"""Test support for the monitor's pipeline: a real HTTP server on 127.0.0.1, fixtures, and
candidates built without the extractor.

The server runs in a thread for one test. Routes map a path to a handler that gets the request
(path and headers) and returns (status, headers, body); a body may be an iterator of chunks
with delays, to play a slow or endless server. Every request is logged for assertions.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pipeline"

Response = tuple[int, dict[str, str], bytes | Iterable[bytes]]
Handler = Callable[["Request"], Response]


@dataclass
class Request:
    path: str
    headers: dict[str, str]


@dataclass
class LocalServer:
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    bytes_sent: dict[str, int] = field(default_factory=dict)

    def start(self) -> LocalServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802 (http.server's naming)
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                server.requests.append(request)
                handler = server.routes.get(self.path.split("?")[0])
                if handler is None:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                else:
                    status, headers, body = handler(request)
                self.send_response(status)
                streaming = not isinstance(body, bytes)
                for name, value in headers.items():
                    self.send_header(name, value)
                if not streaming and "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                if streaming and "Content-Length" not in headers:
                    self.send_header("Connection", "close")
                self.end_headers()
                sent = 0
                try:
                    for chunk in [body] if not streaming else body:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                server.bytes_sent[self.path] = server.bytes_sent.get(self.path, 0) + sent
                if streaming:
                    self.close_connection = True

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        # A client that hangs up early (the size cap, a timeout) is expected here.
        self._httpd.handle_error = lambda request, address: None
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        **headers: str,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        extra = {k.replace("_", "-").title(): v for k, v in headers.items()}
        self.routes[path] = lambda request: (200, {"Content-Type": content_type, **extra}, data)

    def seen(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path.split("?")[0] == path]


def slow_chunks(chunk: bytes, *, every: float, count: int | None = None) -> Iterable[bytes]:
    n = 0
    while count is None or n < count:
        time.sleep(every)
        yield chunk
        n += 1


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- Candidates without the extractor ----------------------------------------------------------

ARTICLE = (
    "Police arrested five people at a protest in Testford on Saturday. Scotland Yard said "
    "three were held under section 13 of the Terrorism Act for carrying flags, and two for "
    "assaulting officers. <script>alert('x')</script> Organisers called it an outrage."
)


def _span(text: str, words: str) -> list[list[int]]:
    start = text.index(words)
    return [[start, start + len(words)]]


def event_for(
    text: str = ARTICLE,
    *,
    date: str | None = "2025-06-07",
    force: str | None = "Metropolitan Police Service",
    place: str | None = "Testford",
    total: int | None = 5,
) -> dict:
    """An event in the extraction format with spans into `text` (which must hold the words)."""
    return {
        "force": force,
        "country": "GB",
        "location": place,
        "date": date,
        "total_arrests": total,
        "confidence": 0.9,
        "spans": {
            "force": _span(text, "Scotland Yard"),
            "location": _span(text, "Testford"),
            "date": _span(text, "on Saturday"),
            "total_arrests": _span(text, "five"),
        },
        "acts": [
            {
                "type": "arrest",
                "count": 3,
                "legal_basis": "Terrorism Act 2000 s13",
                "offence": "carrying flags",
                "trigger": "flag",
                "confidence": 0.9,
                "spans": {
                    "count": _span(text, "three"),
                    "legal_basis": _span(text, "section 13 of the Terrorism Act"),
                    "trigger": _span(text, "flags"),
                },
            },
            {
                "type": "arrest",
                "count": 2,
                "legal_basis": None,
                "offence": "assaulting officers",
                "trigger": "violence",
                "confidence": 0.8,
                "spans": {
                    "count": _span(text, "two"),
                    "offence": _span(text, "assaulting officers"),
                },
            },
        ],
    }


def make_candidate(
    *,
    text: str = ARTICLE,
    event: dict | None = None,
    feed=None,
    url: str | None = None,
    title: str = "Five arrested at Testford protest",
    published: dt.date | None = dt.date(2025, 6, 9),
    events: int = 1,
):
    """A processed page with `events` candidates, as the pipeline would leave it."""
    from casebook.monitor.models import Candidate, Page

    count = Page.objects.count()
    url = url or f"https://invented-news.example.test/story/{count + 1}"
    page = Page.objects.create(
        identity=url,
        url=url,
        content_sha256=f"{count + 1:064x}",
        status=Page.Status.DONE,
        title=title,
        publisher="The Invented Gazette",
        published=published,
        text=text,
        relevant=True,
        feed=feed,
        retrieved_at=dt.datetime(2025, 6, 9, 8, tzinfo=dt.UTC),
        extraction={
            "id": f"page-{count + 1}",
            "relevant": True,
            "span_base": "text",
            "events": [event or event_for(text)] * events,
        },
    )
    made = []
    for index in range(events):
        chosen = event or event_for(text)
        made.append(
            Candidate.objects.create(
                page=page,
                event_index=index,
                event=chosen,
                force_name=chosen.get("force") or "",
                place=chosen.get("location") or "",
                total_arrests=chosen.get("total_arrests"),
                date=dt.date.fromisoformat(chosen["date"]) if chosen.get("date") else None,
                confidence=chosen.get("confidence"),
            )
        )
    return made[0] if events == 1 else made
