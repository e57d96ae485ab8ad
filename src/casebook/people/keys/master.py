"""Master keys: they wrap every person's data key and live outside every database.

Where they come from, in this order:
1. `CASEBOOK_MASTER_KEY`: one or more base64-encoded 32-byte keys, comma-separated, the
   key in use first. For servers whose secrets come from the service manager or a vault.
2. The key file `settings.MASTER_KEY_FILE` ($CASEBOOK_DATA_DIR/master.key unless
   `CASEBOOK_MASTER_KEY_FILE` says otherwise): one base64 key per line, the key in use first,
   `#` comments allowed. Mode 600; Casebook refuses a file others can read.

Each key is known by its fingerprint (`cipher.key_fingerprint`), so several keys can be
configured at once while `casebook keys rotate` moves the data keys from the old to the new.
The variable's value is read from the environment here, never copied into Django settings,
so it cannot show up in `diffsettings` or a debug page.
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from casebook.people.keys.cipher import KEY_BYTES, key_fingerprint, new_key

ENV_VAR = "CASEBOOK_MASTER_KEY"
FILE_HEADER = (
    "# Casebook master keys: one base64 key per line, the key in use first.\n"
    "# Without this file every person's details are unreadable: keep a copy offline, apart\n"
    "# from the database backups. `casebook keys rotate` replaces it.\n"
)


class MasterKeyError(ImproperlyConfigured):
    """The master key is missing, unreadable or exposed. Never carries key material."""


@dataclass(frozen=True, repr=False)
class MasterKeys:
    keys: tuple[tuple[str, bytes], ...]  # (fingerprint, key), the key in use first
    source: str  # "environment" or the key file's path

    def __repr__(self) -> str:
        return f"MasterKeys(ids={self.ids}, source={self.source!r})"

    @property
    def active_id(self) -> str:
        return self.keys[0][0]

    @property
    def active_key(self) -> bytes:
        return self.keys[0][1]

    @property
    def ids(self) -> list[str]:
        return [key_id for key_id, _ in self.keys]

    @property
    def from_environment(self) -> bool:
        return self.source == "environment"

    def get(self, key_id: str) -> bytes:
        for known_id, key in self.keys:
            if known_id == key_id:
                return key
        raise MasterKeyError(
            f"A data key is wrapped by master key {key_id}, which is not configured "
            f"(configured: {', '.join(self.ids)}). Put that key back, after the key in use, "
            "until `casebook keys rotate` has finished."
        )


def parse_keys(text: str, *, where: str) -> list[bytes]:
    """Keys from a key file's text or the variable's value (commas or lines between keys).

    >>> [len(k) for k in parse_keys(base64.b64encode(bytes(32)).decode(), where="x")]
    [32]
    """
    keys = []
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    for number, line in enumerate(",".join(lines).split(","), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            key = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raise MasterKeyError(f"{where}: key {number} is not base64.") from None
        if len(key) != KEY_BYTES:
            raise MasterKeyError(f"{where}: key {number} is not {KEY_BYTES} bytes long.")
        keys.append(key)
    if not keys:
        raise MasterKeyError(f"{where} holds no key.")
    return keys


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def key_file() -> Path:
    return Path(settings.MASTER_KEY_FILE)


def _check_private(path: Path, mode: int) -> None:
    if os.name == "posix" and mode & 0o077:
        raise MasterKeyError(
            f"The master key file {path} can be read by other users; run `chmod 600 {path}`."
        )


def write_key_file(path: Path, keys: list[bytes]) -> None:
    """Replace the key file atomically: a crash leaves the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(FILE_HEADER + "".join(encode_key(k) + "\n" for k in keys))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    if hasattr(os, "O_DIRECTORY"):
        directory = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


_lock = threading.RLock()
_cache: tuple[tuple, MasterKeys] | None = None


def _signature(path: Path) -> tuple:
    environment = os.environ.get(ENV_VAR, "").strip()
    if environment:
        return ("environment", environment)
    try:
        status = path.stat()
    except FileNotFoundError:
        return ("missing", str(path))
    return ("file", str(path), status.st_mtime_ns, status.st_size, status.st_ino, status.st_mode)


def master_keys(*, create_if: Callable[[], bool] | None = None) -> MasterKeys:
    """The configured master keys, re-read when the key file changes (a rotation elsewhere).

    When no key is configured at all, `create_if()` decides whether a new key file may be
    created: only for a fresh installation whose keyring holds no data keys, so a missing
    key file never silently replaces a key that protects data.
    """
    global _cache
    path = key_file()
    signature = _signature(path)
    cached = _cache
    if cached is not None and cached[0] == signature:
        return cached[1]
    with _lock:
        if signature[0] == "environment":
            keys = MasterKeys(_identified(parse_keys(signature[1], where=ENV_VAR)), "environment")
        elif signature[0] == "file":
            _check_private(path, signature[-1])
            keys = MasterKeys(_identified(parse_keys(path.read_text(), where=str(path))), str(path))
        elif create_if is not None and create_if():
            write_key_file(path, [new_key()])
            return master_keys()
        else:
            raise MasterKeyError(
                f"No master key: set {ENV_VAR} or restore the key file {path}. Without it "
                "the people's details cannot be read; `casebook init` creates one only for a "
                "new installation."
            )
        _cache = (signature, keys)
    return keys


def _identified(keys: list[bytes]) -> tuple[tuple[str, bytes], ...]:
    return tuple((key_fingerprint(key), key) for key in keys)


def forget_cached_keys() -> None:
    global _cache
    _cache = None


def ensure_master_key() -> Path | None:
    """Create the key file when no master key is configured (`casebook init` and `demo`).

    Returns the key file's path, or None when the key comes from the environment.
    """
    if os.environ.get(ENV_VAR, "").strip():
        return None
    path = key_file()
    if not path.exists():
        from casebook.people.keys.keyring import keyring

        if not keyring().is_empty():
            raise MasterKeyError(
                f"The master key file {path} is missing but the keyring holds data keys: "
                "restore the key file from your key backup (a new key cannot read them)."
            )
        write_key_file(path, [new_key()])
    master_keys()
    return path


def add_master_key() -> str:
    """Put a new key first in the key file (in use from now on); returns its fingerprint."""
    current = master_keys()
    if current.from_environment:
        raise MasterKeyError(
            f"The master keys come from {ENV_VAR}: generate a key with `casebook keys "
            f"generate`, put it first in {ENV_VAR} (keep the old key after it), restart, then "
            "run `casebook keys rotate` again."
        )
    key = new_key()
    write_key_file(key_file(), [key, *[k for _, k in current.keys]])
    forget_cached_keys()
    return key_fingerprint(key)


def retire_master_keys() -> list[str]:
    """Remove every key but the one in use from the key file; returns the retired ids."""
    current = master_keys()
    retired = current.ids[1:]
    if retired and not current.from_environment:
        write_key_file(key_file(), [current.active_key])
        forget_cached_keys()
    return retired
