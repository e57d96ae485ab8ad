"""Files of web imports kept in the data folder: the uploaded file while its job runs, and
the rejected rows until their one download.

An import's rows are the uploader's own data, and a file may name people. So each file is
kept encrypted (AES-256-GCM) in a private folder, with its key in the database row of its job
only, never in a URL; the job deletes the upload when it ends, and the rejects file when it
is downloaded. Old files whose job is gone are swept away.
"""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

NONCE_BYTES = 12
# A held file older than this belongs to a job long over (or never fetched): swept.
KEEP_SECONDS = 7 * 24 * 3600


def held_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "transfer-jobs"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def held_sweep() -> None:
    """Delete held files older than any job could still need."""
    oldest = time.time() - KEEP_SECONDS
    for path in held_folder().iterdir():
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
        except FileNotFoundError:
            pass  # deleted by its job meanwhile


def file_seal(name: str, data: bytes) -> str:
    """Keep `data` sealed under `name` in the held folder; returns its key (base64)."""
    key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(NONCE_BYTES)
    sealed = nonce + AESGCM(key).encrypt(nonce, data, name.encode())
    path = held_folder() / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "wb") as file:
        file.write(sealed)
    return base64.b64encode(key).decode()


def file_unseal(name: str, key: str) -> bytes | None:
    """The data sealed under `name` with `key`; None if it is gone or does not open."""
    try:
        sealed = (held_folder() / name).read_bytes()
    except FileNotFoundError:
        return None
    try:
        return AESGCM(base64.b64decode(key)).decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], name.encode()
        )
    except (InvalidTag, ValueError):
        return None


def file_forget(name: str) -> None:
    (held_folder() / name).unlink(missing_ok=True)
