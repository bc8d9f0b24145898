"""The risk rules: facts of one subject on one day -> the warnings it raises (domain.risks). Pure.

Each rule returns None when its subject is fine. The `state` of a warning is what the rule looked at,
so a changed subject that still breaks the rule raises a new warning, and an unchanged one does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal

from domain.billing import InvoiceStatus
from domain.delivery_risks import milestone_slipping, task_overdue
from domain.lead import LeadStatus
from domain.money import Money
from domain.opportunity import Stage
from domain.payments import due_within, overdue, remaining
from domain.receivables import days_overdue
from domain.risks import (
    DealFacts,
    DealRef,
    Facts,
    InvoiceFacts,
    LeadFacts,
    MilestoneFacts,
    ProjectMilestoneFacts,
    RiskDay,
    RiskRule,
    RiskSettings,
    TaskFacts,
    Warning,
    Words,
)

Pair = tuple[str, str]
OPEN_LEADS = (LeadStatus.NEW, LeadStatus.ASSIGNED)


def stamp(moment: datetime) -> str:
    """A moment in a state fingerprint: UTC to the second, the same whichever engine stored it."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")[:19] + "Z"  # ~1.7× as fast as strftime


def _money(value: Money) -> Pair:
    return value.format("zh"), value.format("en")


def _deal_warning(rule: RiskRule, deal: DealRef, state: str, words: Callable[[], Words], weight: int,
                  kind: str = "deal", subject_id: int | None = None) -> Warning:
    return Warning(rule, kind, deal.id if subject_id is None else subject_id, state, deal.owner_id, deal.team_id,
                   f"#{deal.id}", deal.name, words, weight)


def _words(why: Pair, todo: Pair, action: Pair) -> Words:
    return Words(why[0], why[1], todo[0], todo[1], action[0], action[1])


def _look(ref: int) -> Pair:
    return f"查看 #{ref}", f"deal #{ref}"


def stage_stalled(f: DealFacts, day: RiskDay, s: RiskSettings) -> Warning | None:
    stage, since = f.deal.stage, f.entered_at or f.created_at
    limit = s.stage_days.get(stage)
    if stage.is_closed or limit is None or since is None or (days := day.days_since(since)) <= limit:
        return None

    def words() -> Words:
        return _words((f"在「{stage.label('zh')}」阶段已停留 {days} 天（超过 {limit} 天）",
                       f"in {stage.label('en')} for {days} days (more than {limit})"),
                      ("约客户推进到下一阶段，或记录跟进说明卡在哪里。",
                       "Move it on with the customer, or log a follow-up saying what holds it."), _look(f.deal.id))
    return _deal_warning(RiskRule.STAGE_STALLED, f.deal, f"{stage.value}|{stamp(since)}", words, days)


def close_date_passed(f: DealFacts, day: RiskDay, s: RiskSettings) -> Warning | None:
    close = f.expected_close
    if f.deal.stage.is_closed or close is None or (days := day.days_since(close)) <= 0:
        return None

    def words() -> Words:
        shown = close.astimezone(day.zone).date().isoformat()
        return _words((f"预计成交日 {shown} 已过 {days} 天", f"the expected close date {shown} passed {days} days ago"),
                      ("与客户确认新的成交时间，或推进 / 关闭商机。",
                       "Agree a new close date with the customer, or move or close the deal."), _look(f.deal.id))
    return _deal_warning(RiskRule.CLOSE_DATE_PASSED, f.deal, stamp(close), words, days)


def next_step_overdue(f: DealFacts, day: RiskDay, s: RiskSettings) -> Warning | None:
    due = f.next_at
    if f.deal.stage.is_closed or due is None or (days := day.days_since(due)) <= 0:
        return None

    def words() -> Words:
        shown, step = due.astimezone(day.zone).date().isoformat(), f.next_step.strip()
        return _words((f"下一步{f'「{step}」' if step else ''}已逾期 {days} 天（{shown}）",
                       f"the next step{f' ({step})' if step else ''} is {days} days overdue ({shown})"),
                      (f"做完后记录跟进并约好下一步：跟进 #{f.deal.id} 内容 下次 日期",
                       f"Once done, log it with the next step: follow #{f.deal.id} note next date"), _look(f.deal.id))
    return _deal_warning(RiskRule.NEXT_STEP_OVERDUE, f.deal, stamp(due), words, days)


