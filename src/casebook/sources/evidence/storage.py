"""The blob store: each file's bytes once, named by their SHA-256, through Django's storage API.

The storage is `STORAGES["evidence"]` (a local folder by default, an S3-compatible bucket when
configured; see settings.py). Blobs are write-once: a whole blob that exists is never written again,
and nothing here ever opens one for writing after it is stored.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import Storage, storages

from casebook.sources.models.evidence import blob_name

CHUNK = 1 << 20
PARTIAL = ".partial-"  # a blob being written: `<sha256>.partial-<pid of the writer>`


def evidence_storage() -> Storage:
    return storages["evidence"]


def sha256_of(fileobj: BinaryIO) -> tuple[str, int]:
    """(hex SHA-256, size in bytes) of a file, read in chunks from its start.

    >>> import io
    >>> sha256_of(io.BytesIO(b"abc"))[0][:16]
    'ba7816bf8f01cfea'
    """
    digest, size = hashlib.sha256(), 0
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return digest.hexdigest(), size


class BlobStoreError(Exception):
    """The storage did not keep the bytes it was given."""


def blob_store(fileobj: BinaryIO, *, sha256: str, size: int) -> tuple[str, bool]:
    """Store the bytes under their content address; (name, whether this call wrote them).

    Write-once: a whole blob of that hash is left untouched. A blob appears under its name
    whole or not at all (see `_store_whole`), so a process killed while writing never
    leaves a cut-short file that a later upload of the same bytes would take for stored; one
    an older version left cut short (its size is wrong) is written again.
    """
    storage = evidence_storage()
    name = blob_name(sha256)
    if storage.exists(name) and storage.size(name) == size:
        return name, False
    fileobj.seek(0)
    wrote = _store_whole(storage, name, fileobj)
    fileobj.seek(0)
    if not wrote:
        return name, False
    if storage.size(name) != size:
        storage.delete(name)
        raise BlobStoreError("The evidence storage did not keep the whole file.")
    return name, True


def _store_whole(storage: Storage, name: str, fileobj: BinaryIO) -> bool:
    """Write to a partial file beside the blob, then rename it into place (atomic on one
    file system); False when another upload of the same bytes stored them first. Object
    stores have no rename and need none: they publish an upload only once it is complete."""
    content = File(fileobj, name=Path(name).name)
    try:
        final = Path(storage.path(name))
    except NotImplementedError:
        saved = storage.save(name, content)
        if saved != name:
            # Another upload of the same bytes won the race; ours landed beside it.
            storage.delete(saved)
            return False
        return True
    _forget_abandoned_partials(final)
    saved = storage.save(f"{name}{PARTIAL}{os.getpid()}", content)
    # Two uploads of the same bytes may race here: each renames identical bytes into place.
    os.replace(storage.path(saved), final)
    return True


def _forget_abandoned_partials(final: Path) -> None:
    """Delete the partial files of this blob whose writer is gone (killed half-way)."""
    for partial in final.parent.glob(f"{final.name}{PARTIAL}*"):
        writer = partial.name.rsplit(PARTIAL, 1)[1].split("_", 1)[0]
        if writer.isdigit() and not _running(int(writer)):
            partial.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def blob_open(name: str):
    """The stored blob, opened for reading. Raises FileNotFoundError when it is gone."""
    storage = evidence_storage()
    # Asked first: S3 and others only find out that a key is missing on the first read.
    if not storage.exists(name):
        raise FileNotFoundError(name)
    return storage.open(name, "rb")


def blob_exists(name: str) -> bool:
    return evidence_storage().exists(name)


def blob_delete(name: str) -> None:
    evidence_storage().delete(name)


def blob_sha256(name: str) -> str | None:
    """The SHA-256 of the stored bytes now, or None when the blob is missing."""
    try:
        with blob_open(name) as stored:
            return sha256_of(stored)[0]
    except FileNotFoundError:
        return None
