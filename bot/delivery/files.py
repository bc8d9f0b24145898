"""Files attached to a delivery project (issue #15): the file store and the one use case that files them.

The store keeps bytes under `[files] dir` (default var/files), named by their sha256 (the same file sent
twice is kept once), in two levels of folders by the hash's first characters, without any extension and
not executable (mode 0600): nothing there is ever run or served as it is. A file is written to a temporary
name in the same folder and renamed into place, so a reader never sees half a file. Files larger than
`[files] max_mb` (default 20) are refused before anything is written.

`attach_file` is what every route calls (a chat upload, a mail's attachment): it checks the size, writes
the bytes, and adds the ProjectFile row and a ProjectEvent on the project's timeline in the caller's unit
of work. Downloads are served only as attachments (`download_headers`).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from domain.delivery import ProjectEvent, ProjectFile
from domain.errors import DomainError

if TYPE_CHECKING:
    from domain.ports import UnitOfWork

MB = 1024 * 1024
DEFAULT_DIR, DEFAULT_MAX_MB = "var/files", 20.0
KEPT_TYPES = frozenset({"image/png", "image/jpeg", "application/pdf"})  # served with their type (as attachment)
_HASH = re.compile(r"^[0-9a-f]{64}$")
_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\\"<>|:*?]")


class FileTooLarge(DomainError):
    zh = "文件「{name}」有 {size}，超过上限 {limit}，没有保存。请压缩或拆分后再发，或改用网盘链接。"
    en = "The file {name} is {size}, over the {limit} limit; it was not stored. Compress or split it, or share a link."


class EmptyFile(DomainError):
    zh = "文件「{name}」是空的，没有保存。"
    en = "The file {name} is empty; it was not stored."


def human_size(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{max(1, round(size / 1024))} KB" if size >= 1024 else f"{size} B"


@dataclass(frozen=True, slots=True)
class FileSettings:
    """[files] dir and max_mb."""

    dir: Path = Path(DEFAULT_DIR)
    max_bytes: int = int(DEFAULT_MAX_MB * MB)

    @classmethod
    def from_section(cls, section: Any) -> FileSettings:
        return cls(Path(str(section.get("dir", DEFAULT_DIR))), int(float(section.get("max_mb", DEFAULT_MAX_MB)) * MB))

    def store(self) -> FileStore:
        return FileStore(self.dir)


class FileStore:
    """Content-addressed bytes on disk. The blocking work runs in a thread, never on the event loop."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        if not _HASH.match(sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    async def put(self, data: bytes) -> str:
        """Store `data`; its sha256 (hex)."""
        return await asyncio.to_thread(self._put, data)

    async def read(self, sha256: str) -> bytes | None:
        """The bytes stored under `sha256`; None when there are none."""
        return await asyncio.to_thread(self._read, sha256)

    def _put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if target.exists() and target.stat().st_size == len(data):
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return digest

    def _read(self, sha256: str) -> bytes | None:
        try:
            return self.path_of(sha256).read_bytes()
        except (FileNotFoundError, ValueError):
            return None


def safe_name(filename: str, fallback: str = "file") -> str:
    """A file name to show and to offer as a download: no folders, no control or shell characters, ≤ 120."""
    name = _UNSAFE_NAME.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return name[:120] or fallback


def safe_type(content_type: str) -> str:
    """The declared type when it looks like one (`type/subtype`, lower case), else application/octet-stream."""
    value = content_type.split(";", 1)[0].strip().lower()
    return value if _TYPE.match(value) else "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Upload:
    project_id: int
    filename: str
    content_type: str
    data: bytes
    source: str  # chat | email | portal
    uploaded_by: int | None = None
    task_id: int | None = None


async def attach_file(uow: UnitOfWork, settings: FileSettings, upload: Upload,
                      now: datetime) -> ProjectFile:
    """File `upload` on its project: FileTooLarge / EmptyFile (nothing written) or the stored row, with a
    timeline event, in `uow` (the caller commits)."""
    name = safe_name(upload.filename)
    size = len(upload.data)
    if size > settings.max_bytes:
        raise FileTooLarge(name=name, size=human_size(size), limit=human_size(settings.max_bytes))
    if size == 0:
        raise EmptyFile(name=name)
    digest = await settings.store().put(upload.data)
    where = {"chat": ("聊天", "chat"), "email": ("邮件", "email"), "portal": ("客户门户", "the portal")}.get(
        upload.source, (upload.source, upload.source))
    return await record_file(uow, ProjectFile(
        upload.project_id, name, safe_type(upload.content_type), size, digest, now, upload.task_id, upload.source,
        upload.uploaded_by), f"通过{where[0]}收到文件「{name}」（{human_size(size)}）",
        f"File {name} ({human_size(size)}) received by {where[1]}")


async def record_file(uow: UnitOfWork, item: ProjectFile, zh: str, en: str) -> ProjectFile:
    """A file already in the store, listed on its project with a line (`zh` / `en`) on its internal timeline."""
    stored = await uow.project_files.add(item)
    await uow.project_events.add(ProjectEvent(item.project_id, item.at, "file", zh, en, item.uploaded_by))
    return stored


def download_headers(item: ProjectFile) -> dict[str, str]:
    """Headers of a download: always an attachment, never sniffed; only PNG, JPEG and PDF keep their type."""
    kind = item.content_type if item.content_type in KEPT_TYPES else "application/octet-stream"
    ascii_name = item.filename.encode("ascii", "replace").decode("ascii").replace("?", "_") or "file"
    quoted = quote(item.filename, safe="")
    return {"Content-Type": kind, "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                                                         f"filename*=UTF-8''{quoted}",
            "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}
