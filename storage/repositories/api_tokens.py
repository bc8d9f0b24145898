"""API tokens and idempotency records (issue #16): looked up by the hash of a presented secret."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from domain.api_tokens import ApiToken
from storage.mapping import RowMapper
from storage.models import ApiIdempotencyRow, ApiTokenRow, SettingRow
from storage.repositories.base import SqlRepository, before_write, table_of


class SqlAlchemyApiTokenRepository(SqlRepository[ApiToken, ApiTokenRow]):
    row = ApiTokenRow
    mapper = RowMapper(ApiToken)
    what = ("令牌", "token")

    async def by_hash(self, secret_hash: str) -> ApiToken | None:
        return await self._first(select(ApiTokenRow).where(ApiTokenRow.secret_hash == secret_hash))

    async def by_hash_with_setting(self, secret_hash: str, key: str) -> tuple[ApiToken | None, Any]:
        """The token of this hash and, in the same statement, the value of setting `key` (an API request reads
        the directory's version with its token: one round trip, not two). (None, None) for no such token."""
        table = table_of(ApiTokenRow)
        setting = select(SettingRow.value).where(SettingRow.key == key).scalar_subquery().label("setting_value")
        stmt = select(*table.c, setting).where(table.c.secret_hash == secret_hash).limit(1)
        row = (await self.session.execute(stmt)).first()
        if row is None:
            return None, None
        return self.mapper.load(row), row.setting_value

    async def everyone(self) -> Sequence[ApiToken]:
        """Every token, revoked ones too, by id."""
        return await self._all(select(ApiTokenRow).order_by(ApiTokenRow.id))

    async def active(self) -> Sequence[ApiToken]:
        stmt = select(ApiTokenRow).where(ApiTokenRow.revoked_at.is_(None)).order_by(ApiTokenRow.id)
        return await self._all(stmt)

    async def named(self, name: str) -> Sequence[ApiToken]:
        """Tokens not revoked of that name: one at most (`令牌 新建` refuses a taken name; a revoked token's
        name may be used again), unless two were made before names were unique."""
        stmt = select(ApiTokenRow).where(ApiTokenRow.name == name, ApiTokenRow.revoked_at.is_(None))
        return await self._all(stmt.order_by(ApiTokenRow.id))

    async def touch(self, token_id: int, at: datetime) -> None:
        await before_write(self.session)
        await self.session.execute(update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=at),
                                   execution_options={"synchronize_session": False})


class SqlAlchemyIdempotencyRepository:
    """(token, key) -> the request it answered and the stored answer."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def find(self, token_id: int, key: str, since: datetime) -> ApiIdempotencyRow | None:
        stmt = select(ApiIdempotencyRow).where(ApiIdempotencyRow.token_id == token_id, ApiIdempotencyRow.key == key,
                                               ApiIdempotencyRow.created_at >= since)
        found: ApiIdempotencyRow | None = await self.session.scalar(stmt)
        return found

    async def add(self, values: dict[str, Any]) -> None:
        """Store the answer, in the transaction of the write it answers. Another request with the same key
        that got there first makes this (or the commit) raise IntegrityError: the caller rolls back."""
        await before_write(self.session)
        await self.session.execute(insert(ApiIdempotencyRow), values)

    async def forget(self, token_id: int, key: str, before: datetime) -> None:
        """Drop an expired answer to this key, so that the key may be used again."""
        await before_write(self.session)
        row = ApiIdempotencyRow
        await self.session.execute(delete(row).where(row.token_id == token_id, row.key == key,
                                                     row.created_at < before))

    async def purge(self, before: datetime) -> None:
        """Forget answers older than the retention (their keys may be used again)."""
        await before_write(self.session)
        await self.session.execute(delete(ApiIdempotencyRow).where(ApiIdempotencyRow.created_at < before))
