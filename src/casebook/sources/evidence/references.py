"""Which blobs in the evidence vault are still needed, by evidence files and by anything else.

Most blobs belong to evidence files. An app above `sources` may keep blobs of its own in the
vault (the public form keeps the files sent with an account there until a caseworker decides)
and registers them here when it is ready, so that removing evidence never deletes bytes it
still needs, and backing up and restoring the vault carry them too. `sources` imports no such
app: they call `blob_keeper_register`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from casebook.sources.models import EvidenceFile
from casebook.sources.models.evidence import blob_name

# Each keeper: (every SHA-256 it refers to, whether it refers to this SHA-256, what refers
# to this SHA-256 in words without personal data: "the file of account #3").
_KEEPERS: list[
    tuple[Callable[[], Iterable[str]], Callable[[str], bool], Callable[[str], list[str]]]
] = []


def blob_keeper_register(
    *,
    every: Callable[[], Iterable[str]],
    keeps: Callable[[str], bool],
    describe: Callable[[str], list[str]] = lambda sha256: [],
):
    _KEEPERS.append((every, keeps, describe))


def blob_needed(sha256: str) -> bool:
    """Does evidence, or a registered keeper, still refer to these bytes?"""
    return EvidenceFile.objects.filter(sha256=sha256).exists() or any(
        keeps(sha256) for _, keeps, _ in _KEEPERS
    )


def blobs_needed() -> list[tuple[str, str]]:
    """(sha256, storage name) of every blob something refers to, in hash order."""
    found = dict(EvidenceFile.objects.blobs())
    for every, _, _ in _KEEPERS:
        for sha256 in every():
            found.setdefault(sha256, blob_name(sha256))
    return sorted(found.items())


def blob_keepers(sha256: str) -> list[str]:
    """What, besides evidence, refers to these bytes, in words (for a problem report)."""
    return [said for _, _, describe in _KEEPERS for said in describe(sha256)]
