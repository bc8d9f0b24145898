"""日报 / daily report: see today's report, confirm it, add a line; managers see who has not submitted.

The report itself is drafted from the day's records (scheduler.daily_reports.current_report), the same
use case the evening job runs, so `日报` at 17:00 shows what the 18:30 draft would say.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.args import Args
from bot.context import Context
from bot.i18n import Text
from bot.registry import command
from bot.reply import Button, Reply
from domain import permissions
from domain.daily_report import DailyReport, local_day
from domain.daily_text import missing_text, report_body, report_text
from domain.people import Role
from scheduler.daily_reports import TEAM_KIND, current_report, managers_of, members_of, team_period
from scheduler.push import Push, dedupe_key

SUBMIT = ("确认", "提交", "submit", "confirm")
ADD = ("补充", "添加", "add")
TEAM = ("团队", "team")
TODAY = ("", "今天", "today")
BACK_DAYS = 7  # a report up to this many days back may still be shown or confirmed (a late tap)


@command("日报", "daily report", section="general",
         help_zh="今天的日报：查看、确认提交、补充一行；经理查看团队提交情况",
         help_en="Today's daily report: show, submit, add a line; managers see who has not submitted",
         usage_zh="日报 ｜ 日报 确认 ｜ 日报 补充 下午和客户开了电话会 ｜ 日报 团队",
         usage_en="daily report | daily report submit | daily report add <text> | daily report team")
async def daily_report(ctx: Context, args: Args) -> Reply:
    word, rest = _split(args.rest())
    if word in TEAM:
        if rest:
            raise args.fail(f"「{word}」后面不需要别的内容（「{rest}」）", f"nothing goes after '{word}' ('{rest}')")
        return await team_status(ctx)
    if word in ADD:
        return await add_line(ctx, rest)
    if word in SUBMIT:
        return await submit(ctx, _day(ctx, args, rest))
    if word in TODAY or _written_day(word, local_day(ctx.now, ctx.rep.timezone)) is not None:
        return await show(ctx, _day(ctx, args, rest if word in TODAY else word))
    raise args.fail(f"不认识「{word}」", f"'{word}' is not something a daily report does")


def _split(text: str) -> tuple[str, str]:
    """The sub-command word and the rest; Chinese words may be written without a space (日报补充…)."""
    for word in (*SUBMIT, *ADD, *TEAM, *TODAY[1:]):
        if not word.isascii() and text.startswith(word):
            return word, text[len(word):].strip()
    first, _, rest = text.partition(" ")
    return first.casefold(), rest.strip()


def _is_date(word: str) -> bool:
    try:
        date.fromisoformat(word)
    except ValueError:
        return False
    return True


def _day(ctx: Context, args: Args, text: str) -> date:
    """Today in the person's time zone, or a date written 2026-12-05 (a button) or 12-05 (a draft's text: the
    latest such day) up to a week back."""
    today = local_day(ctx.now, ctx.rep.timezone)
    if not text:
        return today
    day = _written_day(text, today)
    if day is None or not today - timedelta(days=BACK_DAYS) <= day <= today:
        raise args.fail(f"日期「{text}」不对，只能是今天或最近 {BACK_DAYS} 天内（写成 12-05 或 2026-12-05），或者不写",
                        f"the date '{text}' is wrong: leave it out for today, or write one of the last "
                        f"{BACK_DAYS} days as 12-05 or 2026-12-05")
    return day


def _written_day(text: str, today: date) -> date | None:
    if _is_date(text):
        return date.fromisoformat(text)
    if not _is_date(f"{today.year}-{text}") or len(text) != 5:
        return None
    day = date.fromisoformat(f"{today.year}-{text}")
    if day <= today:
        return day
    return date.fromisoformat(f"{today.year - 1}-{text}") if _is_date(f"{today.year - 1}-{text}") else None


def _submit_button(ctx: Context, report: DailyReport) -> tuple[Button, ...]:
    if report.submitted:
        return ()
    day = report.day.isoformat()
    return (Button(Text("确认提交", "Submit"), ctx.t(f"日报 确认 {day}", f"daily report submit {day}")),)


async def show(ctx: Context, day: date) -> Reply:
    report = await current_report(ctx.uow, ctx.rep, day, ctx.now)
    return Reply.text(report_text(report, ctx.rep.name, ctx.locale)).with_buttons(*_submit_button(ctx, report))


async def add_line(ctx: Context, text: str) -> Reply:
    report = await current_report(ctx.uow, ctx.rep, local_day(ctx.now, ctx.rep.timezone), ctx.now)
    report.add_line(text)  # ReportAlreadySubmitted / InvalidValue: nothing is written
    await ctx.uow.daily_reports.save(report)
    done = ctx.t("已补充到今天的日报。", "Added to today's report.")
    return Reply.text(done, report_text(report, ctx.rep.name, ctx.locale)).with_buttons(
        *_submit_button(ctx, report))


async def submit(ctx: Context, day: date) -> Reply:
    report = await current_report(ctx.uow, ctx.rep, day, ctx.now)
    if not report.submit(ctx.now):
        return Reply.text(ctx.t(f"{day.isoformat()} 的日报已经提交过了，没有更改。",
                                f"The report of {day.isoformat()} was submitted already; nothing changed."))
    await ctx.uow.daily_reports.save(report)
    await _tell_if_late(ctx, report)
    return Reply.text(ctx.t("✅ 日报已提交。", "✅ Daily report submitted."),
                      report_text(report, ctx.rep.name, ctx.locale))


async def _tell_if_late(ctx: Context, report: DailyReport) -> None:
    """Submitted after the team's reports went to the manager: the manager gets this one on its own."""
    team = next((t for t in ctx.directory.teams if t.id == ctx.rep.team_id), None)
    if team is None or ctx.rep.role is not Role.REP:
        return
    for manager in managers_of(team, ctx.directory.reps):
        key = dedupe_key(Push(TEAM_KIND, team_period(report.day, team), ""), manager.id or 0)
        if key in await ctx.uow.outbox.existing_keys([key]):
            body, day = "\n".join(report_body(report, manager.locale)), report.day.isoformat()
            await ctx.notify(manager.id or 0, Text(f"📝 {ctx.rep.name} 补交了 {day} 的日报：\n{body}",
                                                   f"📝 {ctx.rep.name} submitted the report of {day} late:\n{body}"))


async def team_status(ctx: Context) -> Reply:
    """Who in the teams one manages (everyone's, for an admin) has submitted today's report."""
    teams = ctx.directory.teams
    if ctx.rep.role is not Role.ADMIN:
        managed = permissions.managed_team_ids(ctx.rep, teams)
        teams = tuple(t for t in teams if t.id in managed)
    if not teams:
        return Reply.text(ctx.t("只有经理可以查看团队日报；发送「日报」查看你自己的。",
                                "Only managers can see their team's reports; send 'daily report' for yours."),
                          error=True)
    day = local_day(ctx.now, ctx.rep.timezone)
    texts = []
    for team in teams:
        members = members_of(team, ctx.directory.reps)
        by_rep = {r.rep_id: r for r in await ctx.uow.daily_reports.for_reps((m.id or 0 for m in members), day)}
        texts.append(missing_text(team.name, day, [(m.name, by_rep.get(m.id or 0)) for m in members], ctx.locale))
    return Reply.text(*texts)
