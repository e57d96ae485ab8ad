"""Accounts and corrections from the public: receiving them, their senders' own changes, and
the caseworkers' decision. Nothing here is ever published: an accepted submission becomes
a source of kind "testimony" (channel "public form"), which the public layer never shows.

Abuse resistance, without third parties or tracking (`form_problems`):
- a honeypot field people do not see; a form with it filled is thanked and dropped;
- a minimum time between the form being shown and sent (a signed timestamp in the form):
  MIN_SECONDS with the browser's proof of work, MIN_SECONDS_WITHOUT_SCRIPT without it;
- a proof of work: the form carries a signed random challenge, and our own script finds a
  number whose SHA-256 with it starts with WORK_BITS zero bits (about a second of a phone's
  time, nothing for one person, costly for thousands of forms);
- a rate limit per address and per form: the address is kept only as a keyed hash in the
  cache, for RATE_WINDOW seconds, never in the database;
- size limits on every field (the model's and the form's) and on files (FILE_MAX_BYTES each,
  at most FILES_MAX an account).

Files (photos, mostly) go through the evidence vault's own checks (`sniff`: nothing the vault
refuses is taken) and are kept in the vault by hash, never shown publicly; accepting the
account makes them evidence of its incident (`evidence_add`, which reads and restricts
their metadata as for any evidence; derivatives never carry it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from casebook.accounts import roles
from casebook.audit.services import audit_record
from casebook.cases.models import Incident
from casebook.cases.services import reference_block
from casebook.people.models import Person
from casebook.publishing.models import (
    Submission,
    SubmissionFile,
    SubmissionKind,
    SubmissionStatus,
)
from casebook.sources.evidence.metadata import stripped_image
from casebook.sources.evidence.references import blob_needed
from casebook.sources.evidence.services import EvidenceRefused, evidence_add
from casebook.sources.evidence.sniffing import human_size, sniff
from casebook.sources.evidence.storage import blob_delete, blob_open, blob_store, sha256_of
from casebook.sources.models import Channel, IncidentSource, Source
from casebook.sources.models.evidence import blob_name

MIN_SECONDS = 4
MIN_SECONDS_WITHOUT_SCRIPT = 15
MAX_AGE_SECONDS = 6 * 3600
WORK_BITS = 16
RATE_LIMIT = 5  # submissions per address and form
RATE_WINDOW = 3600  # seconds
SALT = "casebook.publishing.intake"
FILE_MAX_BYTES = 20 * 1024 * 1024  # each file: a phone's photo, a short clip
FILES_MAX = 5  # files an account may carry, added later ones included
PUBLIC_FORM_CHANNEL = ("public-form", "Public form", "Accounts sent through the public portal.")


class IntakeRefused(Exception):
    """A submission or a decision that cannot be made; the message says why."""


class FileRefused(IntakeRefused):
    """A file the public form does not take; the message names it and says what to do."""


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file the vault's checks accepted, not stored yet."""

    content: BinaryIO
    filename: str
    media_type: str
    sha256: str
    size: int


def files_check(uploads: Iterable[tuple[str, BinaryIO]], *, already: int = 0) -> list[CheckedFile]:
    """Put each file through the evidence vault's checks and the form's limits; nothing is
    stored. Raises FileRefused for the first file refused (or when there are too many)."""
    uploads = list(uploads)
    limit = file_limit()
    if already + len(uploads) > FILES_MAX:
        raise FileRefused(
            _(
                "You can send at most %(count)d files with an account. "
                "Choose the ones that show most."
            )
            % {"count": FILES_MAX}
        )
    checked = []
    for filename, content in uploads:
        name = "".join(char for char in filename if char.isprintable())[:255]
        sha256, size = sha256_of(content)
        if size > limit:
            raise FileRefused(file_too_large(name))
        try:
            sniffed = sniff(content, size=size, max_bytes=limit)
        except EvidenceRefused as refusal:
            raise FileRefused(
                _(
                    "“%(name)s” was not accepted: %(reason)s Photos (JPEG, PNG, WebP, HEIC), "
                    "videos (MP4, MOV), sound recordings and PDF files are accepted. Send it "
                    "in one of these forms, or send your account without it."
                )
                % {"name": name, "reason": _refusal_reason(refusal)}
            ) from None
        checked.append(CheckedFile(content, name, sniffed.media_type, sha256, size))
    return checked


def _refusal_reason(refusal: EvidenceRefused) -> str:
    """The vault's own reason, which it words in English, or for a reader in another language
    the same finding in general words of theirs: every word the public reads is translated."""
    if (get_language() or "en").startswith("en"):
        return refusal.reason
    return _("Its content is damaged, or is not what its kind of file should hold.")


