"""One deal row of `dealbot import deals`: headers in zh or en, values, the rebuilt stage history, and every
reason a row is refused (with its row number, in both languages)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.deal_sheet import LOOKUP, format_lost_reason, parse_day, parse_lost_reason, parse_stage
from bot.importing_deal_rows import DealRow, parse_deal_row
from bot.importing_rows import RowError
from bot.importing_table import to_table
from domain.imported_history import imported_history
from domain.money import Money
from domain.opportunity import LostReason, Stage, StageChange

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=TZ)
IC, P, N, W, L = Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION, Stage.WON, Stage.LOST


def d(text: str) -> datetime:
    found = parse_day(text, TZ)
    assert found is not None
    return found


BASE = {"ref": "CRM-1", "customer": "杭州明途信息技术有限公司", "owner": "王磊", "created": "2026-01-02",
        "stage": "谈判"}


def parse(**cells: str) -> DealRow | list[RowError]:
    return parse_deal_row(7, {**BASE, **cells}, NOW, TZ)


def ok(**cells: str) -> DealRow:
    row = parse(**cells)
    assert isinstance(row, DealRow), row
    return row


def errors(**cells: str) -> list[tuple[int, str, str]]:
    row = parse(**cells)
    assert isinstance(row, list), row
    return [(e.row, e.zh, e.en) for e in row]


@pytest.mark.parametrize("header", [
    ["编号", "客户", "行业", "区域", "负责人", "来源", "金额", "币种", "创建日期", "阶段", "关闭日期", "输单原因",
     "阶段历史", "跟进记录", "商机名称"],
    ["ref", "customer", "industry", "region", "owner", "source", "amount", "currency", "created", "stage", "closed",
     "lost_reason", "stage_history", "activities", "name"],
    ["编号 (ref)", "Customer", "INDUSTRY", "Region", "Owner", "Source", "Amount", "Currency", "Created", "Stage",
     "Closed", "Lost Reason", "Stage History", "Activities", "Name"],
])
def test_headers_are_read_in_zh_or_en(header: list[str]) -> None:
    table = to_table([header], LOOKUP)
    assert set(table.columns) == {"ref", "customer", "industry", "region", "owner", "source", "amount", "currency",
                                  "created", "stage", "closed", "lost_reason", "stage_history", "activities", "name"}
    assert table.ignored == []


def test_a_full_row_is_cleaned_into_the_deal_it_describes() -> None:
    row = ok(name="", industry="制造", region="华东", source="转介绍", amount="60万", stage="赢单",
             closed="2026/2/20", stage_history="方案提案@2026-01-05；谈判@2026年2月1日",
             activities="2026-01-03; 2026-01-10 14:30")
    assert (row.row, row.ref, row.name, row.owner, row.source) == (7, "CRM-1", "", "王磊", "转介绍")
    customer = row.customer
    assert (customer.name, customer.industry, customer.region) == ("杭州明途信息技术有限公司", "制造", "华东")
    assert row.amount == Money(Decimal(600000), "CNY")
    assert (row.stage, row.created, row.closed) == (W, d("2026-01-02"), d("2026-02-20"))
    assert row.history == (StageChange(IC, P, d("2026-01-05"), None), StageChange(P, N, d("2026-02-01"), None),
                           StageChange(N, W, d("2026-02-20"), None))
    assert row.activities == (d("2026-01-03"), datetime(2026, 1, 10, 14, 30, tzinfo=TZ))
    assert row.lost_reason is None


def test_english_values_and_a_currency_column() -> None:
    row = ok(stage="Lost", closed="2026-02-02", lost_reason="competitor: cheaper rival", amount="75k", currency="usd")
    assert row.amount == Money(Decimal(75000), "USD")
    assert (row.stage, row.lost_reason, row.lost_note) == (L, LostReason.COMPETITOR, "cheaper rival")
    assert row.history == (StageChange(IC, L, d("2026-02-02"), None),)


def test_an_unknown_lost_reason_is_other_with_the_text_kept() -> None:
    assert ok(stage="输单", closed="2026-02-02", lost_reason="客户被收购").lost_note == "客户被收购"
    assert ok(stage="输单", closed="2026-02-02", lost_reason="客户被收购").lost_reason is LostReason.OTHER
    assert (ok(stage="输单", closed="2026-02-02").lost_reason, ok(stage="lost", closed="2026-02-02").lost_note) == (
        LostReason.OTHER, "")
    for reason, note in [(LostReason.PRICE, ""), (LostReason.BUDGET, "砍了"), (LostReason.OTHER, "被收购")]:
        assert parse_lost_reason(format_lost_reason(reason, note)) == (reason, note)


def test_an_open_stage_not_in_the_history_is_reached_at_the_last_known_date() -> None:
    assert ok(stage="negotiation").history == (StageChange(IC, N, d("2026-01-02"), None),)
    assert ok(stage="谈判", stage_history="方案提案@2026-01-05").history == (
        StageChange(IC, P, d("2026-01-05"), None), StageChange(P, N, d("2026-01-05"), None))
    assert ok(stage="初步接触").history == ()


def test_a_history_may_skip_stages_and_step_back_once_but_not_jump_back() -> None:
    assert imported_history(d("2026-01-01"), [(N, d("2026-01-02")), (P, d("2026-01-03"))], P, None, NOW) == [
        StageChange(IC, N, d("2026-01-02"), None), StageChange(N, P, d("2026-01-03"), None)]
    assert errors(stage="初步接触", stage_history="谈判@2026-01-05") == [
        (7, "阶段历史不能从「谈判」退回到「初步接触」（只能向前，或退回一步）",
         "the stage history cannot go back from 'Negotiation' to 'Initial contact' (forward only, or one step back)")]


@pytest.mark.parametrize(("cells", "zh", "en"), [
    ({"ref": ""}, "缺少编号", "the ref is missing"),
    ({"customer": ""}, "缺少客户名称", "the customer name is missing"),
    ({"owner": ""}, "缺少负责人", "the owner is missing"),
    ({"stage": ""}, "缺少阶段", "the stage is missing"),
    ({"created": ""}, "缺少创建日期", "the created date is missing"),
    ({"stage": "签完了"}, "不认识的阶段「签完了」（可用：初步接触、方案提案、谈判、赢单、输单）",
     "unknown stage '签完了' (use initial contact, proposal, negotiation, won, lost)"),
    ({"created": "2026-02-30"}, "创建日期「2026-02-30」不是有效日期（如 2026-01-05）",
     "the created date '2026-02-30' is not a date (e.g. 2026-01-05)"),
    ({"amount": "很多"}, "金额「很多」看不懂或不大于 0（如 60万、600000、1.2亿）",
     "cannot read the amount '很多' or it is not above 0 (e.g. 60万, 600000, 1.2亿)"),
    ({"currency": "RMB元"}, "币种「RMB元」应为三个字母（如 CNY、USD）",
     "the currency 'RMB元' should be three letters (e.g. CNY, USD)"),
    ({"closed": "2026-02-01"}, "未关闭的商机（谈判）不能有关闭日期",
     "an open deal (negotiation) cannot have a closed date"),
    ({"stage": "赢单"}, "赢单的商机需要关闭日期", "a won deal needs a closed date"),
    ({"lost_reason": "价格"}, "只有输单的商机才有输单原因", "only a lost deal has a lost reason"),
    ({"stage_history": "方案提案 2026-01-05"},
     "阶段历史「方案提案 2026-01-05」应写成 阶段@日期（如 方案提案@2026-01-05）",
     "stage history entry '方案提案 2026-01-05' should read stage@date (e.g. proposal@2026-01-05)"),
    ({"stage_history": "方案提案@明天"}, "阶段历史日期「明天」不是有效日期（如 2026-01-05）",
     "the stage history date '明天' is not a date (e.g. 2026-01-05)"),
    ({"activities": "2026-01-05; 昨天"}, "跟进日期「昨天」不是有效日期（如 2026-01-05）",
     "the follow-up date '昨天' is not a date (e.g. 2026-01-05)"),
    ({"activities": "2026-03-05"}, "跟进日期 2026-03-05 在未来", "the follow-up date (2026-03-05) is in the future"),
    ({"created": "2026-04-01"}, "创建日期 2026-04-01 在未来", "the created date (2026-04-01) is in the future"),
    ({"stage_history": "方案提案@2026-03-02"}, "阶段「方案提案」的日期 2026-03-02 在未来",
     "the date of stage 'Proposal' (2026-03-02) is in the future"),
    ({"stage_history": "方案提案@2026-01-01"}, "阶段「方案提案」的日期 2026-01-01 早于创建日期 2026-01-02",
     "the date of stage 'Proposal' (2026-01-01) is before the created date 2026-01-02"),
    ({"stage_history": "方案提案@2026-01-09; 谈判@2026-01-05"},
     "阶段「谈判」的日期 2026-01-05 早于前一阶段的日期 2026-01-09",
     "the date of stage 'Negotiation' (2026-01-05) is before the date of the stage before it 2026-01-09"),
    ({"stage": "won", "closed": "2026-01-20", "stage_history": "谈判@2026-01-25"},
     "阶段「谈判」的日期 2026-01-25 晚于关闭日期 2026-01-20",
     "the date of stage 'Negotiation' (2026-01-25) is after the closed date 2026-01-20"),
    ({"stage": "won", "closed": "2026-01-01"}, "阶段「赢单」的日期 2026-01-01 早于创建日期 2026-01-02",
     "the date of stage 'Won' (2026-01-01) is before the created date 2026-01-02"),
    ({"stage": "won", "closed": "2026-02-01", "stage_history": "输单@2026-01-05"},
     "阶段历史中的「输单」只能是最后一项，并与当前阶段和关闭日期一致",
     "'Lost' in the stage history must be its last entry and match the stage and the closed date"),
])
def test_every_bad_value_is_reported_with_the_row_number_in_zh_and_en(cells: dict[str, str], zh: str, en: str) -> None:
    assert errors(**cells) == [(7, zh, en)]


def test_all_problems_of_a_row_are_reported_together() -> None:
    found = errors(ref="", owner="", amount="0", stage="x")
    assert [en for _, _, en in found] == ["the ref is missing", "the owner is missing",
                                          "cannot read the amount '0' or it is not above 0 (e.g. 60万, 600000, 1.2亿)",
                                          "unknown stage 'x' (use initial contact, proposal, negotiation, won, lost)"]


def test_stage_and_date_spellings() -> None:
    spellings = ("方案提案", "Initial contact", "initial_contact", "NEGOTIATION", "赢单", "输单")
    assert [parse_stage(t) for t in spellings] == [P, IC, IC, N, W, L]
    assert parse_day("2026.1.5", TZ) == d("2026-01-05")
    assert parse_day("2026-01-05T09:15:00", TZ) == d("2026-01-05") + timedelta(hours=9, minutes=15)
    assert parse_day("05/01/2026", TZ) is None
