"""Labels and number formats the digest's renderers share (markdown, HTML, charts), zh and en."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from domain.analytics import Amounts

LABELS: dict[str, tuple[str, str]] = {
    "title": ("{team} 每日简报 {day}", "{team} daily digest {day}"),
    "today": ("今日", "Today"),
    "new_leads": ("新线索", "new leads"),
    "new_deals": ("新商机", "new deals"),
    "won": ("赢单", "won"),
    "lost": ("输单", "lost"),
    "moves": ("阶段推进", "Stage movements"),
    "won_lost": ("赢单 / 输单", "Won / lost"),
    "funnel": ("销售漏斗", "Funnel"),
    "conversion": ("近 {days} 天阶段转化", "Stage conversion, last {days} days"),
    "cycle": ("平均成交周期 {days} 天", "Average cycle {days} days"),
    "forecast": ("加权预测", "Weighted forecast"),
    "month": ("本月", "This month"),
    "quarter": ("本季度", "This quarter"),
    "forecast_line": ("{label}：预测 {weighted}（{open} 个在跟商机）· 已赢 {won}",
                      "{label}: forecast {weighted} ({open} open deals) · won {won}"),
    "targets": ("目标完成", "Targets"),
    "target_line": ("{period}：目标 {target} · 完成 {actual}（{achieved}）· 时间已过 {elapsed}",
                    "{period}: target {target} · actual {actual} ({achieved}) · time elapsed {elapsed}"),
    "behind": ("落后于进度", "behind schedule"),
    "top_reps": ("本月销售排行", "Top reps this month"),
    "rep_line": ("{rank}. {name}：赢单 {won} 个 · {amount}", "{rank}. {name}: {won} won · {amount}"),
    "stalled": ("停滞商机", "Stalled deals"),
    "overdue_followups": ("逾期跟进", "Overdue follow-ups"),
    "overdue_payments": ("逾期回款", "Overdue payments"),
    "since": ("自 {when}", "since {when}"),
    "due": ("应于 {when}", "due {when}"),
    "more": ("…另有 {n} 个", "… and {n} more"),
    "none": ("无", "none"),
    "movers": ("赢单概率变化最大", "Biggest moves in win probability"),
    "mover_line": ("{deal} {before} → {after}{reason}", "{deal} {before} → {after}{reason}"),
    "at_risk": ("客户健康预警", "Customers at risk"),
    "at_risk_line": ("C{id} {name}（{score} 分）：{reason}", "C{id} {name} ({score}/100): {reason}"),
    "reclaimed": ("收回公海 {n} 个客户", "{n} customers went back to the pool"),
    "reclaimed_leads": ("、{n} 条线索", ", plus {n} leads"),
    "failed": ("发送失败的消息", "Failed deliveries"),
    "failed_line": ("{n} 条消息发送失败，请查看 `dealbot outbox`",
                    "{n} messages could not be delivered; see `dealbot outbox`"),
    "count_unit": ("{n} 个", "{n}"),
    "trend": ("近 {weeks} 周趋势", "Last {weeks} weeks"),
    "week_won": ("赢单金额", "Won amount"),
    "week_new": ("新商机数", "New deals"),
    "amount": ("金额", "Amount"),
    "deals": ("商机数", "Deals"),
}


def say(key: str, locale: str, **values: object) -> str:
    zh, en = LABELS[key]
    return (zh if locale == "zh" else en).format(**values)


def money(amounts: Amounts, locale: str) -> str:
    """"¥52.3万 + $1,200" (zh) / "¥523,000 + $1,200" (en); "0" when nothing."""
    parts = [one_amount(value, currency, locale) for currency, value in sorted(amounts.items()) if value]
    return " + ".join(parts) if parts else ("¥0" if not amounts else one_amount(Decimal(0), "CNY", locale))


def one_amount(value: Decimal, currency: str, locale: str) -> str:
    symbol = {"CNY": "¥", "USD": "$", "EUR": "€"}.get(currency, currency + " ")
    sign, value = ("-" if value < 0 else ""), abs(value)
    if locale == "zh" and value >= 10000:
        for unit, size in (("亿", Decimal(10) ** 8), ("万", Decimal(10000))):
            if value >= size:
                scaled = (value / size).quantize(Decimal("0.01"), ROUND_HALF_UP)
                return f"{sign}{symbol}{_trim(scaled)}{unit}"
    return f"{sign}{symbol}{value.quantize(Decimal('1'), ROUND_HALF_UP):,}"


def _trim(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def count_of(n: int, locale: str) -> str:
    return say("count_unit", locale, n=n)