def quote_dropped(f: DealFacts, day: RiskDay, s: RiskSettings) -> Warning | None:
    if f.deal.stage.is_closed or len(f.quotes) < 2:
        return None
    before, latest = f.quotes[-2], f.quotes[-1]
    if before.currency != latest.currency or latest.amount >= before.amount or before.amount <= 0:
        return None
    cut = int(((before.amount - latest.amount) * 100 / before.amount).to_integral_value())
    v = f.quote_version

    def words() -> Words:
        return _words((f"报价从 v{v - 1} {before.format('zh')} 降到 v{v} {latest.format('zh')}（降 {cut}%）",
                       f"the quote fell from v{v - 1} {before.format('en')} to v{v} {latest.format('en')} (-{cut}%)"),
                      ("确认降价是否必要、是否已审批，守住价格底线。",
                       "Check the discount is needed and approved; hold the floor price."),
                      (f"报价历史 #{f.deal.id}", f"quotes #{f.deal.id}"))
    return _deal_warning(RiskRule.QUOTE_DROPPED, f.deal, f"v{v}|{latest.amount}", words, cut)


def won_no_contract(f: DealFacts, day: RiskDay, s: RiskSettings) -> Warning | None:
    closed = f.closed_at
    if f.deal.stage is not Stage.WON or f.has_contract or closed is None:
        return None
    if (days := day.days_since(closed)) < s.contract_days:
        return None

    def words() -> Words:
        return _words((f"赢单已 {days} 天，还没有登记合同", f"won {days} days ago and no contract recorded yet"),
                      (f"尽快签约并登记：合同 #{f.deal.id} 金额",
                       f"Get it signed and record it: contract #{f.deal.id} amount"), _look(f.deal.id))
    return _deal_warning(RiskRule.WON_NO_CONTRACT, f.deal, stamp(closed), words, days)


def _milestone_todo(f: MilestoneFacts) -> Pair:
    return (f"联系客户付款；到账后登记：回款 #{f.deal.id} 金额",
            f"Ask the customer to pay; once it arrives: payment #{f.deal.id} amount")


def _milestone_state(f: MilestoneFacts) -> str:
    return f"{f.milestone.due_on.isoformat()}|{remaining(f.milestone).amount}"


def payment_due_soon(f: MilestoneFacts, day: RiskDay, s: RiskSettings) -> Warning | None:
    m = f.milestone
    if f.deal.stage is Stage.LOST or not due_within([m], day.today, s.payment_soon_days):
        return None
    days = (m.due_on - day.today).days

    def words() -> Words:
        left = _money(remaining(m))
        return _words((f"第 {m.seq} 笔回款 {left[0]} 将于 {m.due_on.isoformat()} 到期（{days} 天后）",
                       f"payment {m.seq} of {left[1]} is due on {m.due_on.isoformat()} (in {days} days)"),
                      _milestone_todo(f), (f"回款明细 #{f.deal.id}", f"payments #{f.deal.id}"))
    return _deal_warning(RiskRule.PAYMENT_DUE_SOON, f.deal, _milestone_state(f), words, -days, "milestone", m.id)


def payment_overdue(f: MilestoneFacts, day: RiskDay, s: RiskSettings) -> Warning | None:
    m = f.milestone
    if f.deal.stage is Stage.LOST or not overdue([m], day.today):
        return None
    days = days_overdue(m, day.today)

    def words() -> Words:
        left = _money(remaining(m))
        return _words((f"第 {m.seq} 笔回款 {left[0]} 已逾期 {days} 天（应于 {m.due_on.isoformat()}）",
                       f"payment {m.seq} of {left[1]} is {days} days overdue (due {m.due_on.isoformat()})"),
                      _milestone_todo(f), (f"回款明细 #{f.deal.id}", f"payments #{f.deal.id}"))
    return _deal_warning(RiskRule.PAYMENT_OVERDUE, f.deal, _milestone_state(f), words, days, "milestone", m.id)


