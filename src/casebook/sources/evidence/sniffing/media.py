"""Video and audio: ISO base media (MP4, MOV, M4A, HEIC containers), MP3, Ogg and WAV."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from casebook.sources.evidence.sniffing.common import (
    ACCEPTED,
    NOT_ON_LIST_REASON,
    TRAILING_REASON,
    TRUNCATED_REASON,
    EvidenceRefused,
    check_metadata_payload,
    riff_chunks,
)
from casebook.sources.evidence.sniffing.images import HEIC_SUPPORTED
from casebook.sources.models.evidence import MediaType

MP4_VIDEO_BRANDS = {
    b"isom",
    b"iso2",
    b"iso3",
    b"iso4",
    b"iso5",
    b"iso6",
    b"iso7",
    b"iso8",
    b"iso9",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"M4VH",
    b"M4VP",
    b"MSNV",
    b"XAVC",
    b"3gp4",
    b"3gp5",
    b"3gp6",
    b"3g2a",
    b"3g2b",
    b"3g2c",
    b"mmp4",
    b"NDAS",
    b"dash",
    b"f4v ",
    b"hvc1",
    b"hev1",
    b"mp71",
}
M4A_BRANDS = {b"M4A ", b"M4B "}
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
# Boxes of compressed media, where any byte pattern can occur by chance: not scanned.
MEDIA_DATA_BOXES = {b"mdat", b"moof", b"idat", b"moov", b"meta"}


def iso_boxes(data, start: int, end: int, what: str) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes between start and end, checked."""
    position = start
    while position < end:
        if position + 8 > end:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        box_size, box_type = struct.unpack_from(">I4s", data, position)
        header = 8
        if box_size == 1:
            if position + 16 > end:
                raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
            box_size = struct.unpack_from(">Q", data, position + 8)[0]
            header = 16
        elif box_size == 0:
            box_size = end - position
        if box_size < header:
            raise EvidenceRefused(f"The {what} is damaged: one of its boxes is malformed.")
        if position + box_size > end:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        yield box_type, position + header, position + box_size
        position += box_size


def _iso_handlers(data, moov_start: int, moov_end: int, what: str) -> set[bytes]:
    """The handler types of a movie's tracks: b'vide', b'soun', ..."""
    handlers = set()
    for kind, start, end in iso_boxes(data, moov_start, moov_end, what):
        if kind != b"trak":
            continue
        for kind2, start2, end2 in iso_boxes(data, start, end, what):
            if kind2 != b"mdia":
                continue
            for kind3, start3, end3 in iso_boxes(data, start2, end2, what):
                if kind3 == b"hdlr" and end3 - start3 >= 12:
                    handlers.add(bytes(data[start3 + 8 : start3 + 12]))
    return handlers


def check_iso(data) -> str:
    size = len(data)
    major = bytes(data[8:12])
    ftyp_size = struct.unpack_from(">I", data, 0)[0]
    brands = {major} | {bytes(data[i : i + 4]) for i in range(16, min(ftyp_size, 256, size) - 3, 4)}
    if major in M4A_BRANDS:
        media_type, what = MediaType.M4A, "M4A audio file"
    elif major == b"qt  ":
        media_type, what = MediaType.MOV, "QuickTime video"
    elif brands & HEIC_BRANDS:
        media_type, what = MediaType.HEIC, "HEIC image"
        if not HEIC_SUPPORTED:
            raise EvidenceRefused(
                "HEIC photos cannot be checked on this server (the pillow-heif package is not "
                "installed). Export the photo as JPEG and upload that."
            )
    elif major in (b"avif", b"avis") or b"avif" in brands:
        raise EvidenceRefused(
            NOT_ON_LIST_REASON.format(what="an AVIF image", accepted=ACCEPTED)
            + " Export it as JPEG or PNG."
        )
    elif major == b"M4P ":
        raise EvidenceRefused("It is copy-protected (DRM) audio, which cannot be checked.")
    elif major in (b"crx ",):
        raise EvidenceRefused(
            NOT_ON_LIST_REASON.format(what="a camera RAW image", accepted=ACCEPTED)
            + " Export it as JPEG."
        )
    elif brands & MP4_VIDEO_BRANDS:
        media_type, what = MediaType.MP4, "MP4 video"
    else:
        raise EvidenceRefused(
            "It is an ISO media file of a kind that is not on the list of accepted types "
            f"({ACCEPTED})."
        )
    seen: dict[bytes, tuple[int, int]] = {}
    for index, (kind, start, end) in enumerate(iso_boxes(data, 0, size, what)):
        if index == 0 and kind != b"ftyp":
            raise EvidenceRefused(f"The {what} is damaged: it does not start with its type.")
        if not all(32 <= byte < 127 or byte == 0xA9 for byte in kind):
            raise EvidenceRefused(TRAILING_REASON.format(what=what))
        if kind not in MEDIA_DATA_BOXES:
            check_metadata_payload(data[start : min(end, start + 65536)])
        seen.setdefault(kind, (start, end))
    if media_type == MediaType.HEIC:
        if b"meta" not in seen:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        return media_type
    if b"moov" not in seen:
        raise EvidenceRefused(
            f"The {what} has no index ('moov' box): it is incomplete, perhaps because the "
            "recording was interrupted. Upload the complete file."
        )
    if media_type == MediaType.MP4:
        handlers = _iso_handlers(data, *seen[b"moov"], what)
        if b"vide" not in handlers and b"soun" in handlers:
            media_type = MediaType.M4A
    return media_type


