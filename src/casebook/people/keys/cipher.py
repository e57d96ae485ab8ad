"""AES-256-GCM for personal fields and for wrapping keys: small pure functions, no Django.

A sealed field value is text, so it fits a text column on SQLite and PostgreSQL alike:

    cb1:<base64 of nonce (12 bytes) + ciphertext + tag (16 bytes)>

"cb1" names this format (AES-256-GCM, 96-bit random nonce, plaintext padded to a multiple of
16 bytes so a column does not give away the exact length of a name). The associated data
(AAD) binds a value to the person and the field it belongs to: a ciphertext copied into
another row or another column fails to open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "cb1:"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
TAG_BYTES = 16
PAD_TO = 16
# The shortest token: an empty plaintext pads to one block.
_MIN_RAW = NONCE_BYTES + PAD_TO + TAG_BYTES


class DecryptionError(Exception):
    """A value or key could not be opened: wrong key, wrong person or field, or altered.

    The message never carries the value.
    """


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _pad(data: bytes) -> bytes:
    """ISO/IEC 7816-4 padding: 0x80 then zeros up to a multiple of PAD_TO.

    >>> len(_pad(b"")), len(_pad(b"x" * 15)), len(_pad(b"x" * 16))
    (16, 16, 32)
    """
    padded = data + b"\x80"
    return padded + b"\x00" * (-len(padded) % PAD_TO)


def _unpad(data: bytes) -> bytes:
    end = data.rfind(b"\x80")
    if end < 0 or data[end + 1 :].strip(b"\x00"):
        raise DecryptionError("bad padding")
    return data[:end]


def seal(key: bytes, plaintext: bytes, aad: bytes) -> str:
    """Encrypt `plaintext` for one person's field.

    >>> key = bytes(32)
    >>> token = seal(key, b"Testperson", b"person:1:full_name")
    >>> token.startswith("cb1:"), open_sealed(key, token, b"person:1:full_name")
    (True, b'Testperson')
    """
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(key).encrypt(nonce, _pad(plaintext), aad)
    return PREFIX + base64.b64encode(nonce + body).decode("ascii")


def _raw(token: str) -> bytes:
    if not token.startswith(PREFIX):
        raise DecryptionError("not a sealed value")
    try:
        raw = base64.b64decode(token[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("not a sealed value") from None
    if len(raw) < _MIN_RAW or (len(raw) - NONCE_BYTES - TAG_BYTES) % PAD_TO:
        raise DecryptionError("not a sealed value")
    return raw


def is_sealed(value: object) -> bool:
    """Does `value` have the shape of a sealed value (it may still fail to open)?

    The shape: the prefix, then base64 of a nonce, whole padded blocks and a tag. The
    smallest is 44 bytes (12 + 16 + 16), 60 characters of base64.

    >>> is_sealed("cb1:" + "A" * 59 + "="), is_sealed("cb1:" + "A" * 60), is_sealed("Testperson")
    (True, False, False)
    >>> is_sealed(seal(bytes(32), b"Testperson", b"person:1:full_name"))
    True
    """
    if not isinstance(value, str):
        return False
    try:
        _raw(value)
    except DecryptionError:
        return False
    return True


def open_sealed(key: bytes, token: str, aad: bytes) -> bytes:
    raw = _raw(token)
    try:
        padded = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionError("the value does not open with this key and context") from None
    return _unpad(padded)


def wrap_key(master: bytes, key: bytes, aad: bytes) -> bytes:
    """Encrypt a data key under a master key (AES-256-GCM; the AAD names the data key)."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(master).encrypt(nonce, key, aad)


def unwrap_key(master: bytes, wrapped: bytes, aad: bytes) -> bytes:
    try:
        key = AESGCM(master).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError):
        raise DecryptionError("the data key does not unwrap with this master key") from None
    if len(key) != KEY_BYTES:
        raise DecryptionError("the data key has the wrong length")
    return key


def key_fingerprint(key: bytes) -> str:
    """A short public name for a master key, derived from it (never reveals the key).

    >>> key_fingerprint(bytes(32))
    '4a2da75cff2cc56a'
    """
    return hmac.new(key, b"casebook master key id", hashlib.sha256).hexdigest()[:16]


def blind_token(key: bytes, kind: str, value: str) -> str:
    """A keyed hash of a normalised search term: equal terms give equal tokens.

    >>> blind_token(bytes(32), "n", "smith") == blind_token(bytes(32), "n", "smith")
    True
    """
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).digest()
    return digest[:10].hex()