def file_limit() -> int:
    """The largest file the public form takes, in bytes (never more than the vault takes)."""
    return min(FILE_MAX_BYTES, settings.EVIDENCE_MAX_BYTES)


def file_too_large(name: str) -> str:
    """What the sender of a file larger than `file_limit()` reads."""
    limit = human_size(file_limit())
    return _(
        "“%(name)s” is larger than the limit of %(limit)s for each file. Send a smaller copy "
        "(a phone can share a photo at a smaller size), or send your account without it."
    ) % {"name": name, "limit": limit}


def _files_keep(submission: Submission, files: Sequence[CheckedFile], written: list[str]) -> None:
    """Store the files' bytes in the vault and note them on the submission."""
    for checked in files:
        _, wrote = blob_store(checked.content, sha256=checked.sha256, size=checked.size)
        if wrote:
            written.append(checked.sha256)
        row = SubmissionFile(
            submission=submission,
            sha256=checked.sha256,
            size=checked.size,
            media_type=checked.media_type,
            original_filename=checked.filename,
        )
        row.full_clean()
        row.save()


def _blobs_forget(sha256s: Iterable[str]) -> None:
    """Delete the bytes nothing refers to any more (evidence or another account's file)."""
    for sha256 in set(sha256s):
        if not blob_needed(sha256):
            blob_delete(blob_name(sha256))


def _files_remove(submission: Submission) -> None:
    """Remove the files still waiting with the submission; their bytes go after commit."""
    waiting = submission.files.filter(evidence__isnull=True)
    sha256s = list(waiting.values_list("sha256", flat=True))
    waiting.delete()
    transaction.on_commit(lambda: _blobs_forget(sha256s))


def form_token() -> str:
    """What a new form carries: when it was shown, and a challenge for the proof of work."""
    return signing.TimestampSigner(salt=SALT).sign(secrets.token_hex(8))


def work_done(token: str, nonce: str) -> bool:
    """Does SHA-256 of "token:nonce" start with WORK_BITS zero bits?"""
    if not nonce or len(nonce) > 20 or not nonce.isdigit():
        return False
    digest = hashlib.sha256(f"{token}:{nonce}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> (32 - WORK_BITS) == 0


def _rate_key(address: str, form: str) -> str:
    hour = int(timezone.now().timestamp()) // RATE_WINDOW
    keyed = hmac.new(settings.SECRET_KEY.encode(), f"{hour}:{address}".encode(), "sha256")
    return f"publishing:rate:{form}:{keyed.hexdigest()}"


def form_problems(*, token: str, nonce: str, honeypot: str, address: str, form: str) -> str:
    """Why this submission is refused ("" when it is not), in the reader's language. "drop"
    for the honeypot: the sender is thanked as if it had worked."""
    if honeypot:
        return "drop"
    signer = signing.TimestampSigner(salt=SALT)
    try:
        signer.unsign(token, max_age=MAX_AGE_SECONDS)
        age = timezone.now().timestamp() - signing.b62_decode(token.split(":")[1])
    except (signing.BadSignature, IndexError, ValueError):
        return _("The form has expired: here it is again. Your words are kept below.")
    least = MIN_SECONDS if work_done(token, nonce) else MIN_SECONDS_WITHOUT_SCRIPT
    if age < least:
        return _(
            "That was quicker than a person can fill in the form: wait %(seconds)s seconds "
            "after opening it, then send it again."
        ) % {"seconds": least}
    key = _rate_key(address, form)
    count = cache.get_or_set(key, 0, RATE_WINDOW)
    if count >= RATE_LIMIT:
        return _("Too many forms were sent from your connection in the last hour: try later.")
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_WINDOW)
    return ""


def form_data_problems(data: dict, *, address: str, form: str) -> str:
    """`form_problems` for a public form's cleaned data (its `token`, `nonce`, `website`)."""
    return form_problems(
        token=data["token"],
        nonce=data.get("nonce") or "",
        honeypot=data.get("website") or "",
        address=address,
        form=form,
    )


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace(" ", "").encode()).hexdigest()


