"""Where attachment bytes live: under `settings.ATTACHMENT_ROOT`, outside the web root, each
under a random name with no extension (`<2 hex>/<64 hex>`), so neither a web server nor a
directory listing can serve or reveal them. Only the download view reads them back.

`store_upload` streams the upload to a temporary file next to its destination while counting
and hashing, refuses files that are too large or not of an allowed type (recognised by their
bytes), and moves the file into place only when it passed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from casustafel.lib.filetypes import ALLOWED_TYPES, FileType, RefusedFile, detect_type, type_for_content_type

_STORAGE_NAME = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 64 * 1024
# Control characters and path separators never reach the database or a download header.
_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


class Upload(Protocol):
    """What `store_upload` needs of an upload: Django's UploadedFile and File both fit."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    size: int
    sha256: str
    file_type: FileType


def attachment_root() -> Path:
    return Path(settings.ATTACHMENT_ROOT)


def max_bytes() -> int:
    return int(settings.ATTACHMENT_MAX_BYTES)


def storage_path(storage_name: str) -> Path:
    """The file of a storage name; refuses anything that is not one we made."""
    if not _STORAGE_NAME.match(storage_name):
        raise ValueError("not a storage name")
    return attachment_root() / storage_name[:2] / storage_name


def clean_filename(name: str | None) -> str:
    """The uploaded name as shown to users: the last path part, without control characters,
    at most 255 characters (keeping the extension)."""
    base = _UNSAFE_IN_NAME.sub("", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[: 254 - len(ext)]}.{ext}" if dot and len(ext) < 20 else base[:255]
    return base or "bestand"


def allowed_types_text() -> str:
    return ", ".join(file_type.label for file_type in ALLOWED_TYPES)


def too_large_message() -> str:
    return _("Het bestand is te groot: het mag hoogstens %(max)s zijn.") % {"max": filesizeformat(max_bytes())}


def store_upload(upload: Upload) -> StoredFile:
    """Write the upload under a new random name and return what was stored.

    Raises:
        ValidationError: {"file": ...} when the file is empty, larger than
            `ATTACHMENT_MAX_BYTES`, not of an allowed type by its content, or an office
            document that unpacks too large or carries macros. Nothing is left on disk then.
    """
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError({"file": too_large_message()})
    storage_name = secrets.token_hex(32)
    final = storage_path(storage_name)
    final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = final.with_name(f".{storage_name}.part")
    digest = hashlib.sha256()
    size = 0
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            for chunk in upload.chunks(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationError({"file": too_large_message()})
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError({"file": _("Het bestand is leeg.")})
        with temporary.open("rb") as stream:
            try:
                file_type = detect_type(stream)
            except RefusedFile as refused:
                raise ValidationError({"file": refused.message}) from None
        if file_type is None:
            raise ValidationError(
                {
                    "file": _(
                        "Dit soort bestand kan niet worden toegevoegd. Toegestaan zijn: %(types)s. "
                        "Het type wordt aan de inhoud herkend, niet aan de naam."
                    )
                    % {"types": allowed_types_text()}
                }
            )
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return StoredFile(storage_name=storage_name, size=size, sha256=digest.hexdigest(), file_type=file_type)


# An upload whose database transaction rolled back (after `store_upload`, in the caller or
# further out) leaves a file no attachment refers to. The daily job removes such files once they
# are older than this: well past any transaction still running, so a file being added now is safe.
ORPHAN_AGE = dt.timedelta(hours=24)


def orphaned_files(known_names: set[str], *, now: dt.datetime) -> list[Path]:
    """Files under `ATTACHMENT_ROOT` older than `ORPHAN_AGE` that no attachment refers to: the
    stored file of a rolled-back upload, or a temporary `.part` file a crash left behind."""
    root = attachment_root()
    if not root.is_dir():
        return []
    cutoff = (now - ORPHAN_AGE).timestamp()
    found: list[Path] = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.stat().st_mtime >= cutoff:
                continue
            name = path.name
            if _STORAGE_NAME.match(name) and name in known_names:
                continue
            if _STORAGE_NAME.match(name) or (name.startswith(".") and name.endswith(".part")):
                found.append(path)
    return found


def open_stored(storage_name: str) -> IO[bytes]:
    return storage_path(storage_name).open("rb")


def remove_stored(storage_name: str) -> None:
    """Remove a stored file (when the database write that needed it failed)."""
    storage_path(storage_name).unlink(missing_ok=True)


def download_name(original_filename: str, content_type: str) -> str:
    """The name a download gets: the original stem with the extension of the type the bytes
    are, so a PNG uploaded as "verslag.pdf" downloads as "verslag.png"."""
    file_type = type_for_content_type(content_type)
    if file_type is None:
        return original_filename
    stem = original_filename.rsplit(".", 1)[0] if "." in original_filename else original_filename
    return f"{stem or 'bestand'}{file_type.extension}"
