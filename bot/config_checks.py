"""Value checks for config keys. Each check returns None when the value is fine, else what is wrong
(English, without the key: the caller names the key, the file and, unless the key is secret, the value)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import DomainError
from domain.quiet import QuietHours

Check = Callable[[Any], str | None]

NAME_CHARS = 255
DATABASE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg", "mysql+asyncmy")


def text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be text in quotes"


def name(value: Any) -> str | None:
    """Text stored in a 255-character column (people, teams, channel identities)."""
    if not isinstance(value, str):
        return "must be text in quotes"
    return None if len(value) <= NAME_CHARS else f"is longer than {NAME_CHARS} characters ({len(value)})"


def flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def whole(low: int, high: int | None = None) -> Check:
    def check(value: Any) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
        if ok and (high is None or value <= high):
            return None
        return f"must be a whole number from {low} to {high}" if high is not None \
            else f"must be a whole number of at least {low}"
    return check


def positive(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return None if ok else "must be a number greater than 0"


def amount(value: Any) -> str | None:
    if isinstance(value, bool):
        return "must be a number"
    if isinstance(value, int | float):
        return None
    try:
        float(str(value).replace(",", ""))
    except ValueError:
        return "must be a number"
    return None


def share(value: Any) -> str | None:
    """A share of a whole, 0 to 1 (0.15 = 15%): approvals' thresholds."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1
    return None if ok else "must be a share from 0 to below 1, like 0.15 for 15% (须为 0 到 1 之间的比例，如 0.15)"


def money_limit(value: Any) -> str | None:
    """An amount of money, 0 or more (approvals' contract amount)."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    return None if ok else "must be an amount of 0 or more, like 1000000 (须为不小于 0 的金额，如 1000000)"


def choice(*options: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in options else "must be one of " + ", ".join(options)
    return check


def timezone(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be a time zone name like Asia/Shanghai"
    try:
        ZoneInfo(value)
    except (ValueError, ZoneInfoNotFoundError):
        return "is not a known time zone (write it like Asia/Shanghai or Europe/Berlin)"
    return None


def words(value: Any) -> str | None:
    """A list of names, or one text with names separated by commas."""
    if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return None if len(str(value)) <= 4 * NAME_CHARS else "is too long"
    return 'must be a list of names like ["华东", "华南"]'


def folders(value: Any) -> str | None:
    return words(value)


def text_table(value: Any) -> str | None:
    if isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values()):
        return None
    return 'must be a table of names to text, like "华东一组" = "key"'


def robot_table(value: Any) -> str | None:
    """[dingtalk.robots]: team name = { token = "…", secret = "…" }."""
    if isinstance(value, Mapping) and all(
            isinstance(v, Mapping) and set(v) == {"token", "secret"} and all(isinstance(x, str) for x in v.values())
            for v in value.values()):
        return None
    return 'must be a table of team names to robots, like "华东一组" = { token = "…", secret = "SEC…" }'


def database_url(value: Any) -> str | None:
    if not isinstance(value, str) or "://" not in value:
        return ("must be a database URL like sqlite+aiosqlite:///var/dealbot.db, postgresql+asyncpg://user@host/db "
                "or mysql+asyncmy://user@host/db?charset=utf8mb4")
    scheme = value.split("://", 1)[0].lower()
    if scheme in DATABASE_SCHEMES:
        return None
    if scheme.startswith("postgres"):
        return "must start with postgresql+asyncpg:// (the driver dealbot uses)"
    if scheme.startswith("sqlite"):
        return "must start with sqlite+aiosqlite:/// (the driver dealbot uses)"
    if scheme.startswith(("mysql", "mariadb")):
        return "must start with mysql+asyncmy:// (the driver dealbot uses, for MySQL and MariaDB)"
    return "must start with sqlite+aiosqlite:///, postgresql+asyncpg:// or mysql+asyncmy://"


def inferred(default: Any) -> Check:
    """The check for a key known only from DEFAULTS: the kind of its default value."""
    if isinstance(default, bool):
        return flag
    if isinstance(default, int | float):
        return positive
    return text


def time_of_day(value: Any) -> str | None:
    """A local time of day written "18:30"."""
    parts = value.split(":") if isinstance(value, str) else []
    ok = len(parts) == 2 and all(p.strip().isdigit() for p in parts) and len(parts[1].strip()) == 2
    if ok and int(parts[0]) <= 23 and int(parts[1]) <= 59:
        return None
    return 'must be a time of day in quotes like "18:30"'

def quiet_hours(value: Any) -> str | None:
    """"21:00-08:00" (spans midnight when the start is later), or "off"."""
    if not isinstance(value, str):
        return "must be text in quotes, like \"21:00-08:00\" or \"off\""
    try:
        QuietHours.parse(value)
    except DomainError:
        return "must look like \"21:00-08:00\" (or \"off\")"
    return None
