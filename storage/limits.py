"""Values longer than their column are refused before they reach the database, on both engines.

PostgreSQL rejects a VARCHAR(255) value of 256 characters (and aborts the transaction); SQLite stores
it. Checking INSERT and UPDATE parameters against the column lengths first makes both engines behave
the same and turns the failure into a DomainError the user can act on, with nothing written. Paths that
must accept any input (captured mail) cut or hash their values before writing; this is the safety net.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import MetaData, String, event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.dml import Insert, Update

from domain.errors import DomainError

_TABLES = {"customers": ("客户", "customer"), "contacts": ("联系人", "contact"), "leads": ("线索", "lead"),
           "opportunities": ("商机", "deal"), "teams": ("团队", "team"), "reps": ("销售", "rep"),
           "quotes": ("报价", "quote"), "contracts": ("合同", "contract"), "projects": ("项目", "project")}
_FIELDS = {"name": ("名称", "name"), "short_name": ("简称", "short name"), "title": ("标题", "title"),
           "contacts.title": ("职务", "job title"),
           "email": ("邮箱", "email"), "phone": ("电话", "phone"), "subject": ("主题", "subject"),
           "industry": ("行业", "industry"), "region": ("区域", "region"), "domain": ("域名", "domain"),
           "number": ("编号", "number"), "sender": ("发件人", "sender")}


class ValueTooLong(DomainError):
    zh = "{what}{field}太长：最多 {limit} 个字符，收到 {length} 个。请缩短后再试，未做任何修改。"
    en = "The {what_en} {field_en} is too long: at most {limit} characters, got {length}. " \
         "Please shorten it and try again; nothing was changed."


def column_limits(metadata: MetaData) -> dict[str, dict[str, int]]:
    """Per table name: the length of every length-limited string column."""
    return {table.name: {column.key: column.type.length for column in table.columns
                         if isinstance(column.type, String) and column.type.length}
            for table in metadata.tables.values()}


def check_lengths(table: str, limits: Mapping[str, int], values: Mapping[str, Any]) -> None:
    """Raise ValueTooLong for the first value longer than its column."""
    for name, value in values.items():
        limit = limits.get(name)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            what, what_en = _TABLES.get(table, ("", table.rstrip("s")))
            field, field_en = _FIELDS.get(f"{table}.{name}") or _FIELDS.get(name, (name, name))
            raise ValueTooLong(what=what, what_en=what_en, field=field, field_en=field_en, limit=limit,
                               length=len(value))


def install_length_guard(engine: AsyncEngine, metadata: MetaData) -> None:
    """Check the bound parameters of every INSERT and UPDATE executed on `engine`."""
    limits = column_limits(metadata)

    @event.listens_for(engine.sync_engine, "before_execute")
    def _guard(_conn: Connection, clause: Any, multiparams: Any, params: Any, _options: Any) -> None:
        if not isinstance(clause, Insert | Update):
            return
        name = getattr(clause.table, "name", "")
        table_limits = limits.get(name)
        if not table_limits:
            return
        for values in _parameter_sets(multiparams, params):
            check_lengths(name, table_limits, values)


def _parameter_sets(multiparams: Any, params: Any) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = [params] if isinstance(params, Mapping) and params else []
    for item in multiparams or ():
        if isinstance(item, Mapping):
            found.append(item)
        elif isinstance(item, list | tuple):
            found.extend(entry for entry in item if isinstance(entry, Mapping))
    return found
