"""What the audit trail is anchored to outside the database: its key and its checkpoint.

Someone who can write the database could otherwise rewrite the trail and recompute every
hash, cut entries off the end and move the head back, or empty both tables. So:

- Each entry's hash is an HMAC-SHA256 under the **audit key**, a random 256-bit key in the
  file `settings.AUDIT_KEY_FILE` (mode 600, next to the master key file unless
  `CASEBOOK_AUDIT_KEY_FILE` says otherwise), never in the database. Without it, a rewritten
  entry cannot be given a hash that verifies. It is made when the trail is first written to
  (or when an older trail is re-keyed on upgrade, see migration 0002); back it up with the
  master key. A missing key file with entries in the trail is an error, never a new key.
- The **checkpoint** (`settings.AUDIT_CHECKPOINT_FILE`, next to the keyring) holds the
  newest entry's sequence and hash, signed with the audit key. It moves forward after each
  committed append and at each verification, never back; `audit verify` checks that the
  chain still reaches it, so entries cut from the end, or a trail emptied, are noticed
  even when the head row was moved back to match. Operators keep the line
  `casebook audit verify` prints, and can check any later trail against it
  (`casebook audit verify --checkpoint N:HASH`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32
KEY_HEADER = (
    "# Casebook audit key: signs the audit trail's chain and its checkpoint.\n"
    "# Without it the trail cannot be verified: back it up with the master key, offline.\n"
)


class AuditKeyError(ImproperlyConfigured):
    """The audit key is missing or unreadable. Never carries key material."""


def key_file() -> Path:
    return Path(settings.AUDIT_KEY_FILE)


def checkpoint_file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def key_fingerprint(key: bytes) -> str:
    """A short public name for the audit key (never reveals it).

    >>> key_fingerprint(bytes(32))
    '6702b3362ad79ac6'
    """
    return hmac.new(key, b"casebook audit key id", hashlib.sha256).hexdigest()[:16]


def _write_private(path: Path, text: str) -> None:
    """Replace `path` atomically with a file only its owner can read.

    No disk sync: a checkpoint lost in a power cut leaves the one before it, which the
    trail still holds (the safe direction), and one is written after every entry.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


_lock = threading.RLock()
_cache: tuple[tuple, bytes] | None = None


def _signature(path: Path) -> tuple:
    try:
        status = path.stat()
    except FileNotFoundError:
        return ("missing", str(path))
    return ("file", str(path), status.st_mtime_ns, status.st_size, status.st_ino)


def _read_key(path: Path) -> bytes:
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise AuditKeyError(
            f"The audit key file {path} can be read by other users; run `chmod 600 {path}`."
        )
    lines = [line.strip() for line in path.read_text().splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    try:
        key = base64.b64decode(lines[0], validate=True) if lines else b""
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise AuditKeyError(f"The audit key file {path} does not hold a {KEY_BYTES}-byte key.")
    return key


def audit_key(*, create_if: Callable[[], bool] | None = None) -> bytes:
    """The audit key, re-read when its file changes.

    A missing file is created only when `create_if()` says so: for a trail with no entry
    yet (or the re-keying of an older one), so a lost key is never silently replaced.
    """
    global _cache
    path = key_file()
    signature = _signature(path)
    cached = _cache
    if cached is not None and cached[0] == signature:
        return cached[1]
    with _lock:
        if signature[0] == "missing":
            if create_if is None or not create_if():
                raise AuditKeyError(
                    f"The audit key file {path} is missing: restore it from your key backup. "
                    "The trail was written with it; a new key cannot verify it."
                )
            encoded = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
            with contextlib.suppress(FileExistsError):
                # Exclusive create: two processes racing both end up with the first's key.
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "w") as handle:
                    handle.write(KEY_HEADER + encoded + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
            return audit_key()
        key = _read_key(path)
        _cache = (_signature(path), key)
    return key


def forget_cached_key() -> None:
    global _cache
    _cache = None


# The checkpoint.


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    entry_hash: str
    written_at: str
    key_id: str

    def line(self) -> str:
        """What an operator keeps, and gives back to `audit verify --checkpoint`."""
        return f"{self.sequence}:{self.entry_hash}"


class CheckpointProblem(Exception):
    """The checkpoint file exists but cannot be trusted: altered, or signed by another key."""


def _signed_content(sequence: int, entry_hash: str, written_at: str) -> bytes:
    return json.dumps(
        ["casebook audit checkpoint", sequence, entry_hash, written_at], separators=(",", ":")
    ).encode()


def checkpoint_read(key: bytes) -> Checkpoint | None:
    """The checkpoint, or None when none was written yet; raises if it does not verify."""
    path = checkpoint_file()
    try:
        data = json.loads(path.read_text())
        sequence, entry_hash = int(data["sequence"]), str(data["entry_hash"])
        written_at, signature = str(data["written_at"]), str(data["signature"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        raise CheckpointProblem(f"the checkpoint file {path} is not a checkpoint") from None
    expected = hmac.new(key, _signed_content(sequence, entry_hash, written_at), hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), signature):
        raise CheckpointProblem(
            f"the checkpoint file {path} was altered or signed with another audit key"
        )
    return Checkpoint(sequence, entry_hash, written_at, key_fingerprint(key))


@contextlib.contextmanager
def _checkpoint_lock():
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path.with_name(path.name + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def checkpoint_advance(
    key: bytes, sequence: int, entry_hash: str, *, force: bool = False
) -> Checkpoint:
    """Move the checkpoint to (sequence, entry_hash) unless it is already further on.

    `force` moves it back too: only after an operator re-anchors a restored trail.
    """
    with _checkpoint_lock():
        try:
            current = checkpoint_read(key)
        except CheckpointProblem:
            if not force:
                raise
            current = None
        if current is not None and current.sequence >= sequence and not force:
            return current
        written_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        signature = hmac.new(
            key, _signed_content(sequence, entry_hash, written_at), hashlib.sha256
        ).hexdigest()
        record = {
            "sequence": sequence,
            "entry_hash": entry_hash,
            "written_at": written_at,
            "key_id": key_fingerprint(key),
            "signature": signature,
        }
        _write_private(checkpoint_file(), json.dumps(record, indent=1) + "\n")
        return Checkpoint(sequence, entry_hash, written_at, key_fingerprint(key))
