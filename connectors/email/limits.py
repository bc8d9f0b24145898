"""Limits applied to a mail BEFORE the MIME parser sees it, so no mail costs unbounded time or memory.

- A mail larger than `max_mail_bytes` is never parsed whole: only its header block and a prefix of
  `prefix_bytes` are read (IMAP fetches no more than that), and it carries TOO_LARGE_NOTE.
- A mail with more MIME delimiter lines than `max_parts` allows is cut before parsing.
- References: the first (the thread's root) and the newest `max_references - 1` are kept.
- Keys longer than a database key column (Message-IDs) become `sha256:<hex>`: the same formula as
  `storage.repositories.mail.stored_key`, so a reply naming the long id still finds its thread.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

MAX_KEY_CHARS = 255  # inbox.external_id, mail_threads.key
TOO_LARGE_NOTE = ("邮件过大（{size}），未完整读取，请在邮件客户端中查看。\n"
                  "Mail too large ({size}) to read here: open it in your mail client.")
TOO_LARGE_DEFECT = "mail of {size} bytes is larger than {limit} bytes: only its beginning was read"
PARTS_DEFECT = "more than {limit} MIME parts; the rest was ignored"


@dataclass(frozen=True, slots=True)
class MailLimits:
    max_mail_bytes: int = 25 * 1024 * 1024  # larger mails: headers + a prefix, with TOO_LARGE_NOTE
    prefix_bytes: int = 512 * 1024  # how much of a too-large mail (headers included) is fetched and read
    max_parts: int = 500  # MIME parts read; the parser never sees many more
    max_references: int = 50  # Message-IDs of References used for threading
    keep_attachment_bytes: int = 0  # attachments up to this size keep their bytes (bot: [files] max_mb); 0 none

    def too_large(self, size: int) -> bool:
        return size > self.max_mail_bytes


DEFAULT_LIMITS = MailLimits()


def bounded_key(key: str) -> str:
    """`key` itself, or `sha256:<hex>` when it is longer than a key column."""
    if len(key) <= MAX_KEY_CHARS:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def head_and_prefix(data: bytes, prefix_bytes: int) -> bytes:
    """At most `prefix_bytes` of the mail (headers first), cut at a line break."""
    if len(data) <= prefix_bytes:
        return data
    cut = data[:prefix_bytes]
    line_end = cut.rfind(b"\n")
    return cut[: line_end + 1] if line_end > 0 else cut


def cut_parts(data: bytes, max_parts: int) -> bytes | None:
    """`data` cut before its (2 * max_parts)-th delimiter-like line, or None when it has fewer.

    Counting `\\n--` is one pass in C and allocates nothing; the parser would otherwise build an
    object per part (a million empty parts cost 11 s and 524 MB).
    """
    allowed = 2 * max_parts  # every part has a delimiter line; closing delimiters add more
    if data.count(b"\n--") <= allowed:
        return None
    position = -1
    for _ in range(allowed):
        position = data.find(b"\n--", position + 1)
    return data[: position + 1]


def keep_references(refs: list[str], limit: int) -> list[str]:
    """The root and the newest `limit - 1` references (References lists the oldest first)."""
    if len(refs) <= limit:
        return refs
    if limit <= 1:
        return refs[:limit]
    return refs[:1] + refs[len(refs) - (limit - 1):]
