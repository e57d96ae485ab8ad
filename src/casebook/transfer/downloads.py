"""Rejects files of web imports, held until their one download.

An import's rejected rows are the uploader's own data, and a JSON file may name people. So
the file is kept encrypted (AES-256-GCM) in a private folder, and its key only in the
uploader's session: it can be opened by that session once, and a file that is never
fetched cannot be read by anyone after the session ends (old ones are swept away). Neither
the rows nor the key ever appear in a URL; the URL carries a random token.
"""

from __future__ import annotations

import base64
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

SESSION_KEY = "transfer_rejects"
NONCE_BYTES = 12


@dataclass
class HeldFile:
    filename: str
    media_type: str
    text: str


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "transfer-rejects"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    """Delete held files older than any session could be (their keys are gone anyway)."""
    oldest = time.time() - settings.SESSION_COOKIE_AGE
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
        except FileNotFoundError:
            pass  # fetched or swept by another request meanwhile


def rejects_hold(*, session, text: str, filename: str, media_type: str) -> str:
    """Keep a rejects file for one download by this session; returns its token."""
    folder = _folder()
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(NONCE_BYTES)
    sealed = nonce + AESGCM(key).encrypt(nonce, text.encode(), token.encode())
    descriptor = os.open(folder / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(descriptor, "wb") as file:
        file.write(sealed)
    held = dict(session.get(SESSION_KEY, {}))
    held[token] = {
        "key": base64.b64encode(key).decode(),
        "filename": filename,
        "media_type": media_type,
    }
    session[SESSION_KEY] = held
    return token


def rejects_take(*, session, token: str) -> HeldFile | None:
    """The rejects file held under this token for this session, once; None otherwise."""
    held = dict(session.get(SESSION_KEY, {}))
    entry = held.pop(token, None)
    if entry is None:
        return None
    session[SESSION_KEY] = held
    path = _folder() / token  # the token is one this session was given, not a path
    try:
        sealed = path.read_bytes()
        path.unlink()
    except FileNotFoundError:
        return None
    try:
        text = (
            AESGCM(base64.b64decode(entry["key"]))
            .decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], token.encode())
            .decode()
        )
    except (InvalidTag, ValueError):
        return None
    return HeldFile(filename=entry["filename"], media_type=entry["media_type"], text=text)
