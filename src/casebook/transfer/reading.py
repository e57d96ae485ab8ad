"""An import file read as a stream, as many times as the import needs, never held whole.

An import reads its file twice: once to check every incident, writing nothing, and once more
to write them. Neither reading holds the file's text or its records: the bytes are decoded
as they are read, and the records come a chunk at a time (`record_chunks`). What the checks
across rows need is kept small: the ids seen (`SeenIds`), the rows each CSV incident ends on
(a flag a row, `formats.casebook_csv`).
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO, cast

from casebook.transfer.formats.base import IncidentFormat
from casebook.transfer.records import (
    MAX_PROBLEMS,
    IncidentRecord,
    Problem,
    Skipped,
    UnreadableFile,
)

NOT_UTF8 = (
    "The file is not UTF-8 text. In Excel choose Save As → 'CSV UTF-8'; in "
    "LibreOffice tick 'Edit filter settings' and pick Unicode (UTF-8)."
)


class _Pass(io.TextIOWrapper):
    """The file decoded for one reading; closing it leaves the file open for the next."""

    def close(self) -> None:
        if not self.closed:
            self.detach()


class FileText:
    """An import file (bytes, text, or a binary file) that can be read from its start again.

    A binary file that cannot seek is copied to a temporary file first, not into memory.
    """

    def __init__(self, file: BinaryIO | bytes | str) -> None:
        self.text: str | None = file if isinstance(file, str) else None
        self.binary: BinaryIO | None = None
        self.start = 0
        if isinstance(file, bytes):
            self.binary = io.BytesIO(file)  # shares the bytes' buffer: no copy
        elif not isinstance(file, str):
            if file.seekable():
                self.binary, self.start = file, file.tell()
            else:
                copy = tempfile.TemporaryFile()  # noqa: SIM115 (removed once closed, when the import lets go of it)
                shutil.copyfileobj(file, copy)
                self.binary = copy
        if self.binary is not None:
            self.size = self.binary.seek(0, io.SEEK_END) - self.start
        else:
            self.size = len(file) if isinstance(file, str) else 0

    def head(self, characters: int = 2000) -> str:
        """The first characters; `UnicodeDecodeError` if they are not UTF-8."""
        with self.open() as stream:
            return stream.read(characters)

    def open(self, progress: Callable[[int, int], None] | None = None) -> TextIO:
        """A text stream from the file's start; `progress(done, total)` counts characters of
        text, or bytes of a binary file, as they are read."""
        if self.binary is None:
            assert self.text is not None
            stream: TextIO = io.StringIO(self.text)
            position = stream.tell
        else:
            binary = self.binary
            binary.seek(self.start)
            # The same lines as a decoded string's StringIO: split at "\n", nothing translated.
            stream = _Pass(binary, encoding="utf-8-sig", newline="\n")
            start = self.start

            def position() -> int:
                return binary.tell() - start

        if progress is None:
            return stream
        # Read as a text stream: the formats call only what it has.
        return cast(TextIO, _Counting(stream, position, self.size, progress))


class _Counting:
    """A text stream telling `progress` how far it has been read (not on every line: a
    report per line would cost more than the line)."""

    EVERY = 1 << 16

    def __init__(self, stream: TextIO, position, total: int, progress) -> None:
        self.stream, self.position, self.total, self.progress = stream, position, total, progress
        self.reported = 0

    def _advance(self, line: str) -> str:
        position = self.position() if line else self.total
        if position - self.reported >= self.EVERY or not line:
            self.reported = position
            self.progress(position, self.total)
        return line

    def readline(self, size: int = -1) -> str:
        return self._advance(self.stream.readline(size))

    def read(self, size: int = -1) -> str:
        return self._advance(self.stream.read(size))

    def __iter__(self) -> _Counting:
        return self

    def __next__(self) -> str:
        try:
            return self._advance(next(self.stream))
        except StopIteration:
            self._advance("")
            raise

    def seekable(self) -> bool:
        return self.stream.seekable()

    def tell(self) -> int:
        return self.stream.tell()

    def seek(self, position: int) -> int:
        return self.stream.seek(position)

    def __enter__(self) -> _Counting:
        return self

    def __exit__(self, *exc) -> None:
        self.stream.close()

    def close(self) -> None:
        self.stream.close()


class SeenIds:
    """The incident ids a file gave so far, with where each was first given, to find one
    given twice. Formats whose rows are grouped by id (Casebook CSV) cannot repeat one, and
    keep nothing here."""

    def __init__(self, incident_format: IncidentFormat) -> None:
        self.keeps = not getattr(incident_format, "groups_by_id", False)
        self.where: dict[str, str] = {}

    def repeated(self, record: IncidentRecord) -> Problem | None:
        if not self.keeps or not record.external_id:
            return None
        first = self.where.get(record.external_id)
        if first is None:
            self.where[record.external_id] = record.where
            return None
        return Problem(record.where, "id", f"{record.external_id!r} is also the id of {first}.")


@dataclass
class Chunk:
    """Records read together, with the problems read with them (those of these records, and
    of rows that made no record) and the records (by id()) that repeat an earlier id."""

    records: list[IncidentRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    repeats: set[int] = field(default_factory=set)
    skipped: list[Skipped] = field(default_factory=list)


def record_chunks(
    incident_format: IncidentFormat,
    stream: TextIO,
    *,
    size: int,
    seen: SeenIds | None,
    skip_invalid: bool,
) -> Iterator[Chunk]:
    """The file's records, `size` at a time. A format gives each record's problems before
    the record, so a chunk holds every problem of its records. Stops after the chunk in which
    the problems reach `MAX_PROBLEMS` (unless skipping invalid incidents): past that the file
    is surely in the wrong layout."""
    chunk = Chunk()
    problems = 0
    with stream:
        for item in _items(incident_format, stream):
            if isinstance(item, Problem):
                chunk.problems.append(item)
                problems += 1
            elif isinstance(item, Skipped):
                chunk.skipped.append(item)
            else:
                if skip_invalid and not item.items:
                    raise CannotSkip(incident_format.label)
                chunk.records.append(item)
                repeated = seen.repeated(item) if seen is not None else None
                if repeated is not None:
                    chunk.problems.append(repeated)
                    chunk.repeats.add(id(item))
                    problems += 1
            if problems >= MAX_PROBLEMS and not skip_invalid:
                yield chunk
                return
            if len(chunk.records) >= size:
                yield chunk
                chunk = Chunk()
        yield chunk


class CannotSkip(ValueError):
    """A format whose records do not know their items cannot leave out invalid ones."""


def _items(incident_format: IncidentFormat, stream: TextIO) -> Iterator:
    """What the format reads, ending with the problem that stopped it if it could not go on."""
    try:
        yield from incident_format.read(stream)
    except UnreadableFile as error:
        yield error.problem
