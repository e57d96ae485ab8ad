"""Standard Webhooks signatures (standardwebhooks.com), without Django: pure and small.

A message is signed over `{id}.{timestamp}.{body}` with HMAC-SHA256 and the endpoint's secret
(`whsec_` + base64 of its bytes); the signature header is `v1,` + base64 of the digest.

>>> secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
>>> signature("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}', secret)
'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
>>> verify("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}', secret,
...        "v1,bad v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (the scheme's marker, not a secret)


def secret_new() -> str:
    """A new endpoint secret: 24 random bytes, as the scheme writes them."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(message_id: str, timestamp: int, body: bytes, secret: str) -> str:
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(message_id: str, timestamp: int, body: bytes, secret: str, header: str) -> bool:
    """Does any of the space-separated signatures in `header` sign this message?"""
    expected = signature(message_id, timestamp, body, secret)
    return any(hmac.compare_digest(expected, given) for given in header.split())


def headers(message_id: str, timestamp: int, body: bytes, secret: str) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(message_id, timestamp, body, secret),
        "content-type": "application/json",
    }
