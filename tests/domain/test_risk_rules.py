"""The risk rules on their own: when each fires, the state it fingerprints, what it says (zh and en)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.billing import InvoiceStatus, PaymentMilestone
from domain.lead import LeadStatus
from domain.money import USD, Money
from domain.opportunity import Stage
from domain.risk_rules import (
    close_date_passed,
    evaluate,
    invoice_unpaid,
    lead_no_followup,
    next_step_overdue,
    payment_due_soon,
    payment_overdue,
    quote_dropped,
    stage_stalled,
    won_no_contract,
)
from domain.risks import (
    DealFacts,
    DealRef,
    InvoiceFacts,
    LeadFacts,
    MilestoneFacts,
    RiskDay,
    RiskRule,
    RiskSettings,
    importance,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
DAY = RiskDay.of(NOW, "Asia/Shanghai")
S = RiskSettings()


def deal(stage: Stage = Stage.NEGOTIATION, **fields: object) -> DealFacts:
    return DealFacts(DealRef(12, "MES", 2, 1, stage), **fields)  # type: ignore[arg-type]


def money(amount: int, currency: str = "CNY") -> Money:
    return Money(Decimal(amount), currency)


def test_days_count_in_the_company_time_zone() -> None:
    just_after_midnight = datetime(2026, 11, 23, 16, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on the 24th in Shanghai
    assert RiskDay.of(just_after_midnight, "Asia/Shanghai").today == date(2026, 11, 24)
    assert DAY.days_since(datetime(2026, 11, 23, 23, 59, tzinfo=SHANGHAI)) == 1


def test_stalled_is_longer_than_the_stage_threshold_and_fingerprints_stage_and_entry() -> None:
    entered = NOW - timedelta(days=8)
    warning = stage_stalled(deal(entered_at=entered, created_at=NOW - timedelta(days=30)), DAY, S)
    assert warning is not None and warning.rule is RiskRule.STAGE_STALLED
    assert warning.state == "negotiation|2026-11-16T02:00:00Z"
    assert warning.why("zh") == "在「谈判」阶段已停留 8 天（超过 7 天）"
    assert warning.why("en") == "in Negotiation for 8 days (more than 7)"
    assert warning.action("zh") == "查看 #12" and warning.action("en") == "deal #12"
    assert stage_stalled(deal(entered_at=NOW - timedelta(days=7)), DAY, S) is None
    assert stage_stalled(deal(Stage.PROPOSAL, created_at=NOW - timedelta(days=15)), DAY, S) is not None
    assert stage_stalled(deal(Stage.WON, entered_at=NOW - timedelta(days=99)), DAY, S) is None


def test_a_stage_left_out_of_the_settings_never_stalls() -> None:
    only_negotiation = RiskSettings(stage_days={Stage.NEGOTIATION: 7})
    assert stage_stalled(deal(Stage.PROPOSAL, created_at=NOW - timedelta(days=99)), DAY, only_negotiation) is None


def test_close_date_and_next_step_pass_at_local_midnight() -> None:
    yesterday_evening = datetime(2026, 11, 23, 22, 0, tzinfo=SHANGHAI)
    assert close_date_passed(deal(expected_close=NOW - timedelta(hours=2)), DAY, S) is None
    passed = close_date_passed(deal(expected_close=yesterday_evening), DAY, S)
    assert passed is not None and passed.why("zh") == "预计成交日 2026-11-23 已过 1 天"
    overdue = next_step_overdue(deal(next_at=yesterday_evening, next_step="发方案"), DAY, S)
    assert overdue is not None and overdue.why("en") == "the next step (发方案) is 1 days overdue (2026-11-23)"
    assert next_step_overdue(deal(Stage.LOST, next_at=yesterday_evening), DAY, S) is None


def test_a_quote_lower_than_the_version_before_warns_with_the_cut() -> None:
    warning = quote_dropped(deal(quotes=(money(1000000), money(850000)), quote_version=3), DAY, S)
    assert warning is not None and warning.state == "v3|850000"
    assert warning.why("zh") == "报价从 v2 100万 降到 v3 85万（降 15%）"
    assert warning.action("zh") == "报价历史 #12"
    assert quote_dropped(deal(quotes=(money(850000), money(1000000)), quote_version=2), DAY, S) is None
    assert quote_dropped(deal(quotes=(money(1000000), money(90000, USD)), quote_version=2), DAY, S) is None


def test_a_won_deal_needs_a_contract_within_seven_days() -> None:
    won = deal(Stage.WON, closed_at=NOW - timedelta(days=7))
    warning = won_no_contract(won, DAY, S)
    assert warning is not None and warning.todo("zh") == "尽快签约并登记：合同 #12 金额"
    assert won_no_contract(deal(Stage.WON, closed_at=NOW - timedelta(days=6)), DAY, S) is None
    assert won_no_contract(deal(Stage.WON, closed_at=NOW - timedelta(days=9), has_contract=True), DAY, S) is None


def milestone(due: date, paid: int | None = None) -> MilestoneFacts:
    return MilestoneFacts(PaymentMilestone(12, 2, money(300000), due, paid=money(paid) if paid else None, id=7),
                          DealRef(12, "MES", 2, 1, Stage.WON))


def test_a_payment_is_due_soon_within_three_days_then_overdue_with_what_is_left() -> None:
    soon = payment_due_soon(milestone(date(2026, 11, 27)), DAY, S)
    assert soon is not None and soon.subject_kind == "milestone" and soon.subject_id == 7
    assert soon.why("zh") == "第 2 笔回款 30万 将于 2026-11-27 到期（3 天后）"
    assert payment_due_soon(milestone(date(2026, 11, 28)), DAY, S) is None
    late = payment_overdue(milestone(date(2026, 11, 20), paid=100000), DAY, S)
    assert late is not None and late.state == "2026-11-20|200000"
    assert late.why("en") == "payment 2 of ¥200,000 is 4 days overdue (due 2026-11-20)"
    assert payment_overdue(milestone(date(2026, 11, 20), paid=300000), DAY, S) is None


def invoice(issued: date, through: int, received: int, status: InvoiceStatus = InvoiceStatus.ISSUED) -> InvoiceFacts:
    return InvoiceFacts(3, DealRef(12, "MES", 2, 1, Stage.WON), money(300000), status, issued, money(through),
                        money(received))


def test_an_invoice_is_unpaid_past_terms_by_what_payments_have_not_covered() -> None:
    warning = invoice_unpaid(invoice(date(2026, 10, 24), 500000, 300000), DAY, S)
    assert warning is not None and warning.state == "2026-10-24|200000"
    assert warning.why("zh") == "发票 F3（30万，2026-10-24 开出）已 31 天，还有 20万 未回款（账期 30 天）"
    assert invoice_unpaid(invoice(date(2026, 10, 25), 300000, 0), DAY, S) is None  # 30 days: within terms
    assert invoice_unpaid(invoice(date(2026, 10, 1), 300000, 300000), DAY, S) is None
    assert invoice_unpaid(invoice(date(2026, 10, 1), 300000, 0, InvoiceStatus.VOID), DAY, S) is None


def test_a_lead_counts_from_its_last_follow_up_or_its_creation() -> None:
    lead = LeadFacts(3, "明途 二期", 2, 1, LeadStatus.ASSIGNED, NOW - timedelta(days=10), NOW - timedelta(days=3))
    warning = lead_no_followup(lead, DAY, S)
    assert warning is not None and warning.ref == "L3" and warning.action("zh") == "线索"
    assert warning.why("zh") == "已 3 天没有跟进（上次 2026-11-21）"
    assert "线索 转商机 L3" in warning.todo("zh")
    fresh = LeadFacts(4, "新", 2, 1, LeadStatus.NEW, NOW - timedelta(days=2))
    assert lead_no_followup(fresh, DAY, S) is None
    converted = LeadFacts(5, "旧", 2, 1, LeadStatus.CONVERTED, NOW - timedelta(days=20))
    assert lead_no_followup(converted, DAY, S) is None


def test_one_deal_can_break_several_rules_and_money_comes_first() -> None:
    facts = deal(entered_at=NOW - timedelta(days=9), expected_close=NOW - timedelta(days=3),
                 next_at=NOW - timedelta(days=2))
    found = sorted(evaluate(facts, DAY, S), key=importance)
    assert [w.rule for w in found] == [RiskRule.CLOSE_DATE_PASSED, RiskRule.NEXT_STEP_OVERDUE,
                                       RiskRule.STAGE_STALLED]
    head, todo = found[0].lines("zh")
    assert head == "#12 MES：预计成交日 2026-11-21 已过 3 天" and todo.endswith("发送：查看 #12")
