"""Who is calling: `Authorization: Bearer <token>` -> the stored token (by the hash of the secret) and the
principal it acts as, a per-token rate limit (token bucket), and a cheap last-used time.

The principal is a person the permission rules (domain.permissions) know: an unscoped token acts as an
admin, a team-scoped token as a manager of that team and nobody else, so it sees exactly what that team's
manager would. Its id is the token's id negated: it owns nothing, shares nothing, manages no other team,
and the audit trail names the token (actor_id -<token id>).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.api.problems import Problem
from bot.api.settings import ApiSettings
from domain.api_tokens import ApiToken, hash_secret
from domain.people import Rep, Role
from storage.repositories.api_tokens import SqlAlchemyApiTokenRepository
from storage.repositories.people import DIRECTORY_VERSION
from storage.uow import SqlAlchemyUnitOfWork


def principal(token: ApiToken) -> Rep:
    assert token.id is not None
    role = Role.ADMIN if token.team_id is None else Role.MANAGER
    return Rep(name=f"API {token.name}", role=role, team_id=token.team_id, locale="en", id=-token.id)


def bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Problem(401, "Send the API token as 'Authorization: Bearer <token>'. Admins create tokens in "
                           "chat: token new \"name\" read|write.", slug="no-token",
                      headers={"WWW-Authenticate": 'Bearer realm="dealbot"'})
    return secret.strip()


@dataclass(slots=True)
class RateLimiter:
    """A token bucket per token: `per_minute` requests at once, refilled at `per_minute` a minute (on the
    bot's clock, the one every request reads)."""

    per_minute: int
    _buckets: dict[int, tuple[float, float]] = field(default_factory=dict)

    def take(self, token_id: int, now: float) -> float:
        """0 when the request may go at `now` (seconds); else the seconds until it may."""
        level, at = self._buckets.get(token_id, (float(self.per_minute), now))
        level = min(float(self.per_minute), level + (now - at) * self.per_minute / 60)
        if level >= 1:
            self._buckets[token_id] = (level - 1, now)
            return 0.0
        self._buckets[token_id] = (level, now)
        return (1 - level) * 60 / self.per_minute


@dataclass(slots=True)
class Authenticator:
    settings: ApiSettings
    limiter: RateLimiter
    _touched: dict[int, datetime] = field(default_factory=dict)

    async def token(self, request: web.Request, uow: SqlAlchemyUnitOfWork, now: datetime) -> tuple[ApiToken, Any]:
        """The request's token, read in the request's own unit of work (one connection per request), and the
        directory's version read in the same statement (for DirectoryCache.get)."""
        secret = bearer(request)
        tokens = SqlAlchemyApiTokenRepository(uow.session)
        token, version = await tokens.by_hash_with_setting(hash_secret(secret), DIRECTORY_VERSION)
        if token is None or not token.active or token.id is None:
            raise Problem(401, "This API token is not valid (unknown or revoked).", slug="bad-token",
                          headers={"WWW-Authenticate": 'Bearer realm="dealbot", error="invalid_token"'})
        wait = self.limiter.take(token.id, now.timestamp())
        if wait > 0:
            raise Problem(429, f"Rate limit of {self.limiter.per_minute} requests a minute reached; retry "
                               f"after {math.ceil(wait)} s.", slug="rate-limited",
                          headers={"Retry-After": str(math.ceil(wait))})
        if self._due(token.id, now):
            await tokens.touch(token.id, now)
            await uow.commit()
        return token, version

    def _due(self, token_id: int, now: datetime) -> bool:
        last = self._touched.get(token_id)
        if last is not None and now - last < timedelta(seconds=self.settings.last_used_seconds):
            return False
        self._touched[token_id] = now
        return True
