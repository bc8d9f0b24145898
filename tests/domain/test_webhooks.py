"""Webhook rules of the domain (issue #16): event names and their Chinese aliases, URLs, which change raises what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.audit import AuditEntry
from domain.webhook_events import candidates
from domain.webhooks import (
    EVENT_TYPES,
    BadWebhookUrl,
    Subscription,
    UnknownEvent,
    check_url,
    event_body,
    parse_events,
)

AT = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "events"), [
    ("赢单,回款", ["deal.won", "payment.received"]),
    ("赢单，回款、逾期", ["deal.won", "payment.received", "invoice.overdue"]),
    ("deal.won, payment.received", ["deal.won", "payment.received"]), ("Deal.Won 赢单", ["deal.won"]),
    ("全部", []), ("all", []), ("", []),
    ("新客户 线索 项目完成", ["customer.created", "lead.created", "project.completed"])])
def test_event_names_and_aliases(text: str, events: list[str]) -> None:
    assert parse_events(text) == events


def test_an_unknown_event_is_named_with_the_known_ones() -> None:
    with pytest.raises(UnknownEvent) as caught:
        parse_events("赢单,赢钱,deal.wonn")
    assert caught.value.message("zh").startswith("不认识的事件：赢钱、deal.wonn。可用的事件：deal.created（新建商机）")
    assert "Known events: deal.created" in caught.value.message("en")


@pytest.mark.parametrize("url", ["https://erp.example.cn/hook", "http://127.0.0.1:9000/h?x=1", "https://[::1]:8443/"])
def test_good_urls(url: str) -> None:
    assert check_url(url) == url


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://erp.example.cn/hook", "only http or https"), ("erp.example.cn/hook", "only http or https"),
    ("https:///hook", "the host is missing"), ("https://u:p@erp.example.cn/", "no user name or password"),
    ("https://erp.example.cn/a#b", "no spaces or #fragment"), ("https://erp.example.cn:http/", "cannot be parsed"),
    ("https://erp.example.cn/" + "a" * 2000, "longer than 2000")])
def test_bad_urls_say_why(url: str, reason: str) -> None:
    with pytest.raises(BadWebhookUrl) as caught:
        check_url(url)
    assert reason in caught.value.message("en")


def entry(entity: str, action: str, **changes: object) -> AuditEntry:
    return AuditEntry(1, entity, 7, action, AT, dict(changes))


@pytest.mark.parametrize(("audit", "types"), [
    (entry("opportunity", "create"), ["deal.created"]), (entry("customer", "create"), ["customer.created"]),
    (entry("opportunity", "update", stage=["negotiation", "won"]), ["deal.stage_changed", "deal.won"]),
    (entry("opportunity", "update", stage=["proposal", "lost"]), ["deal.stage_changed", "deal.lost"]),
    (entry("opportunity", "update", next_at=["a", "b"]), []), (entry("opportunity", "import"), []),
    (entry("opportunity", "undo", stage=["won", "proposal"]), []), (entry("payment", "create"), ["payment.received"]),
    (entry("project", "update", status=["doing", "done"]), ["project.completed"]),
    (entry("project", "update", status=["todo", "doing"]), []), (entry("followup", "create"), []),
    (entry("invoice", "update", status=["requested", "issued"]), ["invoice.issued"]),
    (entry("invoice", "update", status=["issued", "void"]), [])])
def test_which_audit_entries_raise_which_events(audit: AuditEntry, types: list[str]) -> None:
    assert [c.type for c in candidates(audit)] == types


def test_a_subscription_without_events_takes_all_but_not_when_disabled() -> None:
    everything, won = Subscription("https://a", "s"), Subscription("https://a", "s", ["deal.won"])
    assert everything.wants("lead.created") and won.wants("deal.won") and not won.wants("deal.lost")
    assert not Subscription("https://a", "s", active=False).wants("deal.won")


def test_the_body_has_stable_keys_and_utc_time() -> None:
    body = event_body("evt_1", "deal.won", datetime(2026, 11, 24, 10, 0, tzinfo=UTC), {"name": "明途"})
    assert body == '{"id":"evt_1","type":"deal.won","occurred_at":"2026-11-24T10:00:00Z","data":{"name":"明途"}}'


def test_every_name_the_refusal_offers_is_accepted() -> None:
    """The refusal lists each type with its Chinese label (`deal.stage_changed（商机阶段变化）`): writing the label
    back, as it suggests, subscribes to that type."""
    with pytest.raises(UnknownEvent) as caught:
        parse_events("赢钱")
    offered = caught.value.message("zh").split("可用的事件：", 1)[1]
    for name, (label, _) in EVENT_TYPES.items():
        assert f"{name}（{label}）" in offered
        assert parse_events(label) == [name], label
    assert parse_events("商机阶段变化、发票逾期未回款") == ["deal.stage_changed", "invoice.overdue"]
