"""Cursor pagination: lists come in id order; the cursor is an opaque token for "after this id"."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from bot.api.problems import field_problem
from bot.api.settings import PAGE_DEFAULT, PAGE_MAX


def encode_cursor(after: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        after = data["after"] if isinstance(data, dict) else None
    except (ValueError, binascii.Error, KeyError, UnicodeDecodeError):
        after = None
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**63:
        raise field_problem([{"field": "cursor", "detail": "is not a cursor this API gave out; use next_cursor"}])
    return after


def page_args(query: Mapping[str, str]) -> tuple[int, int]:
    """(after id, limit) of a list request."""
    raw = query.get("limit")
    limit = PAGE_DEFAULT
    if raw is not None:
        if not raw.isdigit() or not 1 <= int(raw) <= PAGE_MAX:
            raise field_problem([{"field": "limit", "detail": f"must be an integer from 1 to {PAGE_MAX}"}])
        limit = int(raw)
    cursor = query.get("cursor")
    return (decode_cursor(cursor) if cursor else 0), limit


def page_body(items: list[dict[str, Any]], limit: int, ids: list[int]) -> dict[str, Any]:
    """{"data": items, "next_cursor": ...}: `items` holds up to limit + 1 rows; the extra one says there is more."""
    more = len(items) > limit
    return {"data": items[:limit], "next_cursor": encode_cursor(ids[limit - 1]) if more else None}


PAGE_PARAMETERS: list[dict[str, Any]] = [
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": PAGE_DEFAULT}},
    {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 200},
     "description": "next_cursor of the previous page"},
]
