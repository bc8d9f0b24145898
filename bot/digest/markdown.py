"""The digest as chat markdown (WeCom's subset: `###`, **bold**, `>` quotes, lists), split into messages
that each fit the channel's limit, at section boundaries where possible."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.digest.model import DealList, Digest, WinMover
from bot.digest.words import count_of, money, one_amount, percent, say
from bot.handlers.deals import LOST_LABELS
from bot.usage.digest_section import usage_section
from connectors.wecom.markdown import APP_TEXT_LIMIT, escape_markdown, split_markdown, utf8_len
from domain.analytics import DealLine, Forecast, Movement
from domain.visit import count_line

# Bytes per chat message: WeCom app markdown 2,048 (robot 4,096; the app is how a manager is reached);
# DingTalk markdown stays under 4,096 too. Console and email take the digest whole (0).
CHAT_LIMITS = {"wecom": APP_TEXT_LIMIT, "dingtalk": 4096, "console": 0, "email": 0}


def render_sections(d: Digest, locale: str) -> list[str]:
    """Each section one markdown block, empty sections left out (the header and today always stay)."""
    sections = [_header(d, locale), _moves(d, locale), _won_lost(d, locale), _funnel(d, locale),
                _forecast(d, locale), _targets(d, locale), _top_reps(d, locale),
                _deal_list("stalled", d.stalled, d, locale, "since"),
                _deal_list("overdue_followups", d.overdue_followups, d, locale, "due"),
                _deal_list("overdue_payments", d.overdue_payments, d, locale, "due"), _movers(d, locale),
                _at_risk(d, locale), _reclaimed(d, locale), usage_section(d.usage, locale)]
    if d.failed_deliveries:
        sections.append(f"**{say('failed', locale)}**\n{say('failed_line', locale, n=d.failed_deliveries)}")
    return [s for s in sections if s]


def render_markdown(d: Digest, locale: str) -> str:
    return "\n\n".join(render_sections(d, locale))


def split_for_channel(d: Digest, locale: str, channel: str) -> list[str]:
    """The digest as messages for `channel`, each within its byte limit (unknown channels: 2,048)."""
    limit = CHAT_LIMITS.get(channel, APP_TEXT_LIMIT)
    sections = render_sections(d, locale)
    return ["\n\n".join(sections)] if limit <= 0 else pack(sections, limit)


def pack(sections: Sequence[str], limit: int, separator: str = "\n\n") -> list[str]:
    """Whole sections per message while they fit; a section longer than `limit` is cut at lines."""
    parts: list[str] = []
    current = ""
    for section in sections:
        pieces = [section] if utf8_len(section) <= limit else split_markdown(section, limit)
        for piece in pieces:
            joined = f"{current}{separator}{piece}" if current else piece
            if current and utf8_len(joined) > limit:
                parts.append(current)
                joined = piece
            current = joined
    if current:
        parts.append(current)
    return parts


def _header(d: Digest, locale: str) -> str:
    t = d.today
    title = say("title", locale, team=escape_markdown(d.scope_name(locale)), day=d.day.isoformat())
    won = f"{say('won', locale)} {t.won}" + (f" ({money(t.won_amounts, locale)})" if t.won else "")
    line = " · ".join([f"{say('new_leads', locale)} {t.new_leads}", f"{say('new_deals', locale)} {t.new_deals}",
                       won, f"{say('lost', locale)} {t.lost}"])
    visits = f"\n{count_line(d.visits, locale)}" if d.visits is not None and d.visits.visits else ""
    return f"### {title}\n**{say('today', locale)}** {line}{visits}"


def _deal(m: Movement | DealLine | WinMover, d: Digest) -> str:
    owner = d.owner(m.owner_id)
    return f"#{m.opportunity_id} {escape_markdown(m.name)}" + (f" ({escape_markdown(owner)})" if owner else "")


def _moves(d: Digest, locale: str) -> str:
    lines = [f"- {_deal(m, d)} {m.source.label(locale)} → {m.target.label(locale)}" for m in d.stage_moves]
    return f"**{say('moves', locale)}**\n" + "\n".join(lines) if lines else ""


def _won_lost(d: Digest, locale: str) -> str:
    lines = [f"- {say('won', locale)} {_deal(m, d)} {money(m.amounts, locale)}" for m in d.won]
    for m in d.lost:
        reason = LOST_LABELS[m.lost_reason][0 if locale == "zh" else 1] if m.lost_reason else ""
        note = f" — {escape_markdown(m.lost_note)}" if m.lost_note else ""
        lines.append(f"- {say('lost', locale)} {_deal(m, d)}" + (f": {reason}" if reason else "") + note)
    return f"**{say('won_lost', locale)}**\n" + "\n".join(lines) if lines else ""


def _funnel(d: Digest, locale: str) -> str:
    f = d.funnel
    lines = [f"- {s.stage.label(locale)}: {count_of(s.count, locale)} · {money(s.amounts, locale)}"
             for s in f.stages]
    days = (d.at - f.since).days
    conv = " · ".join(f"{c.source.label(locale)}→{c.target.label(locale)} {percent(c.rate)}"
                      f" ({c.reached_target}/{c.reached_source})" for c in f.conversions)
    lines.append(f"{say('conversion', locale, days=days)}: {conv or say('none', locale)}")
    if f.avg_cycle_days is not None:
        lines.append(say("cycle", locale, days=f"{f.avg_cycle_days:.1f}"))
    return f"**{say('funnel', locale)}**\n" + "\n".join(lines)


def _forecast_line(label: str, f: Forecast, locale: str) -> str:
    return "- " + say("forecast_line", locale, label=label, weighted=money(f.weighted, locale),
                      open=f.open_deals, won=money(f.won_amounts, locale))


def _forecast(d: Digest, locale: str) -> str:
    return "\n".join([f"**{say('forecast', locale)}**",
                      _forecast_line(say("month", locale), d.forecast_month, locale),
                      _forecast_line(say("quarter", locale), d.forecast_quarter, locale)])


def _targets(d: Digest, locale: str) -> str:
    lines = []
    for t in d.targets:
        line = "- " + say("target_line", locale, period=t.period.code,
                          target=one_amount(t.target, t.currency, locale),
                          actual=one_amount(t.actual, t.currency, locale), achieved=percent(t.achieved),
                          elapsed=percent(t.elapsed))
        lines.append(line if t.on_track else f"{line} <font color=\"warning\">{say('behind', locale)}</font>")
    return f"**{say('targets', locale)}**\n" + "\n".join(lines) if lines else ""


def _top_reps(d: Digest, locale: str) -> str:
    lines = [say("rep_line", locale, rank=i, name=escape_markdown(r.name), won=r.won,
                 amount=money(r.won_amounts, locale)) for i, r in enumerate(d.top_reps, 1)]
    return f"**{say('top_reps', locale)}**\n" + "\n".join(lines) if lines else ""


def _when(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


def _movers(d: Digest, locale: str) -> str:
    lines = ["- " + say("mover_line", locale, deal=_deal(m, d), before=percent(m.previous), after=percent(m.p_win),
                        reason=(" · " + escape_markdown(m.reason(locale))) if m.reason(locale) else "")
             for m in d.movers]
    return f"**{say('movers', locale)}**\n" + "\n".join(lines) if lines else ""


def _at_risk(d: Digest, locale: str) -> str:
    lines = ["- " + say("at_risk_line", locale, id=c.customer_id, name=escape_markdown(c.name), score=c.score,
                        reason=escape_markdown(c.reason(locale))) for c in d.at_risk]
    return f"**{say('at_risk', locale)}**\n" + "\n".join(lines) if lines else ""


def _deal_list(key: str, deals: DealList, d: Digest, locale: str, when: str) -> str:
    if not deals.count:
        return ""
    lines = [f"- {_deal(line, d)} {line.stage.label(locale)}"
             + (f" {say(when, locale, when=_when(line.since))}" if line.since else "") for line in deals.lines]
    if deals.count > len(deals.lines):
        lines.append(say("more", locale, n=deals.count - len(deals.lines)))
    return f"**{say(key, locale)} ({deals.count})**\n" + "\n".join(lines)


def _reclaimed(d: Digest, locale: str) -> str:
    """收回公海 N 个客户: the names (with the rep each left), then how many more."""
    if not d.reclaimed.count and not d.reclaimed.lead_count:
        return ""
    lines = []
    for prefix, count, listed in d.reclaimed.sections():
        lines += [f"- {prefix}{item_id} {escape_markdown(name)}" + _rep(d.owner(owner), locale)
                  for item_id, name, owner in listed]
        if count > len(listed):
            lines.append(f"- {say('more', locale, n=count - len(listed))}")
    return f"**{d.reclaimed.header(locale)}**\n" + "\n".join(lines)


def _rep(name: str, locale: str) -> str:
    if not name:
        return ""
    return f" ({escape_markdown(name)})" if locale == "en" else f"（{escape_markdown(name)}）"
