"""Types refused on sight from their first bytes, and ZIP archives hidden inside other files."""

from __future__ import annotations

import codecs
import re
import struct

from casebook.sources.evidence.sniffing.common import (
    ACCEPTED,
    ARCHIVE_REASON,
    MARKUP_REASON,
    NOT_ON_LIST_REASON,
    PROGRAM_REASON,
    EvidenceRefused,
)

# (offset, signature, reason) — checked before anything is parsed.
REFUSED_SIGNATURES: list[tuple[int, bytes, str]] = [
    (
        0,
        b"PK\x03\x04",
        ARCHIVE_REASON.format(
            what="a ZIP archive (Word, Excel and OpenDocument files are ZIP archives too)"
        ),
    ),
    (0, b"PK\x05\x06", ARCHIVE_REASON.format(what="an empty ZIP archive")),
    (0, b"PK\x07\x08", ARCHIVE_REASON.format(what="a split ZIP archive")),
    (0, b"\x1f\x8b", ARCHIVE_REASON.format(what="a gzip-compressed file")),
    (0, b"7z\xbc\xaf\x27\x1c", ARCHIVE_REASON.format(what="a 7-Zip archive")),
    (0, b"Rar!\x1a\x07", ARCHIVE_REASON.format(what="a RAR archive")),
    (0, b"\xfd7zXZ\x00", ARCHIVE_REASON.format(what="an xz-compressed file")),
    (0, b"\x28\xb5\x2f\xfd", ARCHIVE_REASON.format(what="a zstd-compressed file")),
    (0, b"MSCF", ARCHIVE_REASON.format(what="a Windows cabinet archive")),
    (0, b"!<arch>\n", ARCHIVE_REASON.format(what="an ar archive or Debian package")),
    (0, b"LZIP", ARCHIVE_REASON.format(what="an lzip-compressed file")),
    (257, b"ustar", ARCHIVE_REASON.format(what="a tar archive")),
    (0, b"\x7fELF", PROGRAM_REASON.format(what="a Linux or Unix program (ELF)")),
    (0, b"\xfe\xed\xfa\xce", PROGRAM_REASON.format(what="a macOS program (Mach-O)")),
    (0, b"\xfe\xed\xfa\xcf", PROGRAM_REASON.format(what="a macOS program (Mach-O)")),
    (0, b"\xce\xfa\xed\xfe", PROGRAM_REASON.format(what="a macOS program (Mach-O)")),
    (0, b"\xcf\xfa\xed\xfe", PROGRAM_REASON.format(what="a macOS program (Mach-O)")),
    (0, b"\xca\xfe\xba\xbe", PROGRAM_REASON.format(what="a macOS or Java program")),
    (0, b"\x00asm", PROGRAM_REASON.format(what="a WebAssembly program")),
    (0, b"dex\n", PROGRAM_REASON.format(what="an Android program")),
    (0, b"#!", PROGRAM_REASON.format(what="a script")),
    (
        0,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        NOT_ON_LIST_REASON.format(what="an old Microsoft Office document", accepted=ACCEPTED)
        + " Save it as PDF and upload that.",
    ),
    (
        0,
        b"{\\rtf",
        NOT_ON_LIST_REASON.format(what="an RTF document", accepted=ACCEPTED)
        + " Save it as PDF and upload that.",
    ),
    (0, b"GIF87a", NOT_ON_LIST_REASON.format(what="a GIF image", accepted=ACCEPTED)),
    (0, b"GIF89a", NOT_ON_LIST_REASON.format(what="a GIF image", accepted=ACCEPTED)),
    (0, b"BM", ""),  # decided below: "BM" also starts ordinary words
    (
        0,
        b"II*\x00",
        NOT_ON_LIST_REASON.format(what="a TIFF or camera RAW image", accepted=ACCEPTED)
        + " Export it as JPEG or PNG.",
    ),
    (
        0,
        b"MM\x00*",
        NOT_ON_LIST_REASON.format(what="a TIFF or camera RAW image", accepted=ACCEPTED)
        + " Export it as JPEG or PNG.",
    ),
    (0, b"fLaC", NOT_ON_LIST_REASON.format(what="FLAC audio", accepted=ACCEPTED)),
    (
        0,
        b"\x1a\x45\xdf\xa3",
        NOT_ON_LIST_REASON.format(what="a Matroska or WebM video", accepted=ACCEPTED)
        + " Convert it to MP4.",
    ),
    (0, b"%!PS", NOT_ON_LIST_REASON.format(what="a PostScript file", accepted=ACCEPTED)),
    (0, b"\xff\xfe", "It is a UTF-16 text file. Text must be UTF-8: save it as UTF-8."),
    (0, b"\xfe\xff", "It is a UTF-16 text file. Text must be UTF-8: save it as UTF-8."),
]

# Markup at the start of the file (after a byte-order mark and blank space).

# Markup at the start of the file (after a byte-order mark and blank space).
MARKUP_START = re.compile(rb"\A(?:\xef\xbb\xbf)?[\s\x00]*<\s*[!?a-zA-Z]")


def refuse_on_sight(data) -> None:
    for offset, signature, reason in REFUSED_SIGNATURES:
        if data[offset : offset + len(signature)] != signature:
            continue
        if signature == b"BM":
            if (
                len(data) >= 26
                and data[14] in (12, 40, 52, 56, 64, 108, 124)
                and data[15:18] == b"\x00\x00\x00"
            ):
                raise EvidenceRefused(
                    NOT_ON_LIST_REASON.format(what="a BMP image", accepted=ACCEPTED)
                    + " Export it as PNG."
                )
            continue
        raise EvidenceRefused(reason)
    if data[:2] == b"MZ" and not looks_like_text(data[:4096]):
        raise EvidenceRefused(PROGRAM_REASON.format(what="a Windows program"))
    if MARKUP_START.match(data[:4096]):
        raise EvidenceRefused(MARKUP_REASON)


def looks_like_text(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def zip_hidden_at_end(data) -> bool:
    """Is there a ZIP end-of-central-directory record that a ZIP reader would find?

    ZIP readers find an archive from its end record in the last 64 KB of a file, wherever
    the rest of the file came from; so that is where a polyglot must put it. A record only
    counts when its central directory is where it says, which random bytes never manage.
    """
    size = len(data)
    start = max(0, size - (65535 + 22))
    tail = data[start:size]
    position = tail.rfind(b"PK\x05\x06")
    while position != -1:
        absolute = start + position
        record = tail[position : position + 22]
        if len(record) == 22:
            cd_size, cd_offset = struct.unpack_from("<II", record, 12)
            entries = struct.unpack_from("<H", record, 10)[0]
            if entries == 0 and cd_size == 0:
                return True  # an empty archive is still an archive
            cd_start = absolute - cd_size
            if 0 <= cd_start < absolute and data[cd_start : cd_start + 4] == b"PK\x01\x02":
                return True
            if cd_offset + 4 <= size and data[cd_offset : cd_offset + 4] == b"PK\x01\x02":
                return True
        position = tail.rfind(b"PK\x05\x06", 0, position)
    return tail.find(b"PK\x06\x07") != -1 and tail.find(b"PK\x06\x06") != -1
