"""Evidence workflows. The upload page, the `casebook evidence` command, redaction and
erasure call these; none of them handles blobs or metadata itself.

Who may do what:
- add evidence: administrators and coordinators anywhere; caseworkers on incidents they may
  edit (and to people of those incidents); analysts and accounts without a role never;
- see an evidence file's restricted details (name it was uploaded under, caption, capture
  time, GPS position, device), its picture, and download the original: the roles that may
  see the people of the incident (accounts/roles.py), never analysts;
- everyone with a role sees that a file exists: its type, size, hash and who added it when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from casebook.accounts import roles
from casebook.audit.services import audit_record
from casebook.cases.models import Incident
from casebook.cases.services import incident_may_edit, incident_worked_on_by
from casebook.people.models import Involvement, Person
from casebook.sources.evidence.metadata import perceptual_hash, read_metadata, stripped_image
from casebook.sources.evidence.references import blob_keepers, blob_needed, blobs_needed
from casebook.sources.evidence.sniffing import EvidenceRefused, sniff
from casebook.sources.evidence.storage import (
    blob_delete,
    blob_open,
    blob_sha256,
    blob_store,
    sha256_of,
)
from casebook.sources.models import EvidenceFile, IncidentSource, Source
from casebook.sources.models.evidence import IMAGE_TYPES

__all__ = [
    "EvidenceAdded",
    "EvidenceIntegrityError",
    "EvidenceRefused",
    "evidence_add",
    "evidence_derivative_image",
    "evidence_details_viewed",
    "evidence_details_visible_to",
    "evidence_download",
    "evidence_may_add",
    "evidence_perceptual_hashes_backfill",
    "evidence_perceptual_hashes_missing",
    "evidence_remove",
    "evidence_verify",
]


class EvidenceIntegrityError(Exception):
    """The stored bytes are missing or no longer match the hash recorded when they came in."""


@dataclass(frozen=True)
class EvidenceAdded:
    evidence: EvidenceFile
    created: bool  # False: these bytes were already attached to the same records


# --- Who may -----------------------------------------------------------------------------------


def _works_on_person(*, user, person: Person) -> bool:
    return Involvement.objects.filter(
        person=person, act__incident__in=Incident.objects.worked_on_by(user)
    ).exists()


def _works_on_source(*, user, source: Source) -> bool:
    return IncidentSource.objects.filter(
        source=source, incident__in=Incident.objects.worked_on_by(user)
    ).exists()


def evidence_may_add(
    *,
    user,
    incident: Incident | None = None,
    source: Source | None = None,
    person: Person | None = None,
) -> bool:
    """May this user attach evidence to all of these records?"""
    if not roles.can_edit_cases(user):
        return False
    if roles.sees_all_people(user):
        return True
    if incident is not None and not incident_may_edit(incident=incident, user=user):
        return False
    if person is not None and not _works_on_person(user=user, person=person):
        return False
    return source is None or incident is not None or _works_on_source(user=user, source=source)


def evidence_details_visible_to(*, user, evidence: EvidenceFile) -> bool:
    """May this user see the file itself and its restricted details?"""
    if roles.sees_all_people(user):
        return True
    if not roles.may_see_people(user):
        return False
    if evidence.incident_id and incident_worked_on_by(incident=evidence.incident, user=user):
        return True
    if evidence.person_id and _works_on_person(user=user, person=evidence.person):
        return True
    return bool(evidence.source_id) and _works_on_source(user=user, source=evidence.source)


# --- Adding ------------------------------------------------------------------------------------


def _clean_filename(filename: str) -> str:
    """The last part of the name as given, without control characters; only ever displayed.

    >>> _clean_filename("C:\\\\Users\\\\x\\\\../../photo\\x00.jpg")
    'photo.jpg'
    """
    name = PurePath(filename.replace("\\", "/")).name
    return "".join(char for char in name if char.isprintable())[:255]


def _attached_to(*, incident, source, person) -> str:
    parts = []
    if incident is not None:
        parts.append(f"incident {incident.reference}")
    if source is not None:
        parts.append(f"source {source.pk}")
    if person is not None:
        parts.append(f"person {person.reference}")
    return ", ".join(parts)


def evidence_add(
    *,
    content: BinaryIO,
    filename: str,
    actor,
    incident: Incident | None = None,
    source: Source | None = None,
    person: Person | None = None,
    caption: str = "",
    ip_address: str | None = None,
    via: str = "web",
) -> EvidenceAdded:
    """Check a file, store its bytes once, and record who attached it to what, when and whence.

    Raises EvidenceRefused (with a sentence for the uploader) when the file is not accepted,
    PermissionDenied when the actor may not add evidence here. `actor=None` is a system job
    (the command line), which may add anywhere. Nothing is written when the file is refused.
    """
    if incident is None and source is None and person is None:
        raise ValidationError("Attach the file to an incident, a source or a person.")
    if actor is not None and not evidence_may_add(
        user=actor, incident=incident, source=source, person=person
    ):
        raise PermissionDenied("This account may not add evidence here.")
    sniffed = sniff(content)
    sha256, size = sha256_of(content)
    existing = EvidenceFile.objects.filter(
        sha256=sha256, incident=incident, source=source, person=person
    ).first()
    if existing is not None:
        return EvidenceAdded(existing, created=False)
    metadata = read_metadata(content, sniffed.media_type)
    photo_hash = perceptual_hash(content, sniffed.media_type)
    storage_name, wrote_blob = blob_store(content, sha256=sha256, size=size)
    try:
        with transaction.atomic():
            evidence = EvidenceFile(
                sha256=sha256,
                size=size,
                media_type=sniffed.media_type,
                storage_name=storage_name,
                original_filename=_clean_filename(filename),
                caption=caption.strip(),
                width=sniffed.width,
                height=sniffed.height,
                perceptual_hash=photo_hash,
                incident=incident,
                source=source,
                person=person,
                added_by=actor if getattr(actor, "is_authenticated", False) else None,
                added_from=ip_address or None,
                captured_at=metadata.captured_at,
                capture_offset_known=metadata.capture_offset_known,
                gps_latitude=metadata.latitude,
                gps_longitude=metadata.longitude,
                device_make=metadata.device_make,
                device_model=metadata.device_model,
                exif=metadata.raw,
            )
            evidence.full_clean()
            evidence.save()
            # The file name and the metadata stay out of the audit trail: they may name
            # someone or place them. The hash is what the chain of custody needs.
            audit_record(
                action="sources.evidence.added",
                instance=evidence,
                actor=actor,
                incident=incident,
                ip_address=ip_address or None,
                changes={
                    "sha256": [None, sha256],
                    "size": [None, str(size)],
                    "media_type": [None, sniffed.media_type],
                    "attached_to": [
                        None,
                        _attached_to(incident=incident, source=source, person=person),
                    ],
                    "via": [None, via],
                },
            )
    except BaseException:
        if wrote_blob and not blob_needed(sha256):
            blob_delete(storage_name)
        raise
    return EvidenceAdded(evidence, created=True)


# --- Reading -----------------------------------------------------------------------------------


def _open_verified(evidence: EvidenceFile):
    """The stored blob, opened, after checking that its bytes still hash to the record."""
    try:
        stored = blob_open(evidence.storage_name)
    except FileNotFoundError:
        raise EvidenceIntegrityError(
            f"The stored file of {evidence} is missing from the evidence storage."
        ) from None
    if sha256_of(stored)[0] != evidence.sha256:
        stored.close()
        raise EvidenceIntegrityError(
            f"The stored file of {evidence} no longer matches its hash: it was changed."
        )
    return stored


def evidence_download(*, evidence: EvidenceFile, actor, ip_address: str | None = None):
    """The original, unaltered file, for those who may see it; every download is audited.

    `actor=None` is a system job (a subject-access export, for instance).
    Returns an open file (the caller closes it). Raises PermissionDenied or
    EvidenceIntegrityError (the bytes went missing or changed: nothing is handed out).
    """
    if actor is not None and not evidence_details_visible_to(user=actor, evidence=evidence):
        raise PermissionDenied("This account may not open this evidence file.")
    stored = _open_verified(evidence)
    audit_record(
        action="sources.evidence.downloaded",
        instance=evidence,
        actor=actor,
        incident=evidence.incident,
        ip_address=ip_address or None,
        changes={"sha256": [evidence.sha256, evidence.sha256]},
    )
    return stored


def evidence_details_viewed(
    *, actor, incident: Incident, evidence: list[EvidenceFile], ip_address: str | None = None
) -> None:
    """Record that `actor` was shown these files' pictures and restricted details.

    One entry per page view, naming the files by number: where a photo was taken can place
    a person, so seeing it leaves a trace like seeing their name does.
    """
    if not evidence:
        return
    audit_record(
        action="sources.evidence.viewed",
        instance=incident,
        actor=actor,
        incident=incident,
        ip_address=ip_address or None,
        changes={"evidence": [None, ", ".join(f"#{item.pk}" for item in evidence)]},
    )


def evidence_derivative_image(evidence: EvidenceFile, *, max_side: int | None = None) -> bytes:
    """A re-encoded copy of an image evidence file with no metadata at all (see metadata.py).

    JPEG bytes (PNG when the image has transparency), orientation applied. The input for
    redaction and for thumbnails; the original is never modified. Checks nobody's permission:
    callers decide who may see the result. Raises ValueError for files that are not images
    and EvidenceIntegrityError when the stored bytes changed.
    """
    if not evidence.is_image:
        raise ValueError(f"{evidence} is not an image.")
    with _open_verified(evidence) as stored:
        return stripped_image(stored, evidence.media_type, max_side=max_side)


# --- Removing ----------------------------------------------------------------------------------


def evidence_remove(*, evidence: EvidenceFile, actor, ip_address: str | None = None) -> None:
    """Detach an evidence file; its blob is deleted once no record refers to it any more.

    For erasure and for mistakes. Audited with the hash, never the name.
    """
    if actor is not None and not roles.can_verify(actor):
        raise PermissionDenied("Only coordinators and administrators remove evidence.")
    storage_name, sha256 = evidence.storage_name, evidence.sha256
    with transaction.atomic():
        audit_record(
            action="sources.evidence.removed",
            instance=evidence,
            actor=actor,
            incident=evidence.incident,
            ip_address=ip_address or None,
            changes={"sha256": [sha256, None]},
        )
        evidence.delete()

        def delete_unreferenced_blob() -> None:
            if not blob_needed(sha256):
                blob_delete(storage_name)

        transaction.on_commit(delete_unreferenced_blob)


# --- Verifying ---------------------------------------------------------------------------------


@dataclass
class BlobProblem:
    sha256: str
    storage_name: str
    problem: str  # "missing" or "changed"
    evidence_ids: list[int] = field(default_factory=list)
    incident_references: list[str] = field(default_factory=list)
    kept_for: list[str] = field(default_factory=list)  # other apps' words (`blob_keepers`)

    def __str__(self) -> str:
        what = (
            "is missing from the storage"
            if self.problem == "missing"
            else "no longer matches its hash (its bytes changed)"
        )
        used_by = ", ".join([*(f"evidence #{pk}" for pk in self.evidence_ids), *self.kept_for])
        incidents = ", ".join(self.incident_references)
        return f"{self.storage_name} {what}; used by {used_by}" + (
            f" on {incidents}" if incidents else ""
        )


@dataclass
class EvidenceVerifyReport:
    checked: int = 0
    problems: list[BlobProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def evidence_blob_count() -> int:
    return len(blobs_needed())


def evidence_verify(*, progress: Callable[[int], None] | None = None) -> EvidenceVerifyReport:
    """Re-hash every stored blob (evidence, and the files other apps keep in the vault: those
    waiting with an account from the public); report each one missing or changed."""
    report = EvidenceVerifyReport()
    for sha256, storage_name in blobs_needed():
        now = blob_sha256(storage_name)
        if now != sha256:
            rows = EvidenceFile.objects.filter(sha256=sha256).select_related("incident")
            report.problems.append(
                BlobProblem(
                    sha256=sha256,
                    storage_name=storage_name,
                    problem="missing" if now is None else "changed",
                    evidence_ids=[row.pk for row in rows],
                    incident_references=sorted(
                        {row.incident.reference for row in rows if row.incident_id}
                    ),
                    kept_for=blob_keepers(sha256),
                )
            )
        report.checked += 1
        if progress:
            progress(1)
    return report


# --- Perceptual hashes of older images -----------------------------------------------------------


@dataclass
class PerceptualHashBackfill:
    hashed: int = 0  # stored files (blobs) given a perceptual hash
    updated: int = 0  # evidence records that got it (one file may be attached several times)
    unreadable: int = 0  # images that could not be decoded: they stay without one
    problems: list[str] = field(default_factory=list)  # files missing or changed


def _images_without_perceptual_hash():
    return EvidenceFile.objects.filter(media_type__in=IMAGE_TYPES, perceptual_hash="")


def evidence_perceptual_hashes_missing() -> int:
    """How many stored image files (blobs) have no perceptual hash yet."""
    return _images_without_perceptual_hash().values("sha256").distinct().count()


def evidence_perceptual_hashes_backfill(
    *, progress: Callable[[int], None] | None = None
) -> PerceptualHashBackfill:
    """Give every image evidence file added before perceptual hashes existed its hash.

    Each stored file is read once, after checking that its bytes still match its SHA-256
    (a file that went missing or changed is named, not hashed), and every record of it gets
    the hash. Running it again does nothing more: only images without a hash are read
    (those that cannot be decoded stay without one and are counted each time). The hash is
    derived from bytes already recorded, like the search index, so it is not audited.
    """
    report = PerceptualHashBackfill()
    blobs = (
        _images_without_perceptual_hash()
        .values_list("sha256", "media_type")
        .distinct()
        .order_by("sha256")
    )
    for sha256, media_type in blobs:
        evidence = _images_without_perceptual_hash().filter(sha256=sha256).first()
        if evidence is not None:
            try:
                with _open_verified(evidence) as stored:
                    photo_hash = perceptual_hash(stored, media_type)
            except EvidenceIntegrityError as error:
                report.problems.append(str(error))
                photo_hash = None
            if photo_hash:
                report.hashed += 1
                report.updated += (
                    _images_without_perceptual_hash()
                    .filter(sha256=sha256)
                    .update(perceptual_hash=photo_hash)
                )
            elif photo_hash == "":
                report.unreadable += 1
        if progress:
            progress(1)
    return report
