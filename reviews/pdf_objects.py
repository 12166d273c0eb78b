"""The objects a PDF keeps packed in object streams (PDF 1.5 and later), unpacked for the upload check.

`uploads._scan_pdf` reads the names of a PDF's dictionaries in its bytes as they are. A modern PDF packs most of its
dictionaries, actions included, in compressed object streams, where those bytes say nothing: a script hidden there
would pass. So each object stream is unpacked here (Flate, ASCIIHex and ASCII85, as readers do) and its names are
read the same way. A stream is an object stream by the keys a reader needs to read one (`/First`), not only by its
declared type.

What cannot be checked is refused, never let through: an object stream in a filter this check does not unpack, one
with a predictor, one that does not unpack, one that unpacks to more than MAX_UNPACKED_BYTES in all (a
decompression bomb), and a protected (encrypted) PDF with object streams, whose contents only its password opens.
"""

import base64
import binascii
import re
import zlib
from collections.abc import Iterator

WHITESPACE = rb"[\x00\t\n\x0c\r ]"
STREAM_START = re.compile(rb">>" + WHITESPACE + rb"*stream(?:\r\n|\n|\r)")
OBJECT_START = re.compile(rb"\d+" + WHITESPACE + rb"+\d+" + WHITESPACE + rb"+obj(?![A-Za-z])")
NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
FILTER_NAMES = re.compile(rb"/Filter" + WHITESPACE + rb"*(\[[^\]]*\]|/[A-Za-z0-9]+)")
# How far before `stream` its dictionary may begin; a stream's dictionary is short.
DICT_LOOKBACK = 16 * 1024
# Object streams are small (a modern PDF of 25 MB packs a few MB of objects); this bounds what a web process
# holds while it checks one upload, well under its memory target.
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
UNPACK_STEP = 1024 * 1024


class Unreadable(Exception):
    """An object stream this check cannot unpack; the message says why, in a user's words."""


PROTECTED = (
    "The selected PDF is protected with a password or restrictions, so it cannot be checked for scripts; "
    "save or print it again as an unprotected PDF, then upload that."
)
NOT_CHECKABLE = (
    "The selected PDF is packed in a way that cannot be checked for scripts; save or print it again as a PDF "
    "from the program that made it, then upload that."
)


def unescape(raw: bytes) -> bytes:
    """Names as a reader sees them: /Obj#53tm is /ObjStm."""
    return NAME_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), raw)


def object_streams(data: bytes, *, encrypted: bool) -> Iterator[bytes]:
    """The unpacked content of each object stream in `data`, the whole file; `encrypted`: whether the file names
    an /Encrypt dictionary (its trailer is never packed, so the scan of its bytes as they are finds it)."""
    budget = MAX_UNPACKED_BYTES
    for start in STREAM_START.finditer(data):
        head = data[max(0, start.start() - DICT_LOOKBACK) : start.start() + 2]
        objects = list(OBJECT_START.finditer(head))
        head = unescape(head[objects[-1].end() :] if objects else head)
        if not re.search(rb"/First(?![A-Za-z0-9])", head):
            continue
        if encrypted:
            raise Unreadable(PROTECTED)
        if re.search(rb"/Predictor" + WHITESPACE + rb"*(?:[2-9]|1\d)", head):
            raise Unreadable(NOT_CHECKABLE)
        end = data.find(b"endstream", start.end())
        unpacked = _unpack(data[start.end() : end if end >= 0 else len(data)], _filters(head), budget)
        budget -= len(unpacked)
        yield unpacked


def _filters(head: bytes) -> list[str]:
    found = FILTER_NAMES.search(head)
    if not found:
        return []
    return [name.decode("latin-1") for name in re.findall(rb"/([A-Za-z0-9]+)", found.group(1))]


def _unpack(raw: bytes, filters: list[str], budget: int) -> bytes:
    for name in filters:
        if name in {"FlateDecode", "Fl"}:
            raw = _inflate(raw, budget)
        elif name in {"ASCIIHexDecode", "AHx"}:
            raw = _hex(raw)
        elif name in {"ASCII85Decode", "A85"}:
            raw = _ascii85(raw)
        else:
            raise Unreadable(NOT_CHECKABLE)
        if len(raw) > budget:
            raise Unreadable(NOT_CHECKABLE)
    return raw


def _inflate(raw: bytes, budget: int) -> bytes:
    inflater = zlib.decompressobj()
    parts, size = [], 0
    try:
        piece = inflater.decompress(raw, UNPACK_STEP)
        while piece:
            size += len(piece)
            if size > budget:
                raise Unreadable(NOT_CHECKABLE)
            parts.append(piece)
            piece = inflater.decompress(inflater.unconsumed_tail, UNPACK_STEP)
    except zlib.error as error:
        raise Unreadable(NOT_CHECKABLE) from error
    if not inflater.eof:
        # Cut short: the stream's data went on past where this check saw it end (the word "endstream" within it).
        raise Unreadable(NOT_CHECKABLE)
    return b"".join(parts)


def _hex(raw: bytes) -> bytes:
    text = re.sub(rb"[\x00\t\n\x0c\r ]", b"", raw)
    if b">" not in text:
        raise Unreadable(NOT_CHECKABLE)  # no end marker: cut short
    digits = text.split(b">", 1)[0]
    try:
        return binascii.unhexlify(digits + b"0" * (len(digits) % 2))
    except binascii.Error as error:
        raise Unreadable(NOT_CHECKABLE) from error


def _ascii85(raw: bytes) -> bytes:
    text = re.sub(rb"[\x00\t\n\x0c\r ]", b"", raw)
    if b"~>" not in text:
        raise Unreadable(NOT_CHECKABLE)  # no end marker: cut short
    text = text.split(b"~>", 1)[0].removeprefix(b"<~")
    try:
        return base64.a85decode(text)
    except ValueError as error:
        raise Unreadable(NOT_CHECKABLE) from error
