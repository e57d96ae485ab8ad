"""Running behind a reverse proxy: who may say where a request really came from.

A proxy (nginx, Caddy, a load balancer) terminates HTTPS and passes requests on over plain
HTTP, saying in forwarded headers who the client was and which scheme they used. Those
headers are believed only from the proxies listed in CASEBOOK_TRUSTED_PROXIES; from any other
peer they are removed before Django sees them, so nobody can pose as another address (and
dodge the sign-in throttle, or write a false address into the audit trail) or claim HTTPS.

The parsing itself is waitress's (`trusted_proxy_count`, `trusted_proxy_headers`): waitress
trusts one address or every peer, so `trusted_proxies_application` chooses per peer, which
lets a list of addresses and networks (a container network, several load balancers) be
trusted.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# What waitress can read; `forwarded` (RFC 7239) cannot be mixed with the X-Forwarded-* ones.
KNOWN_HEADERS = {
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-forwarded-by",
}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def proxy_networks(entries: Iterable[str]) -> list[Network]:
    """Addresses and networks from CASEBOOK_TRUSTED_PROXIES, or a clear error.

    >>> [str(n) for n in proxy_networks(["127.0.0.1", "10.0.0.0/8", "::1"])]
    ['127.0.0.1/32', '10.0.0.0/8', '::1/128']
    """
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"CASEBOOK_TRUSTED_PROXIES: {entry!r} is not an IP address or network; list "
                "the addresses your reverse proxy connects from, e.g. 127.0.0.1 or 10.0.0.0/8."
            ) from None
    return networks


def proxy_settings_check(entries: Iterable[str], count: int, headers: Iterable[str]) -> None:
    """Refuse to start on a proxy setting that would be ignored or misread."""
    proxy_networks(entries)
    if count < 1:
        raise ImproperlyConfigured(
            f"CASEBOOK_PROXY_COUNT={count}: the number of proxies in front of Casebook is 1 "
            "or more."
        )
    chosen = {header.lower() for header in headers}
    unknown = chosen - KNOWN_HEADERS
    if unknown:
        raise ImproperlyConfigured(
            f"CASEBOOK_PROXY_HEADERS: {', '.join(sorted(unknown))} unknown; choose from "
            f"{', '.join(sorted(KNOWN_HEADERS))}."
        )
    if "forwarded" in chosen and len(chosen) > 1:
        raise ImproperlyConfigured(
            "CASEBOOK_PROXY_HEADERS: 'forwarded' cannot be combined with the X-Forwarded-* "
            "headers; choose one kind, the one your proxy sets."
        )
    if not chosen:
        raise ImproperlyConfigured(
            "CASEBOOK_PROXY_HEADERS is empty; leave it unset for the default."
        )


def is_trusted_peer(address: str, networks: Iterable[Network]) -> bool:
    """>>> is_trusted_peer("10.1.2.3", proxy_networks(["10.0.0.0/8"]))
    True
    """
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in network for network in networks)


def trusted_proxies_application(
    application: WSGIApp, *, proxies: Iterable[str], count: int, headers: Iterable[str]
) -> WSGIApp:
    """`application` reading forwarded headers from trusted peers only.

    Serve it with waitress's own proxy handling off (`clear_untrusted_proxy_headers=False`,
    no `trusted_proxy`): this wrapper does both jobs, per peer.
    """
    from waitress.proxy_headers import proxy_headers_middleware

    networks = proxy_networks(proxies)
    from_proxy = proxy_headers_middleware(
        application,
        trusted_proxy="*",  # the peer was checked below
        trusted_proxy_count=count,
        trusted_proxy_headers={header.lower() for header in headers},
        clear_untrusted=True,
    )
    from_anyone_else = proxy_headers_middleware(application, trusted_proxy=None)

    def choose(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if is_trusted_peer(environ.get("REMOTE_ADDR", ""), networks):
            return from_proxy(environ, start_response)
        return from_anyone_else(environ, start_response)

    return choose


def served_application(application: WSGIApp) -> WSGIApp:
    """`application` as any WSGI server other than waitress should serve it (gunicorn):
    forwarded headers read from CASEBOOK_TRUSTED_PROXIES' peers, removed from everyone else's.

    gunicorn only reads the scheme from a proxy, and keeps the client's X-Forwarded-For in the
    request where nothing uses it; this puts the client's address in REMOTE_ADDR, as
    `casebook serve` does, so the sign-in throttle and the audit trail see the client.
    """
    from django.conf import settings
    from waitress.proxy_headers import proxy_headers_middleware

    if settings.TRUSTED_PROXIES:
        return trusted_proxies_application(
            application,
            proxies=settings.TRUSTED_PROXIES,
            count=settings.PROXY_COUNT,
            headers=settings.PROXY_HEADERS,
        )
    return proxy_headers_middleware(application, trusted_proxy=None)
