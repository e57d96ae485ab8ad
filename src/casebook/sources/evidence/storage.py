"""The blob store: each file's bytes once, named by their SHA-256, through Django's storage API.

The storage is `STORAGES["evidence"]` (a local folder by default, an S3-compatible bucket when
configured; see settings.py). Blobs are write-once: a blob that exists is never written again,
and nothing here ever opens one for writing after it is stored.
"""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import Storage, storages

from casebook.sources.models.evidence import blob_name

CHUNK = 1 << 20


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

    Write-once: when a blob of that hash exists it is left untouched.
    """
    storage = evidence_storage()
    name = blob_name(sha256)
    if storage.exists(name):
        return name, False
    fileobj.seek(0)
    saved = storage.save(name, File(fileobj, name=sha256))
    fileobj.seek(0)
    if saved != name:
        # Another upload of the same bytes won the race; ours landed beside it. Keep theirs.
        storage.delete(saved)
        return name, False
    if storage.size(name) != size:
        storage.delete(name)
        raise BlobStoreError("The evidence storage did not keep the whole file.")
    return name, True


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
