"""What one IMAP round trip fetches, planned from RFC822.SIZE so memory stays bounded whatever the mail.

Sizes come first (one cheap FETCH per SIZE_CHUNK UIDs). Batches are then cut by count AND by bytes;
a mail larger than `MailLimits.max_mail_bytes` is fetched as a partial `BODY.PEEK[]<0.prefix>` (its
headers and a bounded beginning) and never whole.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from .limits import MailLimits

log = logging.getLogger(__name__)
SIZE_CHUNK = 1000  # UIDs per RFC822.SIZE fetch
FULL_ITEMS = [b"BODY.PEEK[]", b"INTERNALDATE"]


def partial_items(limits: MailLimits) -> list[bytes]:
    return [b"BODY.PEEK[]<0.%d>" % limits.prefix_bytes, b"INTERNALDATE"]


def fetch_sizes(client: IMAPClient, uids: list[int]) -> dict[int, int]:
    """RFC822.SIZE per UID; a UID the server gives no size for is left out (read as small)."""
    sizes: dict[int, int] = {}
    for uid, item in client.fetch(uids, [b"RFC822.SIZE"]).items():
        size = item.get(b"RFC822.SIZE")
        if isinstance(size, int):
            sizes[uid] = size
    return sizes


def plan_batches(uids: list[int], sizes: dict[int, int], limits: MailLimits, batch_size: int,
                 batch_bytes: int, single_until: int = 0) -> Iterator[list[int]]:
    """Consecutive UIDs, at most `batch_size` and `batch_bytes` (at least one UID) per batch. A too-large
    mail counts as its prefix. UIDs up to `single_until` go one at a time (see MailboxCapture)."""
    batch: list[int] = []
    held = 0
    for uid in uids:
        cost = min(sizes.get(uid, 0), limits.prefix_bytes) if limits.too_large(sizes.get(uid, 0)) \
            else sizes.get(uid, 0)
        if batch and (len(batch) >= max(1, batch_size) or held + cost > batch_bytes or uid <= single_until):
            yield batch
            batch, held = [], 0
        batch.append(uid)
        held += cost
        if uid <= single_until:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def fetch_batch(client: IMAPClient, batch: list[int], sizes: dict[int, int], limits: MailLimits,
                key: str) -> dict[int, dict[bytes, Any]]:
    """Whole mails in one round trip, too-large ones as a prefix in another. If the server refuses a
    request, one UID at a time; a UID it cannot read is left out (and logged)."""
    large = {uid for uid in batch if limits.too_large(sizes.get(uid, 0))}
    small = [uid for uid in batch if uid not in large]
    fetched: dict[int, dict[bytes, Any]] = {}
    for uids, items in ((small, FULL_ITEMS), (sorted(large), partial_items(limits))):
        if uids:
            fetched.update(_fetch(client, uids, items, key))
    return fetched


def message_bytes(item: dict[bytes, Any]) -> bytes | None:
    """The mail (or its prefix) in a FETCH response: BODY[] or BODY[]<0>."""
    for name, value in item.items():
        if name.startswith(b"BODY[") and isinstance(value, bytes):
            return value
    return None


def internal_date(item: dict[bytes, Any]) -> datetime | None:
    value = item.get(b"INTERNALDATE")
    return value if isinstance(value, datetime) and value.tzinfo else None


def _fetch(client: IMAPClient, uids: list[int], items: list[bytes], key: str) -> dict[int, dict[bytes, Any]]:
    try:
        return dict(client.fetch(uids, items))
    except IMAPClientAbortError:
        raise
    except IMAPClientError as err:
        log.warning("email capture %s: batch fetch failed (%s); fetching one by one", key, err)
    fetched: dict[int, dict[bytes, Any]] = {}
    for uid in uids:
        try:
            fetched.update(client.fetch([uid], items))
        except IMAPClientAbortError:
            raise
        except IMAPClientError as err:
            log.error("email capture %s: UID %s unreadable on the server: %s", key, uid, err)
    return fetched
