"""Listening on a port: what `casebook serve` and `casebook demo` say when they cannot."""

from __future__ import annotations

import errno
import socket

from django.core.management.base import CommandError


def port_refusal(host: str, port: int, error: OSError, *, how_to_choose: str) -> str:
    """One sentence saying why the server cannot listen, and what to do instead.

    >>> port_refusal("127.0.0.1", 8000, OSError(errno.EADDRINUSE, "in use"),
    ...              how_to_choose="--port 8080")[:58]
    'Port 8000 on 127.0.0.1 is already in use (is Casebook or a'
    """
    if error.errno == errno.EADDRINUSE:
        return (
            f"Port {port} on {host} is already in use (is Casebook or another server already "
            f"running?). Stop that program, or choose another port: {how_to_choose}."
        )
    if error.errno == errno.EACCES:
        return (
            f"This account may not listen on port {port} (ports below 1024 need "
            f"administrator rights). Choose a port from 1024 up: {how_to_choose}."
        )
    if error.errno == errno.EADDRNOTAVAIL or isinstance(error, socket.gaierror):
        return (
            f"{host!r} is not an address of this machine, so Casebook cannot listen on it; "
            "use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every address)."
        )
    return f"Casebook cannot listen on {host}:{port}: {error.strerror or error}."


def port_check(host: str, port: int, *, how_to_choose: str) -> None:
    """Refuse at once, with one sentence, if nothing could listen on host:port now.

    For a command that works a while before it serves (the demo builds its data first).
    The server checks again when it starts: the port can be taken in between.
    """
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise CommandError(port_refusal(host, port, error, how_to_choose=how_to_choose)) from None


def casebook_serve(*, host: str, port: int, threads: int, how_to_choose: str, say) -> None:
    """Serve Casebook with waitress until Ctrl+C; `say` prints a line for the person.

    A port that is taken (or not ours to use) is a CommandError of one sentence, never a
    traceback; Ctrl+C stops the server quietly (waitress catches it and returns).
    """
    from django.conf import settings
    from waitress import create_server

    from casebook.web.proxies import WSGIApp, trusted_proxies_application
    from casebook.wsgi import application as django_application

    application: WSGIApp = django_application
    if settings.TRUSTED_PROXIES:
        application = trusted_proxies_application(
            django_application,
            proxies=settings.TRUSTED_PROXIES,
            count=settings.PROXY_COUNT,
            headers=settings.PROXY_HEADERS,
        )
    try:
        server = create_server(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="casebook",
            # Forwarded headers are read (from trusted proxies) or removed (from anyone
            # else) by trusted_proxies_application, or removed here when none is trusted.
            clear_untrusted_proxy_headers=not settings.TRUSTED_PROXIES,
        )
    except OSError as error:
        raise CommandError(port_refusal(host, port, error, how_to_choose=how_to_choose)) from None
    say(f"Casebook is running on http://{host}:{port}/  (Ctrl+C stops it)")
    if settings.TRUSTED_PROXIES:
        say(f"Forwarded headers are trusted from {', '.join(settings.TRUSTED_PROXIES)} only.")
    elif settings.HTTPS:
        say(
            "CASEBOOK_HTTPS is on but no proxy is trusted: behind a reverse proxy every page "
            "would redirect to itself. Set CASEBOOK_TRUSTED_PROXIES to the proxy's address."
        )
    try:
        server.run()  # returns when Ctrl+C (or SIGTERM's SystemExit) stops it
    except KeyboardInterrupt:
        pass  # pressed while the server was shutting down
    finally:
        server.close()
    say("Stopped.")