# --- Audio -------------------------------------------------------------------------------------

MP3_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
MP3_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_frame_length(data, position: int) -> int | None:
    """Length of the MPEG audio layer III frame at `position`, or None if there is none."""
    if position + 4 > len(data):
        return None
    b0, b1, b2 = data[position], data[position + 1], data[position + 2]
    if b0 != 0xFF or b1 & 0xE0 != 0xE0:
        return None
    version = (b1 >> 3) & 3
    layer = (b1 >> 1) & 3
    bitrate_index, rate_index, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = MP3_BITRATES[1 if version == 3 else 2][bitrate_index] * 1000
    rate = MP3_SAMPLE_RATES[version][rate_index]
    return (144 if version == 3 else 72) * bitrate // rate + padding


def _id3_length(data, position: int) -> int:
    if data[position : position + 3] != b"ID3" or position + 10 > len(data):
        return 0
    raw = data[position + 6 : position + 10]
    if any(byte & 0x80 for byte in raw):
        raise EvidenceRefused("The MP3 file's tag is damaged. Upload the original file.")
    length = 10 + ((raw[0] << 21) | (raw[1] << 14) | (raw[2] << 7) | raw[3])
    return length + (10 if data[position + 5] & 0x10 else 0)


def is_mp3(data) -> bool:
    position = _id3_length(data, 0)
    while position < len(data) and position < 1 << 20 and data[position] == 0:
        position += 1
    first = _mp3_frame_length(data, position)
    return bool(first) and bool(_mp3_frame_length(data, position + first))


def check_mp3(data) -> None:
    what = "MP3 audio file"
    size = len(data)
    position = _id3_length(data, 0)
    if position > size:
        raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
    check_metadata_payload(data[: min(position, 1 << 20)])
    while position < size and data[position] == 0:
        position += 1
    frames = 0
    while position < size:
        length = _mp3_frame_length(data, position)
        if length is None:
            break
        if position + length > size:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        position += length
        frames += 1
    rest = data[position:size]
    if rest[:8] == b"APETAGEX" and len(rest) >= 32:
        position += 32 + struct.unpack_from("<I", rest, 12)[0]
        rest = data[position:size]
    if rest[:3] == b"TAG" and len(rest) == 128:
        rest = b""
    if frames < 2:
        raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
    if rest.strip(b"\x00"):
        raise EvidenceRefused(TRAILING_REASON.format(what=what))


OGG_AUDIO_CODECS = (b"\x01vorbis", b"OpusHead", b"Speex   ", b"\x7fFLAC")


def check_ogg(data) -> None:
    what = "Ogg audio file"
    size = len(data)
    position, pages = 0, 0
    while position < size:
        if data[position : position + 4] != b"OggS" or position + 27 > size:
            raise EvidenceRefused(
                TRUNCATED_REASON.format(what=what)
                if position + 27 > size
                else TRAILING_REASON.format(what=what)
            )
        if data[position + 4] != 0:
            raise EvidenceRefused(f"The {what} is damaged: unknown page version.")
        segments = data[position + 26]
        table_end = position + 27 + segments
        if table_end > size:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        body_length = sum(data[position + 27 : table_end])
        if pages == 0 and not any(
            data[table_end : table_end + len(codec)] == codec for codec in OGG_AUDIO_CODECS
        ):
            raise EvidenceRefused(
                NOT_ON_LIST_REASON.format(
                    what="an Ogg file that is not audio (Ogg video, for instance)",
                    accepted=ACCEPTED,
                )
            )
        position = table_end + body_length
        if position > size:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        pages += 1


def check_wav(data) -> None:
    chunks = riff_chunks(data, "WAV audio file")
    ids = [chunk_id for chunk_id, _, _ in chunks]
    if b"fmt " not in ids or b"data" not in ids or ids.index(b"fmt ") > ids.index(b"data"):
        raise EvidenceRefused("The WAV audio file is damaged: its format or data is missing.")
    for chunk_id, start, length in chunks:
        if chunk_id not in (b"fmt ", b"data", b"fact"):
            check_metadata_payload(data[start : start + min(length, 65536)])
