"""Idempotency-Key on POST: the first answer to a key is stored with the write it made (same transaction);
the same key with the same body gets that answer again, with another body a 422 problem. Answers are kept
`[api] idempotency_hours`, then purged (by whichever request stores one, at most once an hour)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.api.problems import Problem
from bot.api.state import ApiState
from storage.repositories.api_tokens import SqlAlchemyIdempotencyRepository
from storage.uow import SqlAlchemyUnitOfWork

MAX_KEY = 255


def key_of(request: web.Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY or not key.isprintable():
        raise Problem(400, f"Idempotency-Key must be 1 to {MAX_KEY} printable characters.", slug="idempotency-key")
    return key


def body_hash(raw: Any) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _request(request: web.Request) -> str:
    return f"{request.method} {request.path}"[:255]


async def replay(uow: SqlAlchemyUnitOfWork, state: ApiState, token_id: int, key: str, request: web.Request,
                 raw: Any, now: datetime) -> web.Response | None:
    since = now - timedelta(hours=state.settings.idempotency_hours)
    found = await SqlAlchemyIdempotencyRepository(uow.session).find(token_id, key, since)
    if found is None:
        return None
    if found.request != _request(request) or found.body_hash != body_hash(raw):
        raise Problem(422, "This Idempotency-Key was already used for a different request; use a new key.",
                      slug="idempotency-mismatch")
    return web.Response(status=found.status, text=found.response, content_type="application/json",
                        headers={"Idempotent-Replayed": "true"})


async def store(uow: SqlAlchemyUnitOfWork, state: ApiState, token_id: int, key: str, request: web.Request,
                raw: Any, status: int, text: str, now: datetime) -> None:
    records = SqlAlchemyIdempotencyRepository(uow.session)
    keep = timedelta(hours=state.settings.idempotency_hours)
    if state.purged_at is None or now - state.purged_at >= timedelta(hours=1):
        state.purged_at = now
        await records.purge(now - keep)
    else:
        await records.forget(token_id, key, now - keep)
    await records.add({"token_id": token_id, "key": key, "request": _request(request), "body_hash": body_hash(raw),
                       "status": status, "response": text, "created_at": now})
