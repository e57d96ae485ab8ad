"""What gunicorn serves (`casebook.wsgi:served`) reads forwarded headers as `casebook serve`
does: from CASEBOOK_TRUSTED_PROXIES only, and removes them from everyone else."""

from __future__ import annotations

from wsgiref.util import setup_testing_defaults

from casebook.web.proxies import served_application

FORWARDED = {"HTTP_X_FORWARDED_FOR": "203.0.113.7", "HTTP_X_FORWARDED_PROTO": "https"}


def _seen_through(peer: str) -> tuple[str, str | None, str]:
    seen = []

    def application(environ, start_response):
        seen.append(
            (
                environ["REMOTE_ADDR"],
                environ.get("HTTP_X_FORWARDED_FOR"),
                environ["wsgi.url_scheme"],
            )
        )
        start_response("200 OK", [])
        return [b""]

    environ = {"REMOTE_ADDR": peer, **FORWARDED}
    setup_testing_defaults(environ)
    served_application(application)(environ, lambda *args: None)
    return seen[0]


def test_a_trusted_proxy_gives_the_clients_address_and_scheme(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.2"]
    address, _, scheme = _seen_through("127.0.0.2")
    assert (address, scheme) == ("203.0.113.7", "https")


def test_anyone_else_cannot_claim_an_address_or_https(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.2"]
    assert _seen_through("198.51.100.1") == ("198.51.100.1", None, "http")
    settings.TRUSTED_PROXIES = []
    assert _seen_through("127.0.0.2") == ("127.0.0.2", None, "http")