def _new_receipt() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over a phone
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def submission_receive(
    *,
    account: str,
    kind: str = SubmissionKind.TESTIMONY,
    incident: Incident | None = None,
    name: str = "",
    contact: str = "",
    consent_contact: bool = False,
    consent_use: bool = False,
    consent_publish: bool = False,
    language: str = "",
    files: Sequence[CheckedFile] = (),
) -> tuple[Submission, str]:
    """Keep an account from the public, with its files (checked by `files_check`); returns
    it and its receipt code (shown once)."""
    code = _new_receipt()
    written: list[str] = []
    try:
        submission = _receive(
            code=code,
            account=account,
            kind=kind,
            incident=incident,
            name=name,
            contact=contact,
            consents=(consent_contact, consent_use, consent_publish),
            language=language,
            files=list(files),
            written=written,
        )
    except BaseException:
        _blobs_forget(written)  # what this call wrote, if nothing kept it
        raise
    return submission, code


def _receive(
    *, code, account, kind, incident, name, contact, consents, language, files, written
) -> Submission:
    consent_contact, consent_use, consent_publish = consents
    with transaction.atomic():
        person = None
        if (name or contact) and consent_contact:
            # Sealed from the moment it arrives, like anyone's details in the casebook.
            person = Person(
                full_name=name[:200],
                contact=contact[:300],
                consent_record=True,
                consent_publish=False,
                consent_given_at=timezone.now(),
            )
            person.full_clean()
            person.save()
            audit_record(action="people.person.created", instance=person, changes={})
        submission = Submission(
            receipt_sha256=receipt_hash(code),
            kind=kind,
            incident=incident,
            account=account,
            language=language[:10],
            person=person,
            consent_contact=consent_contact,
            consent_use=consent_use,
            consent_publish=consent_publish,
        )
        submission.full_clean()
        submission.save()
        _files_keep(submission, files, written)
        changes = {"kind": [None, kind], "account": None}
        if files:
            # The hashes, never the names: the chain of custody starts here.
            changes["files"] = [None, ", ".join(checked.sha256 for checked in files)]
        audit_record(
            action="publishing.submission.received",
            instance=submission,
            changes=changes,
            incident=incident,
        )
    return submission


def submission_by_receipt(code: str) -> Submission | None:
    return Submission.objects.filter(receipt_sha256=receipt_hash(code)).first()


def submission_add(
    *,
    submission: Submission,
    text: str = "",
    files: Sequence[CheckedFile] = (),
) -> Submission:
    """The sender adds words or files (checked by `files_check`) to their account, until
    it is decided."""
    if submission.status != SubmissionStatus.RECEIVED:
        raise IntakeRefused(_("This account was already dealt with: send a new one instead."))
    if not text.strip() and not files:
        raise IntakeRefused(_("Write something to add, or choose a file."))
    written: list[str] = []
    try:
        with transaction.atomic():
            changes: dict = {}
            if text.strip():
                stamp = timezone.now().strftime("%Y-%m-%d %H:%M UTC")
                submission.additions = f"{submission.additions}\n\n[{stamp}]\n{text}".strip()
                submission.full_clean()
                submission.save(update_fields=["additions"])
                changes["additions"] = None
            _files_keep(submission, list(files), written)
            if files:
                changes["files"] = [None, ", ".join(checked.sha256 for checked in files)]
            audit_record(
                action="publishing.submission.added_to", instance=submission, changes=changes
            )
    except BaseException:
        _blobs_forget(written)  # what this call wrote, if nothing kept it
        raise
    return submission


def submission_withdraw(*, submission: Submission) -> Submission:
    """The sender takes their account back: its words and their details are erased."""
    from casebook.people.duties.erasure import person_erase

    with transaction.atomic():
        submission.status = SubmissionStatus.WITHDRAWN
        submission.account, submission.additions = "", ""
        submission.save(update_fields=["status", "account", "additions"])
        _files_remove(submission)
        if submission.person_id and not submission.person.is_erased:
            person_erase(person=submission.person, reason="Withdrawn through the public form.")
        audit_record(
            action="publishing.submission.withdrawn",
            instance=submission,
            changes={"status": [SubmissionStatus.RECEIVED, SubmissionStatus.WITHDRAWN]},
        )
    return submission


def intake_may_read(user) -> bool:
    return roles.can_edit_cases(user)


def intake_may_see_files(user) -> bool:
    """Pictures may show people: their previews are for those who may see people."""
    return intake_may_read(user) and roles.may_see_people(user)


PREVIEW_SIDE = 640


