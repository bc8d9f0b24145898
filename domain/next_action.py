"""The next best action for a deal, chosen from what it lacks (issue #13): no recent contact, no decision
maker, no proposal or quote, a quote revised again and again, a stage that lasts longer than won deals
took, a close date that slipped, no next step agreed; for a won deal, a payment overdue. In the order a
sales manager would ask about them; each in words, zh and en. Pure; standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.opportunity import Stage
from domain.win_features import DealFacts

STALE_CONTACT_DAYS = 14  # no follow-up for this long: call first


@dataclass(frozen=True, slots=True)
class Action:
    key: str
    zh: str
    en: str

    def text(self, locale: str = "zh") -> str:
        return self.en if locale == "en" else self.zh


@dataclass(frozen=True, slots=True)
class DealGaps:
    """What the deal has, beyond the model's facts."""

    has_contact: bool = False
    has_next_step: bool = False
    close_date_passed: bool = False
    overdue_payments: int = 0


def _long_stay(facts: DealFacts) -> bool:
    usual = facts.won_days_in_stage
    return usual is not None and usual > 0 and facts.days_in_stage > usual


Rule = tuple[Callable[[DealFacts, DealGaps], bool], Action]
RULES: tuple[Rule, ...] = (
    (lambda f, g: f.idle_days is None or f.idle_days >= STALE_CONTACT_DAYS,
     Action("call", "今天给客户打个电话，了解项目的最新进展",
            "Call the customer today to hear where the project stands")),
    (lambda f, g: not g.has_contact,
     Action("decision_maker", "找到客户的决策人，约一次见面", "Find the decision maker and get a meeting")),
    (lambda f, g: f.stage is Stage.INITIAL_CONTACT and f.quote_versions == 0,
     Action("proposal", "整理需求，发送方案和初步报价", "Write up the needs and send a proposal with a first price")),
    (lambda f, g: f.stage is Stage.PROPOSAL and f.quote_versions == 0,
     Action("quote", "发送正式报价", "Send the formal quote")),
    (lambda f, g: f.stage is Stage.NEGOTIATION and f.quote_versions >= 2,
     Action("final_price", "报价已改多版：约决策人当面谈，锁定最终价格",
            "The quote was revised several times: meet the decision maker and settle the final price")),
    (lambda f, g: f.stage is Stage.PROPOSAL and _long_stay(f),
     Action("quote_feedback", "约客户评审方案，问清对报价的意见",
            "Review the proposal with the customer and ask what they think of the price")),
    (lambda f, g: f.stage is Stage.NEGOTIATION and _long_stay(f),
     Action("tender_date", "问清招标/签约的时间和流程（采购、法务）",
            "Ask for the tender or signing date and the steps left (purchasing, legal)")),
    (lambda f, g: f.close_slips > 0 or g.close_date_passed,
     Action("close_date", "和客户确认新的签约时间，更新预计签约日期",
            "Agree a new signing date with the customer and update it")),
    (lambda f, g: not g.has_next_step,
     Action("next_step", "约定下一步和时间，例如：跟进 #{ref} 下周三 演示",
            "Agree the next step and when, e.g. follow #{ref} next Wed demo")),
)
KEEP_GOING = Action("keep_going", "保持每周跟进，推动进入下一阶段",
                    "Keep following up weekly and move it to the next stage")
CHASE_PAYMENT = Action("chase_payment", "催收逾期的回款（发送「回款明细 #{ref}」查看）",
                       "Chase the overdue payment (send \"payments #{ref}\" to see it)")


def next_actions(facts: DealFacts, gaps: DealGaps, ref: int | str, limit: int = 2) -> list[Action]:
    """The first `limit` actions whose gap the deal has (at least one: keep going)."""
    found = [action for applies, action in RULES if applies(facts, gaps)][:limit] or [KEEP_GOING]
    return [Action(a.key, a.zh.replace("{ref}", str(ref)), a.en.replace("{ref}", str(ref))) for a in found]


def won_deal_actions(gaps: DealGaps, ref: int | str) -> list[Action]:
    """A won deal: chase an overdue payment, if any."""
    if gaps.overdue_payments:
        return [Action(CHASE_PAYMENT.key, CHASE_PAYMENT.zh.replace("{ref}", str(ref)),
                       CHASE_PAYMENT.en.replace("{ref}", str(ref)))]
    return []
