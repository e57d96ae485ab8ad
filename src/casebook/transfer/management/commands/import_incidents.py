"""`casebook import FILE`: import incidents from Casebook CSV or JSON, or an ACLED export."""

import os
import sys
from pathlib import Path
from typing import BinaryIO, TextIO, cast

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from casebook.accounts.models import User
from casebook.transfer.console import progress_bars
from casebook.transfer.formats import FORMATS, detect_format
from casebook.transfer.services import ImportFileError, incidents_import

SHOWN = 50  # problems listed before "…and N more": the first ones usually explain the rest
PROGRESS_FROM = 100_000  # bytes: smaller files are done before a bar could tell anything


class Command(BaseCommand):
    help = (
        "Import incidents from a Casebook CSV or JSON file or an ACLED export. "
        "Nothing is written unless the whole file is valid, or with --skip-invalid, "
        "the valid incidents are written and the others go to a rejects file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import, or - for standard input.")
        parser.add_argument(
            "--format",
            default="auto",
            choices=["auto", *FORMATS],
            help="The file's layout (default: recognised from the file).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what would change; write nothing.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the incidents without problems; write the rows of "
            "the others, with their problems, to a rejects file to fix "
            "and import again.",
        )
        parser.add_argument(
            "--rejects",
            metavar="PATH",
            help="Where --skip-invalid writes the rejected rows (default: "
            "FILE.rejects.csv, or .jsonl for JSON, beside the file).",
        )
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Leave incidents imported before as they are.",
        )
        parser.add_argument(
            "--channel", default="other", help="Channel of sources that name none (default: other)."
        )
        parser.add_argument("--user", help="Record the import as done by this user.")

    def handle(
        self,
        *args,
        file,
        format,
        dry_run,
        skip_invalid,
        rejects,
        skip_existing,
        channel,
        user,
        **options,
    ):
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"There is no user {user!r}.")
        if rejects and not skip_invalid:
            raise CommandError("--rejects goes with --skip-invalid.")
        if skip_invalid and file == "-" and not rejects:
            raise CommandError(
                "Give --rejects PATH: the rejects of standard input need a file name."
            )
        data, filename, size, head = _opened(file)
        rejects_file = None
        try:
            if skip_invalid:
                rejects_file = _RejectsFile(self._rejects_path(file, rejects, head, format))
            with progress_bars(enabled=size >= PROGRESS_FROM) as progress:
                report = incidents_import(
                    file=data,
                    filename=filename,
                    format=format,
                    actor=actor,
                    dry_run=dry_run,
                    update_existing=not skip_existing,
                    default_channel=channel,
                    skip_invalid=skip_invalid,
                    # Written to only: the formats call nothing but write().
                    rejects=cast(TextIO | None, rejects_file),
                    progress=progress,
                )
        except (ImportFileError, DatabaseError) as error:
            raise CommandError(_in_words(error)) from None
        finally:
            if rejects_file is not None:
                rejects_file.close()
            if not isinstance(data, bytes):
                data.close()
        for problem in report.problems[:SHOWN]:
            self.stderr.write(f"  {problem}")
        if len(report.problems) > SHOWN:
            self.stderr.write(f"  …and {len(report.problems) - SHOWN} more.")
        for note in report.notes:
            self.stdout.write(f"Note: {note}")
        if report.skipped:
            self.stdout.write(
                f"Skipped {len(report.skipped)} rows, e.g. "
                f"{report.skipped[0].where}: {report.skipped[0].reason}."
            )
        if not report.ok:
            raise CommandError(report.summary)
        style = self.style.WARNING if report.rejected else self.style.SUCCESS
        self.stdout.write(style(report.summary))

    def _rejects_path(self, file: str, rejects: str | None, head: bytes, format: str) -> Path:
        if rejects:
            path = Path(rejects)
        else:
            text = head.decode("utf-8-sig", errors="replace")
            layout = FORMATS[format] if format != "auto" else detect_format(file, text)
            source = Path(file)
            path = source.with_name(f"{source.stem}.rejects.{layout.rejects_extension}")
        if not path.parent.is_dir():
            raise CommandError(f"There is no folder {path.parent} for the rejects file.")
        if file != "-" and path.resolve() == Path(file).resolve():
            raise CommandError(
                "The rejects file would overwrite the file being imported; "
                "give another --rejects PATH."
            )
        return path


def _opened(file: str) -> tuple[bytes | BinaryIO, str, int, bytes]:
    """The file to import (standard input for "-"), its name, size and first bytes."""
    if file == "-":
        data = sys.stdin.buffer.read()
        return data, "", len(data), data[:2000]
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"There is no file {file}.")
    # Read as the import goes, never whole: a file of a million rows is hundreds of MB.
    opened = path.open("rb")
    head = opened.read(2000)
    opened.seek(0)
    return opened, path.name, path.stat().st_size, head


class _RejectsFile:
    """Created on the first rejected row only, and readable by its owner only: the rows are
    the file's own, and a JSON file may name people."""

    def __init__(self, path: Path) -> None:
        self.name = str(path)
        self.path = path
        self.stream: TextIO | None = None

    def write(self, text: str) -> int:
        if self.stream is None:
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.chmod(self.path, 0o600)  # an older file of the same name keeps its mode
            self.stream = open(descriptor, "w", encoding="utf-8", newline="")  # noqa: SIM115
        return self.stream.write(text)

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()


def _in_words(error: Exception) -> str:
    if isinstance(error, ImportFileError):
        return str(error)
    # A fault while writing: the batches already written were taken back (transfer.batches).
    return (
        f"The import stopped while writing ({error}); nothing of it was kept. "
        "Try again; if it happens again, the database needs looking at."
    )
