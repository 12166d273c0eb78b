"""The archive of a review export, read defensively before anything is created: member names, sizes and
checksums, and review.json's size, nesting and shape."""

import hashlib
import json
import re
import zipfile
import zlib
from pathlib import PurePosixPath

from .discovery import CHUNK, FORMAT, FORMAT_VERSION, JSON_NAME, MAX_JSON_BYTES, TransferError

# How deep the JSON may nest: an export nests about six levels, a stored answer a few more. Deeper is refused
# before parsing, which would otherwise recurse until Python gives up.
MAX_JSON_DEPTH = 64
# A string (skipped whole, escapes included) or a bracket that opens or closes an object or a list.
JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int):
    """Yield the member's bytes in chunks, stopping if it grows beyond what its header declared or the limit."""
    read = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                read += len(chunk)
                if read > info.file_size or read > limit:
                    raise TransferError(
                        f"'{info.filename[:100]}' in the archive is larger than it says or than allowed."
                    )
                yield chunk
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as error:
        raise TransferError(f"'{info.filename[:100]}' in the archive cannot be read: {error}.") from None


def check_archive(archive: zipfile.ZipFile, *, max_total: int, max_members: int, max_member: int) -> None:
    members = archive.infolist()
    if len(members) > max_members:
        raise TransferError(f"The archive holds {len(members)} files; at most {max_members} are accepted.")
    total = 0
    for info in members:
        name = info.filename
        parts = PurePosixPath(name).parts
        if name.startswith(("/", "\\")) or "\\" in name or ".." in parts or (parts and ":" in parts[0]):
            raise TransferError(f"The archive holds a file with an unsafe name: '{name[:100]}'.")
        if info.file_size > max_member:
            raise TransferError(f"'{name[:100]}' in the archive is larger than {max_member} bytes.")
        total += info.file_size
    if total > max_total:
        raise TransferError(f"The archive unpacks to {total} bytes; at most {max_total} are accepted.")


def load_document(archive: zipfile.ZipFile) -> dict:
    try:
        info = archive.getinfo(JSON_NAME)
    except KeyError:
        raise TransferError(f"This is not a review export: it has no {JSON_NAME}.") from None
    if info.file_size > MAX_JSON_BYTES:
        raise TransferError(f"{JSON_NAME} is {info.file_size} bytes; at most {MAX_JSON_BYTES} are accepted.")
    raw = b"".join(read_member(archive, info, MAX_JSON_BYTES))
    check_depth(raw)
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise TransferError(f"{JSON_NAME} is not valid JSON: {error}.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TransferError("This is not a review export of this application.")
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise TransferError(
            f"The export's format version {json.dumps(version)} is not supported; "
            f"this installation reads version {FORMAT_VERSION}."
        )
    shapes = {"references": list, "objects": dict, "files": dict}
    for name, kind in shapes.items():
        if not isinstance(document.get(name), kind):
            raise TransferError(f"{JSON_NAME} is malformed: '{name}' is missing or of the wrong type.")
    return document


def check_depth(raw: bytes) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH, counted without recursion (brackets inside strings aside)."""
    depth = 0
    for token in JSON_TOKEN.finditer(raw):
        bracket = token.group()
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                line = raw.count(b"\n", 0, token.start()) + 1
                raise TransferError(
                    f"{JSON_NAME} nests lists or objects more than {MAX_JSON_DEPTH} deep (at line {line}, "
                    f"byte {token.start()}); an export is never that deep."
                )
        elif bracket in (b"]", b"}"):
            depth -= 1


def check_files(archive: zipfile.ZipFile, files: dict, max_member: int) -> None:
    present = {info.filename for info in archive.infolist() if not info.is_dir()}
    unexpected = sorted(present - set(files) - {JSON_NAME})
    if unexpected:
        raise TransferError(f"The archive holds a file that the export does not list: '{unexpected[0][:100]}'.")
    for name, meta in files.items():
        if not isinstance(meta, dict) or not isinstance(meta.get("sha256"), str):
            raise TransferError(f"{JSON_NAME} is malformed: the file '{name[:100]}' has no SHA-256.")
        if name not in present:
            raise TransferError(f"The file '{name[:100]}' is listed in the export but missing from the archive.")
        digest = hashlib.sha256()
        for chunk in read_member(archive, archive.getinfo(name), max_member):
            digest.update(chunk)
        if digest.hexdigest() != meta["sha256"]:
            raise TransferError(
                f"The file '{name[:100]}' does not match its SHA-256: the archive is damaged or altered."
            )
