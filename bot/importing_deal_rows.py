"""Checking one deal row (`dealbot import deals`) and turning it into what the deal should be.

Only what the row itself says is checked here (dates, stage, amount, history); whether the owner is a known
person is checked against the database by bot.importing_deals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot import values as amounts
from bot.deal_sheet import parse_day, parse_lost_reason, parse_stage, split_items
from bot.importing_rows import ImportRow, RowError, check_lengths, check_name, clean_cells
from domain.imported_history import HistoryInFuture, ImportedHistoryError, day, imported_history
from domain.money import Money
from domain.opportunity import LostReason, Stage, StageChange

MAX_REF = 64
MAX_DEAL_NAME = 200
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_LABELS = {"industry": ("行业", "industry"), "region": ("区域", "region"), "owner": ("负责人", "owner"),
           "source": ("来源", "source")}
_STAGE_NAMES = ("初步接触、方案提案、谈判、赢单、输单", "initial contact, proposal, negotiation, won, lost")


@dataclass(frozen=True, slots=True)
class DealRow:
    """One valid deal row, cleaned: the deal as it should be stored, once its owner and customer are known."""

    row: int
    ref: str
    name: str  # "" when the sheet names none: a new deal is then called "<customer> 项目"
    customer: ImportRow  # name, industry, region: matched or created as `import customers` does
    owner: str
    source: str
    amount: Money | None
    stage: Stage
    created: datetime
    closed: datetime | None
    lost_reason: LostReason | None
    lost_note: str
    history: tuple[StageChange, ...]
    activities: tuple[datetime, ...]


class _Problems:
    """The errors of one row, each in both languages."""

    def __init__(self, number: int) -> None:
        self.number, self.errors = number, list[RowError]()

    def add(self, zh: str, en: str) -> None:
        self.errors.append(RowError(self.number, zh, en))

    def day(self, text: str, zh: str, en: str, tz: tzinfo) -> datetime | None:
        found = parse_day(text, tz)
        if found is None:
            self.add(f"{zh}「{text}」不是有效日期（如 2026-01-05）",
                     f"the {en} '{text}' is not a date (e.g. 2026-01-05)")
        return found


def parse_deal_row(number: int, cells: Mapping[str, str], now: datetime, tz: tzinfo) -> DealRow | list[RowError]:
    """The cleaned row, or every problem found in it."""
    values, problems = clean_cells(cells), _Problems(number)
    ref, customer, owner = values.get("ref", ""), values.get("customer", ""), values.get("owner", "")
    if not ref:
        problems.add("缺少编号", "the ref is missing")
    elif len(ref) > MAX_REF:
        problems.add(f"编号超过 {MAX_REF} 个字符", f"the ref is longer than {MAX_REF} characters")
    problems.errors += check_name(number, customer)
    if not owner:
        problems.add("缺少负责人", "the owner is missing")
    name = values.get("name", "")
    if len(name) > MAX_DEAL_NAME:
        problems.add(f"商机名称超过 {MAX_DEAL_NAME} 个字符", f"the deal name is longer than {MAX_DEAL_NAME} characters")
    problems.errors += check_lengths(number, values, _LABELS)
    amount = _amount(values, problems)
    stage, created, closed = _stage_and_dates(values, problems, tz)
    lost = _lost_reason(values, stage, problems)
    steps = _steps(values.get("stage_history", ""), problems, tz)
    activities = _activities(values.get("activities", ""), problems, now, tz)
    if problems.errors or stage is None or created is None:
        return problems.errors
    try:
        history = imported_history(created, steps, stage, closed, now)
    except ImportedHistoryError as err:
        return [RowError(number, err.message("zh"), err.message("en"))]
    return DealRow(number, ref, name, ImportRow(number, customer, industry=values.get("industry", ""),
                                                region=values.get("region", "")),
                   owner, values.get("source", ""), amount, stage, created, closed, lost[0] if lost else None,
                   lost[1] if lost else "", tuple(history), activities)


def _amount(values: Mapping[str, str], problems: _Problems) -> Money | None:
    text, currency = values.get("amount", ""), values.get("currency", "").upper()
    if currency and not _CURRENCY.match(currency):
        problems.add(f"币种「{currency}」应为三个字母（如 CNY、USD）",
                     f"the currency '{currency}' should be three letters (e.g. CNY, USD)")
    if not text:
        return None
    money = amounts.to_money(text)
    if money is None:
        problems.add(f"金额「{text}」看不懂或不大于 0（如 60万、600000、1.2亿）",
                     f"cannot read the amount '{text}' or it is not above 0 (e.g. 60万, 600000, 1.2亿)")
        return None
    return Money(money.amount, currency) if currency and _CURRENCY.match(currency) else money


def _stage_and_dates(values: Mapping[str, str], problems: _Problems,
                     tz: tzinfo) -> tuple[Stage | None, datetime | None, datetime | None]:
    text, created_text, closed_text = values.get("stage", ""), values.get("created", ""), values.get("closed", "")
    stage = parse_stage(text) if text else None
    if not text:
        problems.add("缺少阶段", "the stage is missing")
    elif stage is None:
        problems.add(f"不认识的阶段「{text}」（可用：{_STAGE_NAMES[0]}）",
                     f"unknown stage '{text}' (use {_STAGE_NAMES[1]})")
    created = problems.day(created_text, "创建日期", "created date", tz) if created_text else None
    if not created_text:
        problems.add("缺少创建日期", "the created date is missing")
    closed = problems.day(closed_text, "关闭日期", "closed date", tz) if closed_text else None
    if stage is not None and stage.is_closed and not closed_text:
        problems.add(f"{stage.label('zh')}的商机需要关闭日期",
                     f"a {stage.label('en').lower()} deal needs a closed date")
    if stage is not None and not stage.is_closed and closed_text:
        problems.add(f"未关闭的商机（{stage.label('zh')}）不能有关闭日期",
                     f"an open deal ({stage.label('en').lower()}) cannot have a closed date")
    return stage, created, closed


def _lost_reason(values: Mapping[str, str], stage: Stage | None,
                 problems: _Problems) -> tuple[LostReason, str] | None:
    text = values.get("lost_reason", "")
    if stage is Stage.LOST:
        return parse_lost_reason(text) if text else (LostReason.OTHER, "")
    if text and stage is not None:
        problems.add("只有输单的商机才有输单原因", "only a lost deal has a lost reason")
    return None


def _steps(text: str, problems: _Problems, tz: tzinfo) -> list[tuple[Stage, datetime]]:
    """'方案提案@2026-01-05; 谈判@2026-02-01' → the dated stages."""
    steps = []
    for item in split_items(text):
        name, at, when = item.replace("＠", "@").partition("@")
        stage = parse_stage(name)
        if not at or stage is None:
            problems.add(f"阶段历史「{item}」应写成 阶段@日期（如 方案提案@2026-01-05）",
                         f"stage history entry '{item}' should read stage@date (e.g. proposal@2026-01-05)")
            continue
        if (moment := problems.day(when, "阶段历史日期", "stage history date", tz)) is not None:
            steps.append((stage, moment))
    return steps


def _activities(text: str, problems: _Problems, now: datetime, tz: tzinfo) -> tuple[datetime, ...]:
    found = []
    for item in split_items(text):
        moment = problems.day(item, "跟进日期", "follow-up date", tz)
        if moment is not None and moment > now:
            err = HistoryInFuture(what="跟进日期", what_en="the follow-up date", day=day(moment))
            problems.add(err.message("zh"), err.message("en"))
        elif moment is not None:
            found.append(moment)
    return tuple(sorted(found))
