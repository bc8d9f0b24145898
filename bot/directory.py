"""People and teams from config or a users file; channel identities map to one person."""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import ConfigError
from bot.config_schema import SCHEMA
from bot.config_validate import closest, did_you_mean, validate
from domain.assignment import AssignmentRule
from domain.errors import InvalidValue
from domain.people import Rep, Role, Team
from domain.ports import UnitOfWork
from domain.quiet import QuietHours

CHANNELS = ("wecom", "dingtalk", "email", "console")


@dataclass(slots=True)
class DirectoryReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value or "").replace("，", ",").replace(";", ",").split(",") if v.strip()]


def read_users_file(path: str | Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(teams, users) from a TOML file with [[teams]]/[[users]] or a CSV with one user per row."""
    path = Path(path)
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            validate(data, {name: SCHEMA[name] for name in ("teams", "users")}, {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise ConfigError(f"{path}: not valid TOML (UTF-8): {err}") from None
        except ConfigError as err:
            raise ConfigError(f"{path}: {err}") from None
        return list(data.get("teams", [])), list(data.get("users", []))
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [], [dict(row) for row in csv.DictReader(fh)]


async def sync_directory(uow_factory: Callable[[], UnitOfWork], teams: Iterable[Mapping[str, Any]],
                         users: Iterable[Mapping[str, Any]], *, create_teams: bool = False) -> DirectoryReport:
    """Create or update teams and people by name, in one transaction; nothing is written if a row is wrong.

    A person's team must be in `teams` or already exist (a misspelt name is refused, not created), unless
    `create_teams` (a CSV file, which has no team table). A channel identity belongs to one person."""
    report = DirectoryReport()
    async with uow_factory() as uow:
        team_ids = {t.name: t.id for t in await uow.teams.list()}
        for row in teams:
            name = str(row.get("name", "")).strip()
            if name and name not in team_ids:
                team = await uow.teams.add(Team(name=name, region=str(row.get("region", ""))))
                team_ids[name] = team.id
        for number, row in enumerate(users, start=1):
            try:
                await _check_team(uow, row, team_ids, create_teams)
                await _check_identities(uow, row)
                await _upsert_user(uow, row, team_ids, report)
            except InvalidValue as err:
                report.errors.append(f"#{number}: {err.message('zh')} / {err.message('en')}")
        if not report.errors:
            await uow.commit()
    return report


async def _check_team(uow: UnitOfWork, row: Mapping[str, Any], team_ids: dict[str, int | None],
                      create: bool) -> None:
    team_name = str(row.get("team") or "").strip()
    if not team_name or team_name in team_ids:
        return
    if create:
        team_ids[team_name] = (await uow.teams.add(Team(name=team_name))).id
        return
    close = closest(team_name, [str(name) for name in team_ids])
    raise InvalidValue("团队", f"「{team_name}」不存在，请先在 [[teams]] 中声明"
                       + (f"（是不是「{close}」？）" if close else ""), field_en="team",
                       reason_en=f"'{team_name}' does not exist; declare it in [[teams]] first"
                       + (f" (did you mean '{close}'?)" if close else ""))


async def _check_identities(uow: UnitOfWork, row: Mapping[str, Any]) -> None:
    name = str(row.get("name", "")).strip()
    for channel in CHANNELS:
        identity = str(row.get(channel) or "").strip()
        owner = await uow.reps.by_identity(channel, identity) if identity else None
        if owner is not None and owner.name != name:
            raise InvalidValue(channel, f"「{identity}」已属于 {owner.name}，一个账号只能对应一个人", field_en=channel,
                               reason_en=f"'{identity}' already belongs to {owner.name}; "
                                         "a channel identity belongs to one person")


async def _upsert_user(uow: UnitOfWork, row: Mapping[str, Any], team_ids: dict[str, int | None],
                       report: DirectoryReport) -> None:
    name = str(row.get("name", "")).strip()
    if not name:
        raise InvalidValue("姓名", "不能为空", field_en="name", reason_en="is empty")
    try:
        role = Role(str(row.get("role") or "rep").strip().lower())
    except ValueError:
        raise InvalidValue("角色", f"「{row.get('role')}」应为 rep/manager/admin", field_en="role",
                           reason_en=f"'{row.get('role')}' should be rep/manager/admin") from None
    team_name = str(row.get("team") or "").strip()
    rep = await uow.reps.by_name(name)
    is_new = rep is None
    rep = rep or Rep(name=name)
    rep.role, rep.team_id = role, team_ids.get(team_name) if team_name else rep.team_id
    rep.regions = _split(row.get("regions", "")) or rep.regions
    rep.locale = str(row.get("locale") or rep.locale)
    rep.timezone = str(row.get("timezone") or rep.timezone)
    if not _is_timezone(rep.timezone):
        raise InvalidValue("时区", f"「{rep.timezone}」无效", field_en="timezone",
                           reason_en=f"'{rep.timezone}' is not a time zone")
    if quiet := str(row.get("quiet_hours") or "").strip():  # the admin's setting; absent: the person's own
        rep.quiet_hours = QuietHours.parse(quiet).render()
    rep.identities.update({c: str(row[c]).strip() for c in CHANNELS if str(row.get(c) or "").strip()})
    rep.email = rep.identities.get("email", rep.email)
    if is_new:
        rep = await uow.reps.add(rep)
    else:
        await uow.reps.save(rep)
    (report.created if is_new else report.updated).append(name)
    if role is Role.MANAGER and rep.team_id is not None:
        team = await uow.teams.get(rep.team_id)
        team.manager_id = rep.id
        await uow.teams.save(team)


async def assignment_rules(uow_factory: Callable[[], UnitOfWork],
                           rows: Iterable[Mapping[str, Any]]) -> tuple[AssignmentRule, ...]:
    """[[assignment]] rows name a team or a rep; turn names into ids."""
    rules = []
    async with uow_factory() as uow:
        for number, row in enumerate(rows, start=1):
            team = await uow.teams.by_name(str(row["team"])) if row.get("team") else None
            rep = await uow.reps.by_name(str(row["rep"])) if row.get("rep") else None
            for key, found in (("team", team), ("rep", rep)):
                if row.get(key) and found is None:
                    known = [t.name for t in await uow.teams.list()] if key == "team" else \
                        [r.name for r in await uow.reps.list()]
                    raise ConfigError(f"[[assignment]] #{number}: unknown {key} '{row[key]}'"
                                      f"{did_you_mean(str(row[key]), known)}")
            rules.append(AssignmentRule(
                rep_id=rep.id if rep else None, team_id=team.id if team and not rep else None,
                regions=tuple(_split(row.get("regions", row.get("region", "")))),
                industries=tuple(_split(row.get("industries", row.get("industry", "")))),
                min_budget=_decimal(row.get("min_budget")), max_budget=_decimal(row.get("max_budget"))))
    return tuple(rules)


def _is_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return False
    return True


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise ConfigError(f"[[assignment]] budget bound {value!r} is not a number") from None
