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
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.digest.charts import ChartFontMissing, find_cjk_font
from bot.digest.compose import compose_digest
from bot.digest.jsonview import as_json
from bot.digest.markdown import render_markdown
from bot.digest.messages import html_file
from bot.digest.settings import DigestSettings
from domain.people import Team
from domain.ports import UnitOfWork

COMPANY = ("all", "company", "全公司")


def settings_from(config: Config) -> DigestSettings:
    return DigestSettings.from_section(config.section("digest"), str(config.get("bot", "timezone", "Asia/Shanghai")))


def parse_day(text: str | None, today: date) -> date:
    if not text:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"日期「{text}」应写成 2026-12-04 / the date '{text}' should look like 2026-12-04") from None


def moment(day: date, settings: DigestSettings, now: datetime) -> datetime:
    """When the digest of `day` is judged: its digest time that day, or now if that is still ahead."""
    at = datetime.combine(day, settings.time, ZoneInfo(settings.timezone))
    return min(at, now.astimezone(at.tzinfo))


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
    from scheduler.digest import send_one

    settings = settings_from(config)
    locale = args.locale or str(config.get("bot", "locale", "zh"))
    now = datetime.now(ZoneInfo(settings.timezone))
    try:
        day = parse_day(args.date, now.date())
    except ValueError as err:
        print(f"dealbot: {err}", file=sys.stderr)
        return 2
    app = await bootstrap(config, chat=False)
    try:
        async with app.uow_factory() as uow:
            team = await find_team(uow, args.team)
            at = moment(day, settings, now)
            composed = await compose_digest(uow, team, day, at, settings, admin=True)
            manager = await uow.reps.find(team.manager_id) if team and team.manager_id else None
        if not args.preview and not args.html and not args.json:
            if manager is None:
                print("dealbot: 该团队没有经理，无处发送 / the team has no manager to send to", file=sys.stderr)
                return 2
            queued = await send_one(app.uow_factory, team, manager, day, at, settings, _font(settings))
            print(f"queued 已排队 {queued} / {manager.name}")
            return 0
    except LookupError as err:
        print(f"dealbot: {err}", file=sys.stderr)
        return 2
    finally:
        await app.close()
    if args.html:
        page = await asyncio.to_thread(html_file, composed, locale, _font(settings))
        Path(args.html).write_text(page, encoding="utf-8")
    if args.json:
        print(json.dumps(as_json(composed), ensure_ascii=False, indent=2))
    elif args.preview or not args.html:
        print(render_markdown(composed, locale))
    return 0


def _font(settings: DigestSettings) -> Path | None:
    try:
        return find_cjk_font(settings.font)
    except ChartFontMissing as err:
        print(f"dealbot: 图表已关闭 / charts are off: {err}", file=sys.stderr)
        return None


