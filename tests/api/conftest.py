"""API fixtures: a token per persona, and a client that sends it."""

from __future__ import annotations

import pytest
from django.test import Client

from casebook.api.models import AccessToken, Scope

ALL_SCOPES = (Scope.READ, Scope.WRITE, Scope.PERSONAL_DATA)


def raw_token_for(user, scopes=ALL_SCOPES) -> str:
    """A token for any user, even one without a role (made as if before the role was taken
    away: the service refuses to make one for such an account)."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    from casebook.api.services import TOKEN_PREFIX, _hash

    raw = TOKEN_PREFIX + secrets.token_urlsafe(30)
    AccessToken.objects.create(
        user=user,
        name="test",
        prefix=raw[:10],
        token_hash=_hash(raw),
        scopes=",".join(scopes),
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    return raw


class TokenClient:
    """A Django test client that sends `Authorization: Bearer <token>` (none: no header)."""

    def __init__(self, raw: str | None):
        self.raw = raw
        self.client = Client(raise_request_exception=False)

    def _headers(self, headers):
        sent = dict(headers or {})
        if self.raw:
            sent["Authorization"] = f"Bearer {self.raw}"
        return sent

    def get(self, path, data=None, headers=None):
        return self.client.get(path, data, headers=self._headers(headers))

    def post(self, path, json=None, headers=None, **kwargs):
        if "data" in kwargs:
            return self.client.post(path, kwargs["data"], headers=self._headers(headers))
        return self.client.post(
            path, json or {}, content_type="application/json", headers=self._headers(headers)
        )

    def patch(self, path, json=None, headers=None):
        return self.client.patch(
            path, json or {}, content_type="application/json", headers=self._headers(headers)
        )

    def put(self, path, json=None, headers=None):
        return self.client.put(
            path, json or {}, content_type="application/json", headers=self._headers(headers)
        )


@pytest.fixture
def api_for(personas):
    """api_for("analyst") -> a client with a token of that persona (all scopes its role may
    have); api_for("anonymous") sends no token."""

    def make(persona: str, scopes=None) -> TokenClient:
        user = personas[persona]
        if user is None:
            return TokenClient(None)
        if scopes is None:
            scopes = ALL_SCOPES if persona != "analyst" else (Scope.READ, Scope.WRITE)
        return TokenClient(raw_token_for(user, scopes))

    return make