def submission_file_preview(*, waiting: SubmissionFile, actor) -> bytes:
    """A copy of a photo sent with an account, re-encoded without any metadata (as every
    derivative from the vault is), for the caseworker deciding; the viewing is audited.
    Raises ValueError for files that are not pictures."""
    if not intake_may_see_files(actor):
        raise PermissionDenied("Only those who may see people see files from the public.")
    with blob_open(blob_name(waiting.sha256)) as stored:
        picture = stripped_image(stored, waiting.media_type, max_side=PREVIEW_SIDE)
    audit_record(
        action="publishing.submission.file_viewed",
        instance=waiting.submission,
        actor=actor,
        changes={"file": [None, waiting.sha256]},
    )
    return picture


def submission_accept(*, submission: Submission, actor, incident: Incident | None) -> Source:
    """Turn an account into a source (a testimony through the public form) on `incident`,
    or on a new draft incident when none is given."""
    if not intake_may_read(actor):
        raise PermissionDenied("Only caseworkers, coordinators and administrators decide.")
    if submission.status != SubmissionStatus.RECEIVED:
        raise IntakeRefused("This account was already dealt with.")
    if not submission.consent_use:
        raise IntakeRefused("The sender did not agree that their account be used: discard it.")
    with transaction.atomic():
        channel, _ = Channel.objects.get_or_create(
            slug=PUBLIC_FORM_CHANNEL[0],
            defaults={"name": PUBLIC_FORM_CHANNEL[1], "description": PUBLIC_FORM_CHANNEL[2]},
        )
        received = submission.received_at.date()
        if incident is None:
            incident = Incident(
                title="Account from the public form",
                date=received,
                date_precision="day",
                created_by=actor,
            )
            incident.reference = reference_block(year=received.year)[0]
            incident.full_clean()
            incident.save()
            audit_record(
                action="cases.incident.created", instance=incident, actor=actor, incident=incident
            )
        text = submission.account
        if submission.additions:
            text += "\n\n" + submission.additions
        source = Source(
            kind=Source.Kind.TESTIMONY,
            channel=channel,
            title=f"Account from the public form, received {received:%-d %B %Y}",
            text=text,
            retrieved_at=submission.received_at,
        )
        source.full_clean()
        source.save()
        IncidentSource.objects.create(incident=incident, source=source, supports="")
        _files_to_evidence(submission, actor=actor, incident=incident, source=source)
        submission.status = SubmissionStatus.ACCEPTED
        submission.source = source
        submission.decided_by, submission.decided_at = actor, timezone.now()
        submission.save(update_fields=["status", "source", "decided_by", "decided_at"])
        audit_record(
            action="publishing.submission.accepted",
            instance=submission,
            actor=actor,
            changes={"status": [SubmissionStatus.RECEIVED, SubmissionStatus.ACCEPTED]},
            incident=incident,
        )
    return source


def submission_discard(*, submission: Submission, actor, reason: str) -> Submission:
    if not intake_may_read(actor):
        raise PermissionDenied("Only caseworkers, coordinators and administrators decide.")
    if submission.status != SubmissionStatus.RECEIVED:
        raise IntakeRefused("This account was already dealt with.")
    if not reason.strip():
        raise IntakeRefused("Say why it is not used (the sender sees this status).")
    with transaction.atomic():
        submission.status = SubmissionStatus.DISCARDED
        submission.decision_reason = reason.strip()[:300]
        submission.decided_by, submission.decided_at = actor, timezone.now()
        submission.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
        # Photos may show people: a set-aside account keeps its words for the record of the
        # decision, not its files.
        _files_remove(submission)
        audit_record(
            action="publishing.submission.discarded",
            instance=submission,
            actor=actor,
            changes={"status": [SubmissionStatus.RECEIVED, SubmissionStatus.DISCARDED]},
        )
    return submission


def _files_to_evidence(
    submission: Submission, *, actor, incident: Incident, source: Source
) -> None:
    """The account's files become evidence of the incident and of its new source, through
    the vault's own `evidence_add` (checked again, metadata read and restricted, audited)."""
    for waiting in submission.files.filter(evidence__isnull=True):
        try:
            with blob_open(blob_name(waiting.sha256)) as stored:
                added = evidence_add(
                    content=stored,
                    filename=waiting.original_filename,
                    actor=actor,
                    incident=incident,
                    source=source,
                    via="public form",
                )
        except PermissionDenied:
            raise IntakeRefused(
                f"You may not add evidence to {incident.reference}: choose an incident you "
                "work on, or ask a coordinator."
            ) from None
        except (EvidenceRefused, FileNotFoundError) as problem:
            reason = getattr(problem, "reason", "its bytes are missing from the evidence vault.")
            raise IntakeRefused(f"A file sent with it cannot become evidence: {reason}") from None
        waiting.evidence = added.evidence
        waiting.save(update_fields=["evidence"])
