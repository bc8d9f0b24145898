from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from domain.money import Money
from domain.opportunity import (
    InvalidStageTransition,
    LostReason,
    LostReasonRequired,
    Opportunity,
    Stage,
)

NOW = datetime(2024, 5, 6, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def deal(stage: Stage = Stage.INITIAL_CONTACT) -> Opportunity:
    return Opportunity(customer_id=1, name="ERP 升级", owner_id=7, stage=stage, id=12)


def test_walks_forward_one_stage_at_a_time_and_records_history() -> None:
    opp = deal()
    opp.advance_to(Stage.PROPOSAL, by=7, at=NOW)
    change = opp.advance_to(Stage.NEGOTIATION, by=7, at=NOW + timedelta(days=1))
    assert opp.stage is Stage.NEGOTIATION
    assert [(c.source, c.target) for c in opp.history] == [
        (Stage.INITIAL_CONTACT, Stage.PROPOSAL), (Stage.PROPOSAL, Stage.NEGOTIATION)]
    assert change.by == 7 and opp.updated_at == NOW + timedelta(days=1)


def test_cannot_jump_from_initial_contact_to_won() -> None:
    opp = deal()
    with pytest.raises(InvalidStageTransition) as raised:
        opp.win(by=7, at=NOW)
    assert opp.stage is Stage.INITIAL_CONTACT and opp.history == []
    assert "初步接触" in raised.value.message("zh") and "赢单" in raised.value.message("zh")
    assert "Initial contact" in raised.value.message("en")


def test_cannot_skip_proposal() -> None:
    with pytest.raises(InvalidStageTransition):
        deal().advance_to(Stage.NEGOTIATION, by=7, at=NOW)


def test_can_step_back_one_stage() -> None:
    opp = deal(Stage.NEGOTIATION)
    opp.advance_to(Stage.PROPOSAL, by=7, at=NOW)
    assert opp.stage is Stage.PROPOSAL


def test_lost_needs_a_reason() -> None:
    opp = deal(Stage.PROPOSAL)
    with pytest.raises(LostReasonRequired) as raised:
        opp.advance_to(Stage.LOST, by=7, at=NOW)
    assert opp.stage is Stage.PROPOSAL
    assert "#12" in raised.value.message("zh") and "reason" in raised.value.message("en")


def test_losing_records_reason_note_and_closes() -> None:
    opp = deal(Stage.INITIAL_CONTACT)
    opp.next_at, opp.next_step = NOW + timedelta(days=2), "再约一次演示"
    opp.lose(LostReason.PRICE, by=7, at=NOW, note="竞品低价")
    assert (opp.stage, opp.lost_reason, opp.lost_note) == (Stage.LOST, LostReason.PRICE, "竞品低价")
    assert opp.closed_at == NOW and opp.next_at is None and opp.next_step == ""


def test_winning_clears_the_open_deals_next_step() -> None:
    opp = Opportunity(customer_id=1, name="ERP 升级", owner_id=7, stage=Stage.NEGOTIATION, id=12,
                      next_at=NOW + timedelta(days=1), next_step="发合同终稿")
    opp.win(by=7, at=NOW)
    assert (opp.next_at, opp.next_step) == (None, "")


def test_an_open_move_keeps_the_next_step() -> None:
    opp = deal(Stage.PROPOSAL)
    opp.next_at, opp.next_step = NOW + timedelta(days=1), "报价"
    opp.advance_to(Stage.NEGOTIATION, by=7, at=NOW)
    assert (opp.next_at, opp.next_step) == (NOW + timedelta(days=1), "报价")


def test_winning_from_negotiation_sets_final_amount() -> None:
    opp = deal(Stage.NEGOTIATION)
    opp.win(by=7, at=NOW, amount=Money(Decimal("495000")))
    assert opp.stage is Stage.WON and opp.closed_at == NOW
    assert opp.amount == Money(Decimal("495000"))


@pytest.mark.parametrize("closed", [Stage.WON, Stage.LOST])
@pytest.mark.parametrize("target", [Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION, Stage.WON])
def test_closed_deals_cannot_move(closed: Stage, target: Stage) -> None:
    opp = deal(closed)
    with pytest.raises(InvalidStageTransition) as raised:
        opp.advance_to(target, by=7, at=NOW)
    assert opp.stage is closed
    assert "已关闭" in raised.value.message("zh") and "closed" in raised.value.message("en")


def test_closed_deal_cannot_be_lost_again() -> None:
    with pytest.raises(InvalidStageTransition):
        deal(Stage.WON).lose(LostReason.OTHER, by=7, at=NOW)


def test_transition_error_hints_at_the_legal_next_stages() -> None:
    with pytest.raises(InvalidStageTransition) as raised:
        deal(Stage.PROPOSAL).win(by=7, at=NOW)
    assert "初步接触、谈判、输单" in raised.value.message("zh")
    assert "Initial contact, Negotiation, Lost" in raised.value.message("en")


def test_stage_labels_in_both_languages() -> None:
    assert Stage.PROPOSAL.label("zh") == "方案提案"
    assert Stage.PROPOSAL.label("en") == "Proposal"
    assert Stage.WON.is_closed and not Stage.NEGOTIATION.is_closed


def test_a_lost_deal_refuses_money_records_with_a_reason_in_both_languages() -> None:
    from datetime import UTC, datetime

    from domain.opportunity import DealIsLost, LostReason, Opportunity

    opp = Opportunity(customer_id=1, name="MES", id=7)
    opp.require_not_lost("报价", "quote")  # open: fine
    opp.lose(LostReason.PRICE, by=1, at=datetime(2026, 11, 24, tzinfo=UTC))
    with pytest.raises(DealIsLost) as err:
        opp.require_not_lost("回款", "payment")
    assert "#7" in err.value.message("zh") and "回款" in err.value.message("zh")
    assert "payment" in err.value.message("en")
