"""/api/v1 quotes, contracts, payment milestones and invoices: written by chat's use cases (quote versions,
contract approvals, `回款` applied to the plan, the invoice cap), stored rows and audit entries read back;
team tokens never see another team's records; read-only tokens, bad bodies and replays refused or replayed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.billing import InvoiceStatus, MilestoneStatus
from tests.api.conftest import Api


async def _setup(api: Api) -> dict[str, int]:
    """张伟 (华东一组) has deal ERP升级 (80万) with a 30/70 payment plan; 陈晨 (华南一组) has deal MES."""
    ids = await api.two_teams()
    await api.console.say(f"回款计划 #{ids['ERP升级']} 30% 2026-12-15 70% 2027-03-01", as_user="zhangwei")
    await api.console.say(f"回款计划 #{ids['MES']} 100% 2027-01-15", as_user="chen")
    return {"east": ids["ERP升级"], "south": ids["MES"], "east_customer": ids["杭州明途信息技术有限公司"]}


async def _token_id(api: Api) -> int:
    return -((await api.tokens())[-1].id or 0)


async def test_quotes_are_new_versions_that_never_overwrite(api: Api) -> None:
    ids = await _setup(api)
    secret = await api.token("ERP 读写 团队 华东一组")
    first = await api.call("POST", "/quotes", secret, {"opportunity_id": ids["east"], "amount": "800000",
                                                       "list_price": "900000", "note": "含三年运维"})
    second = await api.call("POST", "/quotes", secret, {"opportunity_id": ids["east"], "amount": "760000.50"})
    assert (first[0], second[0]) == (201, 201), (first[1], second[1])
    actor = await _token_id(api)
    async with api.console.app.uow_factory() as uow:
        stored = list(await uow.quotes.for_opportunity(ids["east"]))
        audit = await uow.audit.for_entity("quote", second[1]["id"])
        deal = await uow.opportunities.get(ids["east"])
    assert [(q.version, q.amount.amount, q.note) for q in stored] == [
        (1, Decimal("800000"), "含三年运维"), (2, Decimal("760000.50"), "")]
    assert stored[1].list_price is not None and stored[1].list_price.amount == Decimal("900000")
    assert [(a.action, a.actor_id) for a in audit] == [("create", actor)]
    assert deal.amount is not None and deal.amount.amount == Decimal("760000.50")
    assert second[1]["version"] == 2 and second[1]["list_price"] == "900000.00"
    listed = (await api.call("GET", f"/quotes?opportunity_id={ids['east']}&limit=1", secret))[1]
    rest = (await api.call("GET", f"/quotes?opportunity_id={ids['east']}&cursor={listed['next_cursor']}", secret))[1]
    assert [q["version"] for q in listed["data"] + rest["data"]] == [1, 2] and rest["next_cursor"] is None


async def test_contract_and_invoices_through_the_chat_rules(api: Api) -> None:
    ids = await _setup(api)
    secret = await api.token("财务 读写")
    status, contract, _ = await api.call("POST", "/contracts", secret, {
        "opportunity_id": ids["east"], "amount": "600000", "number": "HT-2026-001", "signed_on": "2026-12-01"})
    assert status == 201, contract
    status, invoice, _ = await api.call("POST", "/invoices", secret, {
        "opportunity_id": ids["east"], "amount": "200000", "number": "12345678"})
    assert status == 201, invoice
    over = await api.call("POST", "/invoices", secret, {"opportunity_id": ids["east"], "amount": "500000"})
    assert over[0] == 422 and "more than the contract amount" in over[1]["detail"]
    async with api.console.app.uow_factory() as uow:
        contracts = list(await uow.contracts.for_opportunity(ids["east"]))
        invoices = list(await uow.invoices.for_opportunity(ids["east"]))
        audit = await uow.audit.for_entity("contract", contract["id"])
    assert [(c.number, c.amount.amount, c.signed_on) for c in contracts] == [
        ("HT-2026-001", Decimal("600000"), date(2026, 12, 1))]
    assert [(i.amount.amount, i.status, i.number) for i in invoices] == [
        (Decimal("200000"), InvoiceStatus.ISSUED, "12345678")]
    assert [a.actor_id for a in audit] == [await _token_id(api)]
    listed = (await api.call("GET", f"/invoices?customer_id={ids['east_customer']}&status=issued", secret))[1]
    assert [i["id"] for i in listed["data"]] == [invoice["id"]]


async def test_money_received_against_a_milestone_is_chat_payment(api: Api) -> None:
    ids = await _setup(api)
    secret = await api.token("财务 读写 团队 华东一组")
    listed = (await api.call("GET", f"/payment_milestones?opportunity_id={ids['east']}", secret))[1]["data"]
    assert [(m["seq"], m["amount"], m["status"]) for m in listed] == [
        (1, "240000.00", "planned"), (2, "560000.00", "planned")]
    first = listed[0]["id"]
    status, body, _ = await api.call("POST", f"/payment_milestones/{first}/received", secret,
                                     {"received_on": "2026-12-05", "note": "电汇"})
    assert status == 200 and body["status"] == "paid", body
    too_much = await api.call("POST", f"/payment_milestones/{first}/received", secret, {"amount": "9000000"})
    assert too_much[0] == 422
    async with api.console.app.uow_factory() as uow:
        paid = list(await uow.payments.for_opportunity(ids["east"]))
        stones = list(await uow.milestones.for_opportunity(ids["east"]))
        audit = await uow.audit.for_entity("payment", paid[0].id or 0)
    assert [(p.amount.amount, p.received_on, p.note) for p in paid] == [
        (Decimal("240000.00"), date(2026, 12, 5), "电汇")]
    assert [s.status for s in stones] == [MilestoneStatus.PAID, MilestoneStatus.PLANNED]
    assert [a.actor_id for a in audit] == [await _token_id(api)]
    await api.console.say(f"回款计划 #{ids['east']} 50% 2027-01-20 50% 2027-04-01", as_user="zhangwei")
    replaced = await api.call("POST", f"/payment_milestones/{listed[1]['id']}/received", secret, {})
    assert replaced[0] == 409 and "replaced plan" in replaced[1]["detail"]
    async with api.console.app.uow_factory() as uow:
        assert [p.amount.amount for p in await uow.payments.for_opportunity(ids["east"])] == [Decimal("240000.00")]
    history = (await api.call("GET", f"/payment_milestones?opportunity_id={ids['east']}&history=true", secret))[1]
    assert len(history["data"]) == 4 and history["data"][1]["replaced_at"] is not None


async def test_team_tokens_never_see_another_teams_money(api: Api) -> None:
    ids = await _setup(api)
    admin = await api.token("全局 读写")
    quote = (await api.call("POST", "/quotes", admin, {"opportunity_id": ids["south"], "amount": "500000"}))[1]
    east = await api.token("ERP 读写 团队 华东一组")
    assert await api.seen("GET", f"/quotes/{quote['id']}", east) == await api.seen("GET", "/quotes/99999", east)
    for path in ("/quotes", "/payment_milestones", "/contracts", "/invoices"):
        hidden = (await api.call("GET", f"{path}?opportunity_id={ids['south']}", east))[1]["data"]
        assert hidden == [], path
    south_stones = (await api.call("GET", f"/payment_milestones?opportunity_id={ids['south']}", admin))[1]["data"]
    hidden_post = await api.call("POST", f"/payment_milestones/{south_stones[0]['id']}/received", east, {})
    missing_post = await api.call("POST", "/payment_milestones/99999/received", east, {})
    assert hidden_post[0] == 404 and hidden_post[1] == missing_post[1]
    for path in ("/quotes", "/contracts", "/invoices"):
        body = {"opportunity_id": ids["south"], "amount": "1000"}
        hidden_deal = await api.call("POST", path, east, body)
        missing_deal = await api.call("POST", path, east, {**body, "opportunity_id": 99999})
        assert hidden_deal[0] == 422 and hidden_deal[1] == missing_deal[1], path
    async with api.console.app.uow_factory() as uow:
        assert len(await uow.quotes.for_opportunity(ids["south"])) == 1
        assert not await uow.contracts.for_opportunity(ids["south"])
        assert not await uow.payments.for_opportunity(ids["south"])


async def test_read_only_bad_bodies_and_replays(api: Api) -> None:
    ids = await _setup(api)
    reader = await api.token("BI 只读")
    writer = await api.token("ERP 读写")
    assert (await api.call("POST", "/quotes", reader, {"opportunity_id": ids["east"], "amount": "1"}))[0] == 403
    status, body, _ = await api.call("POST", "/quotes", writer, {"opportunity_id": ids["east"], "amount": "8万",
                                                                 "version": 3})
    assert status == 422 and {e["field"] for e in body["errors"]} == {"amount", "version"}
    status, body, _ = await api.call("POST", "/contracts", writer, {"opportunity_id": ids["east"],
                                                                    "signed_on": "2026/12/01"})
    assert status == 422 and body["errors"][0]["field"] == "signed_on"
    quote = {"opportunity_id": ids["east"], "amount": "780000"}
    first = await api.call("POST", "/quotes", writer, quote, **{"Idempotency-Key": "q-1"})
    again = await api.call("POST", "/quotes", writer, quote, **{"Idempotency-Key": "q-1"})
    assert first[0] == again[0] == 201 and first[1] == again[1]
    async with api.console.app.uow_factory() as uow:
        assert [q.version for q in await uow.quotes.for_opportunity(ids["east"])] == [1]
        assert not await uow.contracts.for_opportunity(ids["east"])


async def test_void_and_red_reverse_as_chat_does(api: Api) -> None:
    ids = await _setup(api)
    secret = await api.token("财务 读写 团队 华东一组")
    south = await api.token("华南 读写 团队 华南一组")
    first = (await api.call("POST", "/invoices", secret, {"opportunity_id": ids["east"], "amount": "100000"}))[1]
    second = (await api.call("POST", "/invoices", secret, {"opportunity_id": ids["east"], "amount": "50000"}))[1]
    hidden = await api.call("POST", f"/invoices/{first['id']}/void", south)
    assert hidden[:2] == (await api.call("POST", "/invoices/99999/void", south))[:2] and hidden[0] == 404
    status, red, _ = await api.call("POST", f"/invoices/{first['id']}/red_reverse", secret, {"note": "抬头错误"})
    assert status == 201 and red["status"] == "red" and red["reverses_id"] == first["id"], red
    status, voided, _ = await api.call("POST", f"/invoices/{second['id']}/void", secret)
    assert status == 200 and voided["status"] == "void"
    again = await api.call("POST", f"/invoices/{second['id']}/void", secret)
    assert again[0] == 409
    async with api.console.app.uow_factory() as uow:
        stored = {i.id: i for i in await uow.invoices.for_opportunity(ids["east"])}
        audit = await uow.audit.for_entity("invoice", second["id"])
    assert stored[first["id"]].status is InvoiceStatus.REVERSED and stored[second["id"]].status is InvoiceStatus.VOID
    assert stored[red["id"]].amount.amount == Decimal("-100000.00") and stored[red["id"]].note == "抬头错误"
    assert audit[-1].action == "update" and audit[-1].actor_id == -next(
        t.id or 0 for t in await api.tokens() if t.name == "财务")