def invoice_unpaid(f: InvoiceFacts, day: RiskDay, s: RiskSettings) -> Warning | None:
    if f.status is not InvoiceStatus.ISSUED or f.issued_on is None or f.deal.stage is Stage.LOST:
        return None
    days, issued = (day.today - f.issued_on).days, f.issued_on.isoformat()
    if days <= s.invoice_terms_days or f.received.currency != f.amount.currency:
        return None
    owed = min(f.amount.amount, f.invoiced_through.amount - f.received.amount)
    if owed <= Decimal(0):
        return None

    def words() -> Words:
        unpaid, total, terms = _money(Money(owed, f.amount.currency)), _money(f.amount), s.invoice_terms_days
        return _words((f"发票 F{f.id}（{total[0]}，{issued} 开出）已 {days} 天，还有 {unpaid[0]} 未回款"
                       f"（账期 {terms} 天）",
                       f"invoice F{f.id} ({total[1]}, issued {issued}) is {days} days old with {unpaid[1]} "
                       f"unpaid (terms {terms} days)"),
                      (f"联系客户财务催款；到账后登记：回款 #{f.deal.id} 金额",
                       f"Chase the customer's accounts team; once paid: payment #{f.deal.id} amount"),
                      (f"发票列表 #{f.deal.id}", f"invoices #{f.deal.id}"))
    return _deal_warning(RiskRule.INVOICE_UNPAID, f.deal, f"{issued}|{owed}", words, days, "invoice", f.id)


def lead_no_followup(f: LeadFacts, day: RiskDay, s: RiskSettings) -> Warning | None:
    touched = max((t for t in (f.last_followup, f.created_at) if t is not None), default=None)
    if f.status not in OPEN_LEADS or touched is None or (days := day.days_since(touched)) < s.lead_days:
        return None
    last = f.last_followup

    def words() -> Words:
        if last is None:
            why = (f"创建 {days} 天了还没有跟进", f"created {days} days ago and not followed up yet")
        else:
            shown = last.astimezone(day.zone).date().isoformat()
            why = (f"已 {days} 天没有跟进（上次 {shown}）", f"not followed up for {days} days (last on {shown})")
        return _words(why, (f"联系客户并记录跟进，或转为商机：线索 转商机 L{f.id}",
                            f"Contact the customer and log it, or convert it: lead convert L{f.id}"), ("线索", "leads"))
    return Warning(RiskRule.LEAD_NO_FOLLOWUP, "lead", f.id, stamp(touched), f.owner_id, f.team_id, f"L{f.id}",
                   f.title, words, days)


DealRule = Callable[[DealFacts, RiskDay, RiskSettings], Warning | None]
OPEN_DEAL_RULES: tuple[DealRule, ...] = (stage_stalled, close_date_passed, next_step_overdue, quote_dropped)
CLOSED_DEAL_RULES: tuple[DealRule, ...] = (won_no_contract,)
MILESTONE_RULES: tuple[Callable[[MilestoneFacts, RiskDay, RiskSettings], Warning | None], ...] = (
    payment_due_soon, payment_overdue)


def evaluate(facts: Facts, day: RiskDay, settings: RiskSettings) -> list[Warning]:
    """Every warning one subject raises today."""
    found: list[Warning | None]
    if isinstance(facts, DealFacts):  # each rule checks the stage too; this only skips the calls
        rules = CLOSED_DEAL_RULES if facts.deal.stage.is_closed else OPEN_DEAL_RULES
        found = [rule(facts, day, settings) for rule in rules]
    elif isinstance(facts, MilestoneFacts):
        found = [rule(facts, day, settings) for rule in MILESTONE_RULES]
    elif isinstance(facts, InvoiceFacts):
        found = [invoice_unpaid(facts, day, settings)]
    elif isinstance(facts, TaskFacts):
        found = [task_overdue(facts, day, settings)]
    elif isinstance(facts, ProjectMilestoneFacts):
        found = [milestone_slipping(facts, day, settings)]
    else:
        found = [lead_no_followup(facts, day, settings)]
    return [w for w in found if w is not None]


def evaluate_all(facts: Iterable[Facts], day: RiskDay, settings: RiskSettings) -> list[Warning]:
    """The warnings of many subjects, each (rule, subject, state) once."""
    seen: dict[tuple[str, str, int, str], Warning] = {}
    for item in facts:
        for warning in evaluate(item, day, settings):
            seen.setdefault(warning.key, warning)
    return list(seen.values())

