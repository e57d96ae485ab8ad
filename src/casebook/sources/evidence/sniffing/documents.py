"""PDF (no scripts, actions or embedded files, nothing after its end) and plain UTF-8 text."""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Iterator

from casebook.sources.evidence.sniffing.common import (
    ACCEPTED,
    MARKUP_ANYWHERE,
    MARKUP_REASON,
    TRAILING_REASON,
    TRUNCATED_REASON,
    EvidenceRefused,
)

PDF_DANGEROUS_NAMES = {
    b"JavaScript": "JavaScript",
    b"JS": "JavaScript",
    b"Launch": "an action that launches programs",
    b"EmbeddedFile": "embedded files",
    b"EmbeddedFiles": "embedded files",
    b"RichMedia": "embedded media (Flash)",
    b"XFA": "an XFA form",
    b"SubmitForm": "a form that sends data",
    b"ImportData": "an action that imports data",
    b"GoToE": "a link into an embedded file",
}
PDF_NAME = re.compile(rb"/([^\s/<>\[\]\(\)\{\}%]+)")
PDF_HEX_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
PDF_MAX_INFLATED = 200 * 1024 * 1024


def _pdf_names(chunk) -> Iterator[bytes]:
    for match in PDF_NAME.finditer(chunk):
        name = match.group(1)
        if b"#" in name:
            name = PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        yield name


def _pdf_refuse_names(chunk) -> None:
    for name in _pdf_names(chunk):
        if name == b"Encrypt":
            raise EvidenceRefused(
                "The PDF is encrypted, so what is inside cannot be checked. Remove the password "
                "(print it to a new PDF) and upload that."
            )
        if name in PDF_DANGEROUS_NAMES:
            raise EvidenceRefused(
                f"The PDF contains {PDF_DANGEROUS_NAMES[name]}. PDFs with scripts, launch "
                "actions, embedded files or forms that send data are refused; print it to a "
                "new PDF and upload that."
            )


def _pdf_parts(data) -> Iterator[tuple[bytes, bytes | None]]:
    """(bytes outside streams, compressed object stream or None), in file order.

    Dictionaries, where actions and scripts are declared, live outside streams or inside
    object streams (PDF 1.5+). Other streams hold page content and pictures, where any byte
    pattern can occur by chance, so they are not searched.
    """
    position, size = 0, len(data)
    while position < size:
        match = PDF_STREAM.search(data, position)
        if not match:
            yield data[position:size], None
            return
        end = data.find(b"endstream", match.end())
        if end == -1:
            raise EvidenceRefused(TRUNCATED_REASON.format(what="PDF"))
        dictionary = data[max(position, match.start() - 1000) : match.start()]
        is_object_stream = b"/ObjStm" in dictionary
        yield data[position : match.start()], data[match.end() : end] if is_object_stream else None
        position = end + len(b"endstream")


def check_pdf(data) -> None:
    size = len(data)
    if not re.match(rb"%PDF-[12]\.\d", data[:16]):
        raise EvidenceRefused("The PDF is damaged: its header is not valid.")
    tail = data[max(0, size - 2048) : size]
    end = tail.rfind(b"%%EOF")
    if end == -1:
        raise EvidenceRefused(TRUNCATED_REASON.format(what="PDF"))
    if tail[end + 5 :].strip(b" \t\r\n\x00\x0c"):
        raise EvidenceRefused(TRAILING_REASON.format(what="PDF"))
    inflated = 0
    for outside, object_stream in _pdf_parts(data):
        if MARKUP_ANYWHERE.search(outside):
            raise EvidenceRefused(
                "The PDF also contains a web page or script markup (a 'polyglot' file). It is "
                "refused; print it to a new PDF and upload that."
            )
        _pdf_refuse_names(outside)
        if object_stream is None:
            continue
        # Inflate with a budget, so that a PDF cannot be a zip bomb.
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(object_stream, PDF_MAX_INFLATED - inflated)
        except zlib.error:
            raise EvidenceRefused(
                "The PDF keeps part of its structure in a form that cannot be checked. Print "
                "it to a new PDF and upload that."
            ) from None
        inflated += len(text)
        if inflater.unconsumed_tail or inflated >= PDF_MAX_INFLATED:
            raise EvidenceRefused(
                "The PDF expands to far more data than its size (a possible 'zip bomb'). Print "
                "it to a new PDF and upload that."
            )
        _pdf_refuse_names(text)


# --- Text --------------------------------------------------------------------------------------

TEXT_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def check_text(data) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), 1 << 20):
            decoder.decode(data[start : start + (1 << 20)], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise EvidenceRefused(
            "Its type could not be recognised from its content: it is not one of the accepted "
            f"types ({ACCEPTED}). Text must be UTF-8."
        ) from None
    if data.find(b"\x00") != -1:
        raise EvidenceRefused(
            "It contains NUL bytes, so it is not plain text: it may be a program or another "
            "binary file with a changed name."
        )
    if TEXT_CONTROL.search(data):
        raise EvidenceRefused(
            "It contains control characters, so it is not plain text: it may be a binary file "
            "with a changed name."
        )
    if MARKUP_ANYWHERE.search(data):
        raise EvidenceRefused(MARKUP_REASON)
