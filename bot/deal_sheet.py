"""The deal spreadsheet shared by `dealbot import deals` and `dealbot export deals`: its columns, and how each
value is read from a cell and written back to one (so that an export imports again unchanged)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, tzinfo
from decimal import Decimal

from bot.handlers.deals import LOST_LABELS, LOST_REASONS
from bot.importing_table import header_key, header_lookup
from domain.imported_history import day
from domain.money import Money
from domain.opportunity import STAGE_LABELS, LostReason, Stage, StageChange

# (field, zh header, en header), in the order an export writes them.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("ref", "编号", "ref"), ("name", "商机名称", "name"), ("customer", "客户", "customer"),
    ("industry", "行业", "industry"), ("region", "区域", "region"), ("owner", "负责人", "owner"),
    ("source", "来源", "source"), ("amount", "金额", "amount"), ("currency", "币种", "currency"),
    ("created", "创建日期", "created"), ("stage", "阶段", "stage"), ("closed", "关闭日期", "closed"),
    ("lost_reason", "输单原因", "lost_reason"), ("stage_history", "阶段历史", "stage_history"),
    ("activities", "跟进记录", "activities"),
)
# Field -> every accepted header name (compared after header_key: case, width, spaces, "_" and notes ignored).
HEADERS: dict[str, tuple[str, ...]] = {fld: (zh, en) for fld, zh, en in COLUMNS}
for _fld, _more in {
    "ref": ("商机编号", "原编号", "id", "dealid", "reference"),
    "name": ("商机", "项目名称", "deal", "dealname", "title"),
    "customer": ("客户名称", "公司", "公司名称", "customername", "company"),
    "industry": ("所属行业",), "region": ("地区", "所属区域", "area"),
    "owner": ("销售", "所有人", "负责销售", "rep", "salesrep"),
    "source": ("商机来源", "渠道"), "amount": ("商机金额", "预计金额", "value"), "currency": ("货币",),
    "created": ("创建时间", "创建", "createdat", "createdate"),
    "stage": ("当前阶段", "销售阶段"), "closed": ("关闭时间", "结束日期", "closedat", "closedate"),
    "lost_reason": ("丢单原因", "reason"), "stage_history": ("阶段记录", "history"),
    "activities": ("跟进日期", "跟进", "followups", "activity"),
}.items():
    HEADERS[_fld] += _more
LOOKUP = header_lookup(HEADERS)
REQUIRED = ("ref", "customer", "owner", "created", "stage")
HEADER_ROW = tuple(f"{zh} ({en})" for _, zh, en in COLUMNS)  # header_key drops "(…)": either name reads

_STAGES: dict[str, Stage] = {header_key(word): stage for stage, labels in STAGE_LABELS.items()
                             for word in (*labels, stage.value)}
_STAGES |= {header_key(word): stage for stage, words in {
    Stage.INITIAL_CONTACT: ("初次接触", "接触", "初步沟通", "lead", "new"),
    Stage.PROPOSAL: ("方案", "提案", "方案报价"), Stage.NEGOTIATION: ("商务谈判", "谈判中"),
    Stage.WON: ("赢", "成交", "已成交", "签约", "closedwon"), Stage.LOST: ("输", "丢单", "失败", "closedlost"),
}.items() for word in words}
_REASONS: dict[str, LostReason] = {header_key(word): reason for word, reason in LOST_REASONS.items()}
_REASONS |= {header_key(word): reason for reason, labels in LOST_LABELS.items() for word in (*labels, reason.value)}
_REASONS |= {header_key("预算取消"): LostReason.BUDGET, header_key("需求不符"): LostReason.REQUIREMENTS}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
                   r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")
_ITEMS = re.compile(r"[;；,，、\n]+")
_REASON_SPLIT = re.compile(r"[:：]")


def parse_stage(text: str) -> Stage | None:
    """'谈判', 'Negotiation', 'won', '赢单' → the stage; None when unknown."""
    return _STAGES.get(header_key(text))


def parse_day(text: str, tz: tzinfo) -> datetime | None:
    """'2026-01-05', '2026/1/5', '2026年1月5日', '2026-01-05 14:30[:00]' in `tz`; None when not a real date."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    year, month, date, hour, minute, sec = (int(part) if part else 0 for part in match.groups())
    try:
        return datetime(year, month, date, hour, minute, sec, tzinfo=tz)
    except ValueError:
        return None


def parse_lost_reason(text: str) -> tuple[LostReason, str]:
    """'价格' → (PRICE, ''); '价格：竞品低价' → (PRICE, '竞品低价'); anything else → (OTHER, the text)."""
    parts = _REASON_SPLIT.split(text, maxsplit=1)
    head, rest = parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
    reason = _REASONS.get(header_key(head))
    return (reason, rest) if reason is not None else (LostReason.OTHER, text.strip())


def split_items(text: str) -> list[str]:
    """'a; b；c' → ['a', 'b', 'c'] (also , ， 、 and line breaks)."""
    return [item.strip() for item in _ITEMS.split(text) if item.strip()]


def format_amount(amount: Money | None) -> tuple[str, str]:
    """(amount, currency) cells: '600000', 'CNY'; ('', '') without an amount."""
    if amount is None:
        return "", ""
    value = amount.amount.normalize() if amount.amount != amount.amount.to_integral_value() else \
        amount.amount.quantize(Decimal(1))
    return f"{value:f}", amount.currency


def format_lost_reason(reason: LostReason | None, note: str) -> str:
    if reason is None:
        return ""
    label = LOST_LABELS[reason][0]
    return f"{label}：{note}" if note else label


def format_history(history: Iterable[StageChange], tz: tzinfo) -> str:
    """The changes into open stages ('方案提案@2026-01-05; 谈判@2026-02-01'); the move to won or lost is the
    stage and closed columns."""
    return "; ".join(f"{c.target.label('zh')}@{day(c.at.astimezone(tz))}" for c in history if not c.target.is_closed)


def format_days(moments: Iterable[datetime], tz: tzinfo) -> str:
    return "; ".join(day(at.astimezone(tz)) for at in sorted(moments))
