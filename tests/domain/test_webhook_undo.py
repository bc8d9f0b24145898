"""Which events an undo raises (domain.webhook_events.UndoneChanges) and who gets change.undone."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from domain.audit import AuditEntry
from domain.webhook_events import UNDONE, UndoneChanges, raised, wants
from domain.webhooks import Candidate, Subscription, parse_events

AT = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def entry(entity: str, action: str, entity_id: int = 7, **changes: object) -> AuditEntry:
    return AuditEntry(2, entity, entity_id, action, AT, dict(changes))


def summary(events: list[Candidate]) -> list[tuple[str, str, int, dict[str, object]]]:
    return [(e.type, e.entity, e.entity_id, e.extra) for e in events]


def test_a_won_deal_undone_raises_change_undone_then_the_stage_back() -> None:
    undone = UndoneChanges(by=2)
    undone.note(entry("opportunity", "update", stage=["negotiation", "won"], amount=["80", "96"]))
    assert summary(undone.events(AT)) == [
        ("change.undone", "opportunity", 7, {"entity": "deal", "id": 7, "undone": ["deal.stage_changed", "deal.won"],
                                             "undone_by": 2}),
        ("deal.stage_changed", "opportunity", 7, {"previous_stage": "won"})]


def test_several_changes_of_one_deal_in_one_action_make_one_event_each() -> None:
    undone = UndoneChanges(by=2)  # newest first, as undo reverts them: proposal -> negotiation -> lost
    undone.note(entry("opportunity", "update", stage=["negotiation", "lost"]))
    undone.note(entry("opportunity", "update", stage=["proposal", "negotiation"]))
    [change, back] = undone.events(AT)
    assert change.extra["undone"] == ["deal.stage_changed", "deal.lost"]
    assert back.extra == {"previous_stage": "lost"}  # the stage it had; the record says where it went back to


def test_changes_that_raised_no_event_raise_nothing() -> None:
    undone = UndoneChanges(by=2)
    for audit in (entry("followup", "create"), entry("contact", "create"),
                  entry("opportunity", "update", next_step=["a", "b"]), entry("quote", "update", approval=["a", "b"])):
        undone.note(audit)
    assert undone.events(AT) == []


def test_a_created_record_undone_names_its_public_entity_and_no_stage() -> None:
    undone = UndoneChanges(by=3)
    undone.note(entry("payment", "create", 4))
    undone.note(entry("opportunity", "create", 9))
    assert summary(undone.events(AT)) == [
        ("change.undone", "payment", 4, {"entity": "payment", "id": 4, "undone": ["payment.received"], "undone_by": 3}),
        ("change.undone", "opportunity", 9, {"entity": "deal", "id": 9, "undone": ["deal.created"], "undone_by": 3})]


@pytest.mark.parametrize(("status", "types"), [("issued", ["invoice.issued"]), ("requested", []), ("red", [])])
def test_an_invoice_raised_invoice_issued_only_if_it_was_issued(status: str, types: list[str]) -> None:
    assert raised(entry("invoice", "create"), SimpleNamespace(status=status)) == types
    assert raised(entry("invoice", "update", status=["requested", "issued"])) == ["invoice.issued"]


def test_change_undone_goes_to_whoever_asked_for_it_or_for_what_it_takes_back() -> None:
    event = Candidate(UNDONE, "payment", 4, AT, {"undone": ["payment.received"]})
    assert wants(Subscription("https://a", "s"), event)  # every event
    assert wants(Subscription("https://a", "s", ["change.undone"]), event)
    assert wants(Subscription("https://a", "s", ["payment.received"]), event)  # what it got is taken back
    assert not wants(Subscription("https://a", "s", ["deal.won"]), event)
    assert not wants(Subscription("https://a", "s", ["payment.received"], active=False), event)


@pytest.mark.parametrize("text", ["撤销", "撤回", "change.undone", "Change.Undone"])
def test_undo_is_named_in_chinese_and_english(text: str) -> None:
    assert parse_events(text) == ["change.undone"]
