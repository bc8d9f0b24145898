"""Opportunities and their stage machine: initial_contact → proposal → negotiation → won | lost."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError
from domain.money import Money


class Stage(StrEnum):
    INITIAL_CONTACT = "initial_contact"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"

    @property
    def is_closed(self) -> bool:
        return self is Stage.WON or self is Stage.LOST

    def label(self, locale: str = "zh") -> str:
        return STAGE_LABELS[self][0 if locale == "zh" else 1]


STAGE_LABELS: dict[Stage, tuple[str, str]] = {
    Stage.INITIAL_CONTACT: ("初步接触", "Initial contact"),
    Stage.PROPOSAL: ("方案提案", "Proposal"),
    Stage.NEGOTIATION: ("谈判", "Negotiation"),
    Stage.WON: ("赢单", "Won"),
    Stage.LOST: ("输单", "Lost"),
}

OPEN_STAGES = (Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION)

# Forward one step, back one step, or lose from any open stage. Won only after negotiation.
LEGAL_TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.INITIAL_CONTACT: frozenset({Stage.PROPOSAL, Stage.LOST}),
    Stage.PROPOSAL: frozenset({Stage.INITIAL_CONTACT, Stage.NEGOTIATION, Stage.LOST}),
    Stage.NEGOTIATION: frozenset({Stage.PROPOSAL, Stage.WON, Stage.LOST}),
    Stage.WON: frozenset(),
    Stage.LOST: frozenset(),
}


class InvalidStageTransition(DomainError):
    zh = "商机 #{ref} 不能从「{source}」直接到「{target}」：{hint}"
    en = "Deal #{ref} cannot move from '{source_en}' to '{target_en}': {hint_en}"


class LostReasonRequired(DomainError):
    zh = "输单需要说明原因，例如：输单 #{ref} 价格 原因:竞品低价"
    en = "A lost deal needs a reason, e.g. lost #{ref} price reason:competitor was cheaper"


class DealIsLost(DomainError):
    zh = "商机 #{ref} 已输单，不能再登记{what}。如果客户回来了，请新建一个商机。"
    en = "Deal #{ref} is lost; no {what_en} can be recorded on it. If the customer came back, open a new deal."


class LostReason(StrEnum):
    PRICE = "price"  # 价格
    COMPETITOR = "competitor"  # 竞品
    BUDGET = "budget"  # 预算取消
    TIMING = "timing"  # 时机
    REQUIREMENTS = "requirements"  # 需求不符
    NO_DECISION = "no_decision"  # 无决策
    OTHER = "other"  # 其他


@dataclass(frozen=True, slots=True)
class StageChange:
    source: Stage
    target: Stage
    at: datetime
    by: int | None


@dataclass(slots=True)
class Opportunity:
    customer_id: int
    name: str
    owner_id: int | None = None
    team_id: int | None = None
    stage: Stage = Stage.INITIAL_CONTACT
    amount: Money | None = None
    contact_id: int | None = None
    lead_id: int | None = None
    expected_close: datetime | None = None
    next_step: str = ""
    next_at: datetime | None = None
    last_contact_at: datetime | None = None
    lost_reason: LostReason | None = None
    lost_note: str = ""
    shared_with: list[int] = field(default_factory=list)
    ref: str = ""  # the deal's id in the system it was imported from (`dealbot import deals`)
    source: str = ""  # where the deal came from: 招投标, 转介绍, 官网…
    history: list[StageChange] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    closed_at: datetime | None = None
    id: int | None = None

    def require_not_lost(self, what: str, what_en: str) -> None:
        """Quotes, contracts, payments and invoices belong to live or won deals only."""
        if self.stage is Stage.LOST:
            raise DealIsLost(ref=self.id, what=what, what_en=what_en)

    def advance_to(self, target: Stage, *, by: int | None, at: datetime) -> StageChange:
        if target is Stage.LOST:
            raise LostReasonRequired(ref=self.id)
        return self._move(target, by=by, at=at)

    def win(self, *, by: int | None, at: datetime, amount: Money | None = None) -> StageChange:
        change = self._move(Stage.WON, by=by, at=at)
        if amount is not None:
            self.amount = amount
        return change

    def lose(self, reason: LostReason, *, by: int | None, at: datetime, note: str = "") -> StageChange:
        change = self._move(Stage.LOST, by=by, at=at)
        self.lost_reason, self.lost_note = reason, note
        return change

    def _move(self, target: Stage, *, by: int | None, at: datetime) -> StageChange:
        if target not in LEGAL_TRANSITIONS[self.stage]:
            raise InvalidStageTransition(
                ref=self.id,
                source=self.stage.label("zh"), source_en=self.stage.label("en"),
                target=target.label("zh"), target_en=target.label("en"),
                **_hint(self.stage, target),
            )
        change = StageChange(self.stage, target, at, by)
        self.stage = target
        self.history.append(change)
        self.updated_at = at
        if target.is_closed:  # the open deal's next step is over: a later follow-up may set a new one
            self.closed_at = at
            self.next_at, self.next_step = None, ""
        return change


def _hint(source: Stage, target: Stage) -> dict[str, str]:
    if source.is_closed:
        return {"hint": "商机已关闭", "hint_en": "the deal is closed"}
    allowed = sorted(LEGAL_TRANSITIONS[source], key=list(Stage).index)
    return {
        "hint": "下一步可以是 " + "、".join(s.label("zh") for s in allowed),
        "hint_en": "next can be " + ", ".join(s.label("en") for s in allowed),
    }


@dataclass(slots=True)
class CloseDateMove:
    """The expected close date moved later (a slip): what the win model counts (issue #13)."""

    opportunity_id: int
    before: datetime
    after: datetime
    at: datetime
    by: int | None = None
    id: int | None = None
