"""Risk warnings (issue #11): what a rule looked at, the warning it raises, and the thresholds. Pure.

A rule reads the facts of one subject (a deal, a lead, a payment milestone, an invoice) on one day and
raises a `Warning` carrying a `state`: a fingerprint of exactly what the rule looked at (a stage and the
moment it was entered, a due date and what is left to pay, ...). The ledger (risk_alerts) keeps one row per
(rule, subject, state), so a warning is sent once and comes back only when the state changed and the new
state still breaks the rule. The rules themselves are in domain.risk_rules; storage finds the candidates.

Days are counted in the company's time zone (`RiskSettings.timezone`): a deal stalls, a date passes, at
local midnight, so a scan shortly after midnight finds the day's new warnings in one go.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.billing import InvoiceStatus, PaymentMilestone
from domain.lead import LeadStatus
from domain.money import Money
from domain.opportunity import Stage


class RiskRule(StrEnum):
    """In order of importance: a message lists the most important first."""

    PAYMENT_OVERDUE = "payment_overdue"
    INVOICE_UNPAID = "invoice_unpaid"
    PAYMENT_DUE_SOON = "payment_due_soon"
    WON_NO_CONTRACT = "won_no_contract"
    CLOSE_DATE_PASSED = "close_date_passed"
    NEXT_STEP_OVERDUE = "next_step_overdue"
    MILESTONE_SLIPPING = "milestone_slipping"  # a delivery milestone late or planned to be (issue #15)
    TASK_OVERDUE = "task_overdue"  # a delivery task past its due date (issue #15)
    QUOTE_DROPPED = "quote_dropped"
    STAGE_STALLED = "stage_stalled"
    LEAD_NO_FOLLOWUP = "lead_no_followup"

    def label(self, locale: str = "zh") -> str:
        zh, en = RULE_LABELS[self]
        return en if locale == "en" else zh


RULE_LABELS: dict[RiskRule, tuple[str, str]] = {
    RiskRule.PAYMENT_OVERDUE: ("回款逾期", "Payment overdue"),
    RiskRule.INVOICE_UNPAID: ("发票超期未回款", "Invoice unpaid past terms"),
    RiskRule.PAYMENT_DUE_SOON: ("回款即将到期", "Payment due soon"),
    RiskRule.WON_NO_CONTRACT: ("赢单未签合同", "Won, no contract"),
    RiskRule.CLOSE_DATE_PASSED: ("预计成交日已过", "Expected close date passed"),
    RiskRule.NEXT_STEP_OVERDUE: ("下一步逾期", "Next step overdue"),
    RiskRule.MILESTONE_SLIPPING: ("里程碑延期", "Milestone slipping"),
    RiskRule.TASK_OVERDUE: ("任务逾期", "Task overdue"),
    RiskRule.QUOTE_DROPPED: ("报价下降", "Quote dropped"),
    RiskRule.STAGE_STALLED: ("阶段停留过久", "Stuck in stage"),
    RiskRule.LEAD_NO_FOLLOWUP: ("线索未跟进", "Lead not followed up"),
}
RULE_ORDER = {rule: n for n, rule in enumerate(RiskRule)}


def _default_stage_days() -> dict[Stage, int]:
    return {Stage.INITIAL_CONTACT: 21, Stage.PROPOSAL: 14, Stage.NEGOTIATION: 7}


@dataclass(frozen=True, slots=True)
class RiskSettings:
    """[risks] in the config. `stage_days`: a deal in that stage longer than that many days is stalled (a
    stage left out never stalls); `lookback_days`: dates older than this are not scanned any more (they
    were warned about when they passed); `per_message`: warnings shown in one pushed message."""

    lead_days: int = 3
    stage_days: Mapping[Stage, int] = field(default_factory=_default_stage_days)
    payment_soon_days: int = 3
    invoice_terms_days: int = 30
    contract_days: int = 7
    lookback_days: int = 365
    per_message: int = 3
    top_items: int = 3
    timezone: str = "Asia/Shanghai"
    enabled: bool = True
    incremental: bool = True  # between a day's first (full) scan and the next day's, re-check only changes


@dataclass(frozen=True, slots=True)
class RiskDay:
    """The day a scan runs on, in the company's time zone, and the instants rules compare with."""

    now: datetime
    today: date
    zone: ZoneInfo

    @classmethod
    def of(cls, now: datetime, timezone: str) -> RiskDay:
        zone = ZoneInfo(timezone)
        return cls(now, now.astimezone(zone).date(), zone)

    def start_of(self, day: date) -> datetime:
        """Local midnight at the start of `day`, as an aware datetime."""
        return datetime.combine(day, time(0), self.zone)

    def days_since(self, moment: datetime | date) -> int:
        """Whole local days from `moment` to today (0: today)."""
        day = moment.astimezone(self.zone).date() if isinstance(moment, datetime) else moment
        return (self.today - day).days

    def before(self, days: int) -> datetime:
        """Anything before this instant is at least `days` local days old."""
        return self.start_of(self.today - timedelta(days=days - 1))


