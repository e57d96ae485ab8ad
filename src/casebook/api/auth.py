"""Who is calling: a personal access token in `Authorization: Bearer …`, its scope, its pace."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from casebook.accounts.security import client_address
from casebook.api.models import AccessToken, Scope
from casebook.api.problems import MissingScope
from casebook.api.services import token_authenticate


class TokenAuth(HttpBearer):
    """A token with `scope` (write includes read). The request then acts as the token's user,
    so the domain functions check the same roles as they do for the pages."""

    def __init__(self, scope: str = Scope.READ) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        found = token_authenticate(raw=token, ip_address=client_address(request))
        if found is None:
            return None
        if not found.allows(self.scope):
            raise MissingScope(self.scope)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found


READ = TokenAuth(Scope.READ)
WRITE = TokenAuth(Scope.WRITE)
PERSONAL = TokenAuth(Scope.PERSONAL_DATA)


class TokenThrottle(BaseThrottle):
    """At most CASEBOOK_API_RATE requests a minute per token, counted in a fixed window.

    The count lives in Django's cache: per process with the default cache, shared by every
    process with a shared one. A token that runs away slows itself, not the others.
    """

    def __init__(self) -> None:
        self._wait = 60.0

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "api_token", None)
        if token is None:
            return True
        limit = settings.API_REQUESTS_PER_MINUTE
        now = time.time()
        window = int(now // 60)
        # By hash, not id: an id can come back (a rolled-back insert), a token cannot.
        key = f"casebook-api-throttle:{token.token_hash[:24]}:{window}"
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=120)
            count = 1
        self._wait = (window + 1) * 60 - now
        return count <= limit

    def wait(self) -> float | None:
        return self._wait
