"""Court-ready evidence bundles: one incident's evidence in a zip a solicitor can hand over,
with everything needed to show that nothing in it was altered.

`bundle_make` writes the zip (original evidence files byte for byte, streamed from the vault;
the chain of custody; the incident's audit entries with the chain links between them; the
incident and its graded sources; an index in HTML and PDF; `verify.py`), then a manifest of
every file's SHA-256 signed with the installation's Ed25519 key (lib/signing.py), and
records the bundle in the audit trail with the manifest's hash. `bundles/verifier.py` is the
`verify.py` inside the bundle.
"""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import timezone

from casebook.accounts import roles
from casebook.audit.anchor import checkpoint_file
from casebook.audit.services import audit_record, audit_verify
from casebook.bundles import contents
from casebook.bundles.verifier import FORMAT
from casebook.cases.models import Incident
from casebook.lib.signing import signing_key
from casebook.redaction.approved import approved_image_for
from casebook.sources.evidence.storage import CHUNK, blob_open
from casebook.sources.models import EvidenceFile

VERIFIER = Path(__file__).with_name("verifier.py")


class BundleRefused(Exception):
    """A bundle cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class BundleMade:
    path: Path
    manifest_sha256: str
    signing_key_fingerprint: str
    files: int
    evidence_files: int
    evidence_bytes: int
    audit_entries: int
    people_with_details: list[str]
    left_out: list[str]


def bundle_may_make(user) -> bool:
    """Coordinators and administrators make bundles (they may see every incident's people)."""
    return roles.can_verify(user)


def _now_tuple() -> tuple[int, int, int, int, int, int]:
    now = time.gmtime()
    return (now.tm_year, now.tm_mon, now.tm_mday, now.tm_hour, now.tm_min, now.tm_sec)


class _ZipWriter:
    """Writes files into the zip while hashing them; remembers each for the manifest."""

    def __init__(self, archive: zipfile.ZipFile, root: str, progress: Callable[[int], None]):
        self.archive, self.root, self.progress = archive, root, progress
        self.files: list[dict[str, Any]] = []

    def _info(self, name: str, *, stored: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self.root}/{name}", date_time=_now_tuple())
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def stream(self, name: str, source: BinaryIO, *, stored: bool = True) -> tuple[str, int]:
        digest, size = hashlib.sha256(), 0
        with self.archive.open(self._info(name, stored=stored), "w", force_zip64=True) as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
                self.progress(len(chunk))
        self.files.append({"path": name, "sha256": digest.hexdigest(), "size": size})
        return digest.hexdigest(), size

    def write(self, name: str, data: bytes, *, listed: bool = True) -> None:
        self.archive.writestr(self._info(name, stored=False), data)
        if listed:
            self.files.append(
                {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            )

    def write_lines(self, name: str, rows: Iterable[dict]) -> int:
        """JSON Lines, written as they come (the chain links can be many)."""
        digest, size, count = hashlib.sha256(), 0, 0
        with self.archive.open(self._info(name, stored=False), "w", force_zip64=True) as out:
            for row in rows:
                line = (json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n").encode()
                digest.update(line)
                out.write(line)
                size += len(line)
                count += 1
        self.files.append({"path": name, "sha256": digest.hexdigest(), "size": size})
        return count


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _copy_original(writer: _ZipWriter, evidence: EvidenceFile) -> None:
    """The original, byte for byte; refused when the vault's copy no longer matches."""
    try:
        stored = blob_open(evidence.storage_name)
    except FileNotFoundError:
        raise BundleRefused(
            f"The stored file of {evidence} (#{evidence.pk}) is missing from the evidence "
            "storage; run `casebook evidence verify` and restore it from a backup."
        ) from None
    with stored:
        digest, _size = writer.stream(contents.evidence_path(evidence), stored)
    if digest != evidence.sha256:
        raise BundleRefused(
            f"The stored file of {evidence} (#{evidence.pk}) no longer matches the hash "
            "recorded when it came in; run `casebook evidence verify`. No bundle was made."
        )


def _write_evidence(
    writer: _ZipWriter, evidence: list[EvidenceFile], *, redacted: bool, left_out: list[str]
) -> tuple[int, int]:
    written: set[str] = set()
    count = total = 0
    for item in evidence:
        if redacted:
            image = approved_image_for(item)
            if image is None:
                left_out.append(
                    f"evidence #{item.pk} ({item.get_media_type_display()}, {item.short_hash}): "
                    "no approved redacted copy"
                )
                continue
            name = f"evidence/redacted/{item.sha256}-redacted.jpg"
            if name not in written:
                writer.write(name, image)
                written.add(name)
                count, total = count + 1, total + len(image)
            continue
        name = contents.evidence_path(item)
        if name in written:
            continue
        _copy_original(writer, item)
        written.add(name)
        count, total = count + 1, total + item.size
    return count, total


def _trail_checked() -> dict:
    report = audit_verify()
    if not report.ok:
        raise BundleRefused(
            f"The audit trail does not verify ({report.problem}). A bundle would carry entries "
            "nobody can vouch for: run `casebook audit verify` and resolve that first."
        )
    head = report.checkpoint.line() if report.checkpoint else None
    return {
        "verified_with_audit_key_at": timezone.now().isoformat(timespec="seconds"),
        "entries_checked": report.checked,
        "intact": True,
        "checkpoint": head,
        "checkpoint_file": checkpoint_file().name,
    }


def _index(context: dict) -> tuple[bytes, bytes]:
    html = render_to_string("bundles/index.html", context)
    from weasyprint import HTML  # type: ignore[import-untyped]  # slow import: bundles only

    return html.encode(), HTML(string=html).write_pdf()


def bundle_make(
    *,
    incident: Incident,
    output: Path,
    actor,
    redacted: bool = False,
    ip_address: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> BundleMade:
    """Write the evidence bundle of `incident` to `output` (a .zip); record it in the trail.

    `actor` None is the command line (the installation's operator). Raises PermissionDenied
    for anyone but coordinators and administrators, BundleRefused (nothing is left at
    `output`) when the audit trail or a stored file does not verify.
    """
    if actor is not None and not bundle_may_make(actor):
        raise PermissionDenied("Only coordinators and administrators make evidence bundles.")
    trail = _trail_checked()
    key = signing_key(settings.SIGNING_KEY_FILE)
    outlook = contents.Outlook(actor=actor, redacted=redacted)
    evidence = list(contents.incident_evidence(incident))
    entries = contents.audit_entries(incident, evidence)
    incident_data, people_out = contents.incident_record(incident, outlook=outlook)
    sources = contents.source_records(incident, outlook=outlook)
    custody = contents.custody_records(evidence, entries, outlook=outlook)
    created = timezone.now()
    root = f"{incident.reference}-evidence{'-redacted' if redacted else ''}"
    left_out: list[str] = []
    output = Path(output)
    try:
        with zipfile.ZipFile(output, "w", allowZip64=True) as archive:
            writer = _ZipWriter(archive, root, progress or (lambda _n: None))
            evidence_count, evidence_bytes = _write_evidence(
                writer, evidence, redacted=redacted, left_out=left_out
            )
            writer.write("incident.json", _json(incident_data))
            writer.write("sources.json", _json(sources))
            writer.write("custody.json", _json(custody))
            lines = [contents.audit_entry_line(entry) for entry in entries]
            writer.write_lines("audit/entries.jsonl", (line for line, _covered in lines))
            sequences = {entry.sequence for entry in entries}
            links = (
                writer.write_lines(
                    "audit/links.jsonl",
                    contents.chain_links(min(sequences), max(sequences), sequences),
                )
                if sequences
                else writer.write_lines("audit/links.jsonl", [])
            )
            context = {
                "incident": incident_data,
                "created": created,
                "requester": actor.get_username() if actor else "the command line",
                "redacted": redacted,
                "files": list(writer.files),
                "custody": custody,
                "sources": sources,
                "entries": [line for line, _covered in lines],
                "links": links,
                "left_out": left_out,
                "fingerprint": key.fingerprint,
                "trail": trail,
                "root": root,
            }
            html, pdf = _index(context)
            writer.write("index.html", html)
            writer.write("index.pdf", pdf)
            writer.write("verify.py", VERIFIER.read_bytes())
            writer.write("public-key.pem", key.public_pem().encode())
            manifest = {
                "format": FORMAT,
                "incident": incident.reference,
                "created_at": created.isoformat(timespec="seconds"),
                "created_by": actor.get_username() if actor else None,
                "redacted": redacted,
                "people_with_details": people_out,
                "signing_key_fingerprint": key.fingerprint,
                "files": writer.files,
                "left_out": left_out,
                "audit": {
                    "entries_file": "audit/entries.jsonl",
                    "links_file": "audit/links.jsonl",
                    "entries": [
                        {
                            "sequence": line["sequence"],
                            "previous_hash": line["previous_hash"],
                            "entry_hash": line["entry_hash"],
                            "content_sha256": hashlib.sha256(covered).hexdigest(),
                        }
                        for line, covered in lines
                    ],
                    "links": links,
                    "trail_at_creation": trail,
                },
            }
            manifest_bytes = _json(manifest)
            writer.write("manifest.json", manifest_bytes, listed=False)
            writer.write("manifest.sig", (key.sign(manifest_bytes) + "\n").encode(), listed=False)
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    audit_record(
        action="bundles.bundle.made",
        instance=incident,
        actor=actor,
        incident=incident,
        ip_address=ip_address or None,
        changes={
            "manifest_sha256": [None, manifest_sha256],
            "signing_key": [None, key.fingerprint],
            "redacted": [None, redacted],
            "evidence": [None, ", ".join(f"#{item.pk}" for item in evidence)],
            "people_with_details": [None, people_out],
        },
    )
    return BundleMade(
        path=output,
        manifest_sha256=manifest_sha256,
        signing_key_fingerprint=key.fingerprint,
        files=len(writer.files),
        evidence_files=evidence_count,
        evidence_bytes=evidence_bytes,
        audit_entries=len(entries),
        people_with_details=people_out,
        left_out=left_out,
    )


def bundle_unpack(path: Path, folder: Path) -> Path:
    """Unpack a bundle into `folder`; the bundle's own folder inside it (for tests and the
    command line's --check)."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        root = names[0].split("/", 1)[0]
        for name in names:
            if name.startswith("/") or ".." in name.split("/"):
                raise BundleRefused(f"{path} names a file outside its folder: {name}")
        archive.extractall(folder)
    return folder / root
