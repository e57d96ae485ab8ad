"""The real `casebook serve` behind a reverse proxy: forwarded headers believed from the
trusted proxy only, HTTPS without a redirect loop, the client's own address for the sign-in
throttle, and concurrent guesses that cannot outrun the count.

The proxy is played by connections from 127.0.0.2 (CASEBOOK_TRUSTED_PROXIES); anybody else
connects from 127.0.0.1. The server runs on the database the suite runs on: SQLite, or a
PostgreSQL database of its own when DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.processes import casebook_env, run_with_env, serving

PASSWORD = "a-long-password-1"
PROXY = "127.0.0.2"
SOMEONE_ELSE = "127.0.0.1"
SETUP = f"""
from casebook.accounts.models import User
from casebook.accounts.roles import Role
from casebook.accounts.services import user_ensure
for name in ("casey", "robin", "target", "changer"):
    user_ensure(username=name, role=Role.CASEWORKER, password="{PASSWORD}")
User.objects.filter(username="changer").update(must_change_password=True)
"""
AUDITED_ADDRESSES = """
from casebook.audit.models import AuditEntry
print(list(AuditEntry.objects.filter(action="accounts.password.changed")
      .values_list("ip_address", flat=True)))
"""


def _postgres_url(name: str) -> tuple[str, str] | None:
    """(URL of a new database `name`, the server's admin DSN) when the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}", base + "/postgres"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """A served installation with HTTPS on, trusting the proxy: its base URL, its environment."""
    data: Path = tmp_path_factory.mktemp("proxied")
    extra = {}
    database = f"casebook_proxy_{os.getpid()}"
    postgres = _postgres_url(database)
    if postgres:
        extra["DATABASE_URL"] = postgres[0]
    env = casebook_env(
        data / "home",
        data_dir=data,
        CASEBOOK_HTTPS="1",
        CASEBOOK_TRUSTED_PROXIES=PROXY,
        **extra,
    )
    init = run_with_env(env, "init", "--password-stdin", stdin=PASSWORD + "\n")
    assert init.returncode == 0, init.stderr
    setup = run_with_env(env, "shell", "-c", SETUP)
    assert setup.returncode == 0, setup.stderr
    try:
        with serving(env) as server:
            yield server.base, env
        assert f"Forwarded headers are trusted from {PROXY} only." in server.stdout
    finally:
        if postgres:
            import psycopg

            with psycopg.connect(postgres[1], autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def proxied_server(proxied) -> str:
    return proxied[0]


def browser(base: str, *, via: str, client: str = "203.0.113.5") -> httpx.Client:
    """A browser at `client`, through the proxy (via=PROXY) or connecting itself."""
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": client}
    return httpx.Client(
        base_url=base,
        headers=headers,
        timeout=120,
        transport=httpx.HTTPTransport(local_address=via),
    )


def sign_in(web: httpx.Client, base: str, username: str, password: str) -> httpx.Response:
    """Post the sign-in form as a browser would (cookies are Secure, so sent by hand)."""
    page = web.get("/accounts/login/")
    token = page.cookies["csrftoken"]
    origin = "https://" + base.split("://", 1)[1]
    return web.post(
        "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Cookie": f"csrftoken={token}", "Origin": origin},
    )


def outcome(answer: httpx.Response) -> str:
    if answer.status_code == 302:
        return "signed in"
    text = answer.text
    if "Try again in" in text:
        return "refused unchecked"
    if "Please enter a correct" in text:
        return "wrong password"
    return f"{answer.status_code}: {text[:300]}"


def test_https_through_the_trusted_proxy_serves_pages_with_hsts_and_no_redirect(proxied_server):
    with browser(proxied_server, via=PROXY) as web:
        page = web.get("/accounts/login/")
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in page.headers["Set-Cookie"]


def test_forwarded_headers_from_anyone_else_are_ignored(proxied_server):
    with browser(proxied_server, via=SOMEONE_ELSE) as web:
        page = web.get("/accounts/login/")
    # Its claim to have come over HTTPS is not believed: it is sent to HTTPS.
    assert page.status_code == 301
    assert page.headers["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in page.headers


def test_the_throttle_counts_the_forwarded_client_not_the_proxy(proxied_server):
    base = proxied_server
    with browser(base, via=PROXY, client="203.0.113.20") as guesser:
        for number in range(20):
            assert outcome(sign_in(guesser, base, f"nobody-{number}", "wrong")) == "wrong password"
        assert outcome(sign_in(guesser, base, "robin", PASSWORD)) == "refused unchecked"
    # A colleague elsewhere, through the same proxy, is not slowed by it.
    with browser(base, via=PROXY, client="203.0.113.21") as colleague:
        assert outcome(sign_in(colleague, base, "robin", PASSWORD)) == "signed in"
    # The guesser cannot pose as someone else: the proxy appends the real address last.
    forged = {"X-Forwarded-For": "203.0.113.21, 203.0.113.20"}
    with browser(base, via=PROXY, client="203.0.113.20") as guesser:
        guesser.headers.update(forged)
        assert outcome(sign_in(guesser, base, "robin", PASSWORD)) == "refused unchecked"


def test_concurrent_wrong_passwords_get_no_more_checks_than_the_allowance(proxied_server):
    base = proxied_server
    guesses = 30
    browsers = [
        browser(base, via=PROXY, client=f"198.51.100.{number + 1}") for number in range(guesses)
    ]
    forms = []
    for web in browsers:
        token = web.get("/accounts/login/").cookies["csrftoken"]
        forms.append(token)
    start = threading.Barrier(guesses)
    outcomes: list[str] = []
    origin = "https://" + base.split("://", 1)[1]

    def guess(web: httpx.Client, token: str) -> None:
        start.wait()
        answer = web.post(
            "/accounts/login/",
            data={"username": "target", "password": "wrong", "csrfmiddlewaretoken": token},
            headers={"Cookie": f"csrftoken={token}", "Origin": origin},
        )
        outcomes.append(outcome(answer))

    threads = [
        threading.Thread(target=guess, args=pair) for pair in zip(browsers, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for web in browsers:
        web.close()
    assert sorted(set(outcomes)) == ["refused unchecked", "wrong password"], outcomes
    assert outcomes.count("wrong password") == 5
    # Even the right password is now refused to a new browser, unchecked.
    with browser(base, via=PROXY, client="198.51.100.200") as late:
        assert outcome(sign_in(late, base, "target", PASSWORD)) == "refused unchecked"


def test_a_proxy_setting_that_is_not_an_address_stops_every_command_with_one_sentence(tmp_path):
    env = casebook_env(
        tmp_path / "home",
        data_dir=tmp_path,
        CASEBOOK_SECRET_KEY="k" * 50,
        CASEBOOK_TRUSTED_PROXIES="my-proxy",
    )
    result = run_with_env(env, "serve", timeout=120)
    assert result.returncode == 2
    assert "'my-proxy' is not an IP address or network" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_audit_trail_records_the_forwarded_client_address(proxied):
    base, env = proxied
    with browser(base, via=PROXY, client="203.0.113.77") as web:
        signed = sign_in(web, base, "changer", PASSWORD)
        assert outcome(signed) == "signed in"
        # Signing in gives a new session and CSRF token (Secure cookies: sent by hand).
        token, session = signed.cookies["csrftoken"], signed.cookies["sessionid"]
        mine = "changers-own-passphrase-9"
        changed = web.post(
            "/accounts/password/",
            data={
                "old_password": PASSWORD,
                "new_password1": mine,
                "new_password2": mine,
                "csrfmiddlewaretoken": token,
            },
            headers={
                "Cookie": f"csrftoken={token}; sessionid={session}",
                "Origin": "https://" + base.split("://", 1)[1],
            },
        )
        assert changed.status_code == 302, changed.text[:500]
        assert not changed.headers["Location"].startswith("/accounts/")
    shown = run_with_env(env, "shell", "-c", AUDITED_ADDRESSES)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "['203.0.113.77']"


def test_https_without_a_trusted_proxy_is_pointed_out_when_serving(tmp_path):
    env = casebook_env(tmp_path / "home", data_dir=tmp_path, CASEBOOK_HTTPS="1")
    init = run_with_env(env, "init", "--password-stdin", stdin=PASSWORD + "\n")
    assert init.returncode == 0, init.stderr
    with serving(env) as server:
        pass
    assert "Set CASEBOOK_TRUSTED_PROXIES to the proxy's address" in server.stdout
