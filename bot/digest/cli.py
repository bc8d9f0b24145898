"""`dealbot digest --team T [--date D] --preview [--html FILE] [--json] [--locale zh|en]`.

--preview prints the chat markdown (or, with --json, the numbers as one JSON object); --html FILE writes the
email version with its charts. Without --preview the digest is queued to the team's manager now (once per
day, as the scheduled job would).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.digest.compose import compose_digest
from bot.digest.fonts import ChartFontMissing, find_cjk_font
from bot.digest.jsonview import as_json
from bot.digest.markdown import render_markdown
from bot.digest.messages import html_file
from bot.digest.model import Digest
from bot.digest.settings import DigestSettings
from domain.people import Rep, Team
from domain.ports import UnitOfWork

COMPANY = ("all", "company", "全公司")


def settings_from(config: Config) -> DigestSettings:
    zone = str(config.get("bot", "timezone", "Asia/Shanghai"))
    settings = DigestSettings.from_section(config.section("digest"), zone)
    if not config.get("digest", "team_groups", False):
        return settings
    return replace(settings, group_channels=group_robots(config), locale=str(config.get("bot", "locale", "zh")))


def group_robots(config: Config) -> dict[str, tuple[str, ...]]:
    """Team name -> the enabled chat channels with a group robot for that team ([wecom.robots],
    [dingtalk.robots])."""
    from bot.channels import dingtalk, wecom  # the channels' own test of being switched on

    found: dict[str, tuple[str, ...]] = {}
    for channel, module in (("wecom", wecom), ("dingtalk", dingtalk)):
        robots = config.get(channel, "robots", None) if module.enabled(config) else None
        for team in robots if isinstance(robots, dict) else {}:
            found[str(team)] = (*found.get(str(team), ()), channel)
    return found


def parse_day(text: str | None, today: date) -> date:
    if not text:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"日期「{text}」应写成 2026-12-04 / the date '{text}' should look like 2026-12-04") from None


def moment(day: date, settings: DigestSettings) -> datetime:
    """When the digest of `day` is judged (stalled, overdue): at its digest time that day, as the job would."""
    return datetime.combine(day, settings.time, ZoneInfo(settings.timezone))


async def find_team(uow: UnitOfWork, text: str) -> Team | None:
    """The team named (or numbered) `text`; raises LookupError naming the known teams."""
    if text.strip().casefold() in COMPANY:
        return None
    team = await uow.teams.by_name(text.strip())
    if team is None and text.strip().isdigit():
        team = await uow.teams.find(int(text))
    if team is None:
        known = "、".join(t.name for t in await uow.teams.list()) or "-"
        raise LookupError(f"没有名为「{text}」的团队（已有：{known}；全公司用 all）/ no team '{text}' "
                          f"(known: {known}; 'all' for the company)")
    return team


async def digest(args: argparse.Namespace, config: Config) -> int:
    from bot.bootstrap import bootstrap

    settings = settings_from(config)
    now = datetime.now(ZoneInfo(settings.timezone))
    try:
        day = parse_day(args.date, now.date())
    except ValueError as err:
        return _fail(str(err))
    app = await bootstrap(config, chat=False)
    try:
        async with app.uow_factory() as uow:
            team = await find_team(uow, args.team)
            manager = await uow.reps.find(team.manager_id) if team and team.manager_id else None
        if not (args.preview or args.html or args.json):
            return await _queue(app.uow_factory, team, manager, day, now, settings)
        async with app.uow_factory() as uow:
            composed = await compose_digest(uow, team, day, moment(day, settings), settings, admin=True)
    except LookupError as err:
        return _fail(str(err))
    finally:
        await app.close()
    await _show(args, composed, args.locale or str(config.get("bot", "locale", "zh")), settings)
    return 0


async def _queue(uow_factory: Callable[[], UnitOfWork], team: Team | None, manager: Rep | None, day: date,
                 now: datetime, settings: DigestSettings) -> int:
    from scheduler.digest import send_one

    if team is None or manager is None:
        return _fail("只能发送给有经理的团队（预览用 --preview）/ only a team with a manager can be sent to "
                     "(use --preview to look at it)")
    if manager.preferred_channel() is None:
        return _fail(f"{manager.name} 没有可用的联系渠道 / {manager.name} has no channel to be reached on")
    queued = await send_one(uow_factory, team, manager, day, now, settings, _font(settings))
    print(f"已排队 queued: {queued} → {manager.name}" if queued else
          f"{manager.name} 今天的简报已排队过 / {manager.name}'s digest of {day} was queued already")
    return 0


async def _show(args: argparse.Namespace, composed: Digest, locale: str, settings: DigestSettings) -> None:
    if args.html:
        page = await asyncio.to_thread(html_file, composed, locale, _font(settings))
        Path(args.html).write_text(page, encoding="utf-8")
    if args.json:
        print(json.dumps(as_json(composed), ensure_ascii=False, indent=2))
    elif args.preview:
        print(render_markdown(composed, locale))


def _fail(message: str) -> int:
    print(f"dealbot: {message}", file=sys.stderr)
    return 2


def _font(settings: DigestSettings) -> Path | None:
    try:
        return find_cjk_font(settings.font)
    except ChartFontMissing as err:
        print(f"dealbot: 图表已关闭 / charts are off: {err}", file=sys.stderr)
        return None