@dataclass(frozen=True, slots=True)
class DealRef:
    id: int
    name: str
    owner_id: int | None
    team_id: int | None
    stage: Stage = Stage.INITIAL_CONTACT


@dataclass(frozen=True, slots=True)
class DealFacts:
    """One deal as the deal rules see it. `entered_at`: its latest stage change (None: never moved, so
    it has been in its stage since `created_at`); `quotes`: the amounts of its two latest quote versions,
    older first, and `quote_version` the latest version number."""

    deal: DealRef
    created_at: datetime | None = None
    entered_at: datetime | None = None
    expected_close: datetime | None = None
    next_at: datetime | None = None
    next_step: str = ""
    closed_at: datetime | None = None
    has_contract: bool = False
    quotes: tuple[Money, ...] = ()
    quote_version: int = 0


@dataclass(frozen=True, slots=True)
class LeadFacts:
    id: int
    title: str
    owner_id: int | None
    team_id: int | None
    status: LeadStatus
    created_at: datetime | None
    last_followup: datetime | None = None  # the latest follow-up with the lead's customer


@dataclass(frozen=True, slots=True)
class MilestoneFacts:
    milestone: PaymentMilestone
    deal: DealRef


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    """An invoice and what was received on its deal: `invoiced_through` sums the deal's counted invoices
    up to and including this one (oldest first), so money received pays the oldest invoices first."""

    id: int
    deal: DealRef
    amount: Money
    status: InvoiceStatus
    issued_on: date | None
    invoiced_through: Money
    received: Money


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """An open delivery task (issue #15) and its project. `rep_id`: who is told, the assignee (else the
    project's manager, else the deal's owner)."""

    id: int
    title: str
    project_id: int
    project_name: str
    rep_id: int | None
    due_on: date
    progress: int = 0
    blocker: str = ""


@dataclass(frozen=True, slots=True)
class ProjectMilestoneFacts:
    """A delivery milestone not accepted yet (issue #15). `rep_id`: the project's manager, else the deal's
    owner; `team_id`: the deal's team; `last_task_due`: the latest due date of its open tasks."""

    id: int
    name: str
    project_id: int
    project_name: str
    rep_id: int | None
    team_id: int | None
    due_on: date
    last_task_due: date | None = None


Facts = DealFacts | LeadFacts | MilestoneFacts | InvoiceFacts | TaskFacts | ProjectMilestoneFacts


@dataclass(frozen=True, slots=True)
class Words:
    """What a warning says, in both languages: why, what to do, and an action (a command to send as is)."""

    why_zh: str
    why_en: str
    todo_zh: str
    todo_en: str
    action_zh: str
    action_en: str


@dataclass(frozen=True, slots=True)
class Warning:
    """One risk about one subject in one state. `words` writes why, what to do and the action when they are
    shown: a full scan judges every open deal, and only the few warnings a message shows need their text.
    `weight` orders warnings of a rule (days, mostly)."""

    rule: RiskRule
    subject_kind: str  # deal, lead, milestone, invoice
    subject_id: int
    state: str
    rep_id: int | None
    team_id: int | None
    ref: str  # "#12" or "L3": what the reader knows the subject by
    title: str
    words: Callable[[], Words] = field(compare=False, repr=False)
    weight: int = 0

    @property
    def key(self) -> tuple[str, str, int, str]:
        return self.rule.value, self.subject_kind, self.subject_id, self.state

    def why(self, locale: str) -> str:
        words = self.words()
        return words.why_en if locale == "en" else words.why_zh

    def todo(self, locale: str) -> str:
        words = self.words()
        return words.todo_en if locale == "en" else words.todo_zh

    def action(self, locale: str) -> str:
        words = self.words()
        return words.action_en if locale == "en" else words.action_zh

    def lines(self, locale: str) -> tuple[str, str]:
        """"#12 MES: why" and "→ what to do (action)"."""
        w = self.words()
        if locale == "en":
            return f"{self.ref} {self.title}: {w.why_en}", f"→ {w.todo_en} Send: {w.action_en}"
        return f"{self.ref} {self.title}：{w.why_zh}", f"→ {w.todo_zh} 发送：{w.action_zh}"


def importance(warning: Warning) -> tuple[int, int, int]:
    """Sort key: most important rule first, then the oldest / largest (weight), then the subject."""
    return RULE_ORDER[warning.rule], -warning.weight, warning.subject_id
