"""The drop folder of the nightly feeds (issue 14, docs/feeds.md): finding the sources and their files,
claiming a file for a job, and putting it aside afterwards. File-system work only; no rule of any import.

    STABIL_IMPORT_DIR/                 a source of its own ("huvudmappen"), optional columns.toml
    STABIL_IMPORT_DIR/<source>/        one folder per case or HR system, optional columns.toml
        processing/<claim>/<file>      taken by a job, not yet done
        done/<time>-<file>             imported
        failed/<time>-<file>           refused, with <time>-<file>.fel.txt beside it

Only regular files directly in a source folder are taken; names beginning with a dot or ending in ``.part``
or ``.tmp`` are left alone (a file being written), and so is a file changed during the last
``STABIL_IMPORT_SETTLE_SECONDS``. A symbolic link, a device or a pipe is claimed and refused (moved aside with
a report), never followed; a source folder that is a symbolic link is not read at all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import get_valid_filename

MAP_FILE = "columns.toml"
RESERVED = {"processing", "done", "failed"}
SKIPPED_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload")
SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
MAX_NAME_BYTES = 180


class FeedFolderError(Exception):
    """The drop folder as a whole cannot be used; the message is Swedish."""


@dataclass(frozen=True)
class Source:
    name: str  # "" for the drop folder itself
    path: Path

    @property
    def label(self) -> str:
        return self.name or "huvudmappen"


def drop_folder() -> Path:
    """Return the configured drop folder (``STABIL_IMPORT_DIR``); raise when it is unset or unusable."""
    configured = getattr(settings, "STABIL_IMPORT_DIR", "")
    if not configured:
        raise FeedFolderError("STABIL_IMPORT_DIR är inte satt: ange mappen som verksamhetssystemen lämnar filer i")
    root = Path(configured)
    if not root.is_dir():
        raise FeedFolderError(f"STABIL_IMPORT_DIR {root} finns inte eller är ingen mapp")
    return root


def sources(root: Path) -> list[Source]:
    """Return the drop folder and its source folders (not symbolic links, not the reserved names), sorted."""
    found = [Source("", root)]
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if entry.name in RESERVED or not SOURCE_NAME.match(entry.name):
            continue
        if entry.is_dir(follow_symlinks=False):
            found.append(Source(entry.name, Path(entry.path)))
    return found


def safe_name(name: str) -> str:
    """Return ``name`` made safe for the file system (no separators, at most ``MAX_NAME_BYTES`` bytes)."""
    cleaned = get_valid_filename(name.replace("/", "_").replace("\\", "_")) if name.strip(". ") else ""
    cleaned = cleaned.lstrip(".") or "fil"
    if len(cleaned.encode()) > MAX_NAME_BYTES:
        suffix = Path(cleaned).suffix[:16]
        stem = Path(cleaned).stem.encode()[: MAX_NAME_BYTES - len(suffix.encode())].decode(errors="ignore")
        cleaned = stem + suffix
    return cleaned


def display_name(name: str) -> str:
    """Return a file name as text that can be shown and stored: bytes that are not UTF-8 (a name from another
    system's encoding) become U+FFFD, control characters a space."""
    text = os.fsencode(name).decode("utf-8", errors="replace")
    return "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text)


def waiting_files(source: Source, *, settle_seconds: int, now: float | None = None) -> list[str]:
    """Return the names of the files in ``source`` ready to be taken (see the module's doc), sorted."""
    now = time.time() if now is None else now
    names = []
    for entry in sorted(os.scandir(source.path), key=lambda e: e.name):
        name = entry.name
        if name.startswith(".") or name == MAP_FILE or name.lower().endswith(SKIPPED_SUFFIXES):
            continue
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode):
            continue  # a source folder (at the top) or the reserved ones; nothing deeper is read
        if now - info.st_mtime < settle_seconds:
            continue
        names.append(name)
    return names


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _subfolder(source: Source, name: str) -> Path:
    folder = source.path / name
    folder.mkdir(mode=0o750, exist_ok=True)
    if folder.is_symlink() or not folder.is_dir():
        raise FeedFolderError(f"{folder} ska vara en vanlig mapp, inte en symbolisk länk eller en fil")
    return folder


def claim(source: Source, name: str) -> Path | None:
    """Move the file ``name`` of ``source`` into ``processing/`` for a job; None when it has gone meanwhile.

    A rename moves a symbolic link itself, never what it points at.
    """
    claim_folder = _subfolder(source, "processing") / f"{_stamp()}-{uuid.uuid4().hex[:8]}"
    claim_folder.mkdir(mode=0o750)
    target = claim_folder / safe_name(display_name(name))
    try:
        os.rename(source.path / name, target)
    except FileNotFoundError:
        claim_folder.rmdir()
        return None
    return target


def put_aside(source_path: Path, claimed: Path, outcome: str, report: str | None = None) -> Path:
    """Move a claimed file to ``done/`` or ``failed/`` (with its error report beside it); return where it went."""
    source = Source("", source_path)
    folder = _subfolder(source, outcome)
    target = folder / f"{_stamp()}-{claimed.name}"
    os.rename(claimed, target)
    if report is not None:
        report_path = folder / f"{target.name}.fel.txt"
        # O_NOFOLLOW and O_EXCL: a link or a file put there by someone else is never written through.
        fd = os.open(report_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o640)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(report)
    try:
        claimed.parent.rmdir()
    except OSError:
        pass
    return target


def source_of(claimed: Path) -> Path:
    """Return the source folder of a claimed file (``<source>/processing/<claim>/<file>``)."""
    return claimed.parent.parent.parent
