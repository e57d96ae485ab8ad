"""What the canary leak test judges: exhibits (a response, a log record, an audit entry, a
table, a file), how each kind is collected, and where a canary in one is a leak.
"""

from __future__ import annotations

import io
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.db import connection

from casebook.accounts.models import Session
from casebook.audit.models import AuditEntry
from casebook.people.models import Person
from tests.protection import canaries as c


@dataclass(frozen=True)
class Exhibit:
    """Something Casebook handed out or wrote down, as lower-case text to search."""

    where: str
    place: str
    text: str
    viewer: str | None = None  # None: nobody's in particular (a log, a table, a file)
    status: int | None = None
    picture: bytes | None = None  # a served picture, whose metadata is read afterwards

    def with_picture_metadata(self) -> Exhibit:
        """Reading a picture's EXIF makes Pillow log it: done once the logs are collected,
        so that only what Casebook logged is judged."""
        if self.picture is None:
            return self
        text = self.text + "\n" + c.picture_metadata_text(self.picture).lower()
        return replace(self, text=text, picture=None)


def as_text(content: bytes) -> str:
    return content.decode("utf-8", "replace").lower()


def pdf_text(content: bytes) -> str:
    """Every page's text and the document's metadata, as a reader of the PDF sees them."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    return metadata + "\n" + "\n".join(page.extract_text() or "" for page in reader.pages)


# --- What is written down ----------------------------------------------------------------------


class _Recorder(logging.Handler):
    # Attributes every LogRecord has; anything else was passed as `extra` and a handler
    # (an e-mail to the admins, a JSON formatter) may well write it out.
    STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        extras = " ".join(f"{k}={v!r}" for k, v in vars(record).items() if k not in self.STANDARD)
        self.records.append(
            (f"{record.levelname} {record.name}", f"{self.format(record)} {extras}".lower())
        )


@contextmanager
def everything_logged() -> Iterator[_Recorder]:
    """Every record logged, with the root logger at DEBUG: the most an installation can log
    (CASEBOOK_LOG_LEVEL=DEBUG). Loggers the settings give a level of their own keep it
    (Django's own stay at INFO), as they would there."""
    recorder = _Recorder()
    root = logging.getLogger()
    deaf = [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    level, disabled_below = root.level, logging.root.manager.disable
    logging.disable(logging.NOTSET)
    root.setLevel(logging.DEBUG)
    for logger in [root, *deaf]:
        logger.addHandler(recorder)
    try:
        yield recorder
    finally:
        for logger in [root, *deaf]:
            logger.removeHandler(recorder)
        root.setLevel(level)
        logging.disable(disabled_below)


def log_exhibits(recorder: _Recorder) -> list[Exhibit]:
    return [
        Exhibit(f"log record {name}: {text[:160]!r}", "log", text)
        for name, text in recorder.records
    ]


def audit_exhibits() -> list[Exhibit]:
    return [
        Exhibit(
            f"audit entry #{entry.sequence} {entry.action} {entry.object_type} {entry.object_id}",
            "audit trail",
            json.dumps(
                {
                    "actor_name": entry.actor_name,
                    "action": entry.action,
                    "object_type": entry.object_type,
                    "object_id": entry.object_id,
                    "incident_reference": entry.incident_reference,
                    "changes": entry.changes,
                }
            ).lower(),
        )
        for entry in AuditEntry.objects.order_by("sequence")
    ]


def _value_text(value) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def database_exhibits() -> list[Exhibit]:
    """Every row of every table as the database holds it (raw SQL, no model decrypting it),
    and every session decoded."""
    exhibits = []
    tables = connection.introspection.table_names()
    assert Person._meta.db_table in tables
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = "\n".join(" | ".join(_value_text(v) for v in row) for row in cursor.fetchall())
            exhibits.append(Exhibit(f"table {table} (raw SQL)", "database", rows.lower()))
    sessions = "\n".join(json.dumps(s.get_decoded(), default=str) for s in Session.objects.all())
    exhibits.append(Exhibit("sessions, decoded", "database", sessions.lower()))
    return exhibits


def file_exhibits(evidence_dir: Path) -> list[Exhibit]:
    """Every file in the data folder (logs, keyring, anything written there) and in the
    evidence storage: the originals there may hold their own metadata, nothing else may."""
    exhibits = []
    for root in (Path(settings.DATA_DIR), evidence_dir):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            content = path.read_bytes()
            text = as_text(content)
            place = "file"
            if root == evidence_dir and path.relative_to(root).parts[0] != "redacted":
                place = "stored evidence original"
            elif content[:3] == b"\xff\xd8\xff" or content[:8] == b"\x89PNG\r\n\x1a\n":
                text += "\n" + c.picture_metadata_text(content).lower()
            exhibits.append(Exhibit(f"file {path}", place, text))
    return exhibits


def mail_and_console_exhibits(capsys, recwarn) -> list[Exhibit]:
    """E-mails sent, warnings, and what was printed (the logging handlers write to the streams
    they were given at start-up, so their output is judged as log records instead)."""
    captured = capsys.readouterr()
    exhibits = [
        Exhibit(f"e-mail {m.subject!r} to {m.to}", "e-mail", m.message().as_string().lower())
        for m in mail.outbox
    ]
    exhibits.append(Exhibit("standard output", "console", captured.out.lower()))
    exhibits.append(Exhibit("standard error", "console", captured.err.lower()))
    exhibits += [
        Exhibit(f"warning {w.category.__name__}", "console", str(w.message).lower())
        for w in recwarn
    ]
    return exhibits


# --- Judging -----------------------------------------------------------------------------------


def _why_not(kind: str, place: str) -> str:
    if kind in c.NEVER_IN[place]:
        return f"never allowed in this place ({place})"
    return f"for {', '.join(sorted(c.MAY_SEE[kind]))} only"


def leaks(exhibits: list[Exhibit]) -> list[str]:
    """One line per canary found where it may not be: where, who got it, what it is, why."""
    found: dict[tuple[str, str, c.Canary], list[str]] = defaultdict(list)
    for exhibit in exhibits:
        for canary in c.CANARIES:
            if canary.found_in(exhibit.text) and not c.may_appear(
                canary.kind, viewer=exhibit.viewer, place=exhibit.place
            ):
                found[exhibit.where, exhibit.place, canary].append(exhibit.viewer or "")
    return [
        f"{where} [{place}]"
        + (f" as {', '.join(filter(None, viewers))}" if any(viewers) else "")
        + f": {canary} — {_why_not(canary.kind, place)}"
        for (where, place, canary), viewers in found.items()
    ]


def crashes(exhibits: list[Exhibit]) -> list[str]:
    return [
        f"{e.viewer} {e.where}: {e.status} (a crashed page cannot be judged)"
        for e in exhibits
        if e.status is not None and e.status >= 500
    ]


def missing_sightings(exhibits: list[Exhibit]) -> list[str]:
    """Without these the absences above prove nothing: each canary is seen where it may be,
    the assigned caseworker sees the person, and an export can carry a canary at all."""
    problems = []
    for canary in c.CANARIES:
        if not any(
            canary.found_in(e.text)
            and e.viewer in c.MAY_SEE[canary.kind]
            and e.place in ("page", "evidence original")
            for e in exhibits
        ):
            problems.append(
                f"{canary} is shown to nobody allowed to see it: is it still "
                "stored, and is it still found?"
            )
    name = next(x for x in c.CANARIES if x.label == "person's full_name")
    for viewer in c.MAY_SEE[c.PERSONAL]:
        if not any(e.viewer == viewer and name.found_in(e.text) for e in exhibits):
            problems.append(f"{viewer} never sees the person's name: the world is wired wrong")
    if not any(e.place == "personal-data export" and name.found_in(e.text) for e in exhibits):
        problems.append("the export with personal data asked for has no name in it")
    if not any(e.place == "derivative image" and e.status == 200 for e in exhibits):
        problems.append("no thumbnail or redacted picture was served: none was judged")
    return problems
