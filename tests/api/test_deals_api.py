"""/api/v1/opportunities and /api/v1/leads: created, changed and moved through the stage machine by the
chat's use cases; what is stored (rows, stage history, audit) and what is answered; refusals as problems."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from domain.customer import Lifecycle
from domain.lead import LeadStatus
from domain.opportunity import LostReason, Stage
from storage.models import OutboxRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.api.conftest import Api


async def _setup(api: Api) -> dict[str, int]:
    """张伟 (华东一组) has 明途 and deal #1; 陈晨 (华南一组) has 华南科技 and a deal."""
    ids = await api.two_teams()
    return {**ids, "east": ids["杭州明途信息技术有限公司"], "south": ids["深圳华南科技有限公司"],
            "east_deal": ids["ERP升级"], "south_deal": ids["MES"]}


async def test_create_a_deal_for_an_owner_of_the_team(api: Api) -> None:
    ids = await _setup(api)
    secret = await api.token("ERP 读写 团队 华东一组")
    status, body, _ = await api.call("POST", "/opportunities", secret, {
        "customer_id": ids["east"], "name": "MES 二期", "amount": "300000.00", "owner_id": ids["李娜"],
        "expected_close": "2027-03-31T18:00:00+08:00"})
    assert status == 201, body
    [token] = await api.tokens()
    async with api.console.app.uow_factory() as uow:
        stored = await uow.opportunities.get(body["id"])
        audit = await uow.audit.for_entity("opportunity", body["id"])
    assert (stored.name, stored.owner_id, stored.stage) == ("MES 二期", ids["李娜"], Stage.INITIAL_CONTACT)
    assert stored.amount is not None and stored.amount.amount == Decimal("300000.00")
    assert stored.expected_close is not None and stored.expected_close.isoformat() == "2027-03-31T10:00:00+00:00"
    assert [a.action for a in audit] == ["create", "update"] and {a.actor_id for a in audit} == {-(token.id or 0)}
    assert body["amount"] == "300000.00" and body["stage"] == "initial_contact"


async def test_stage_moves_through_the_same_machine_as_chat(api: Api) -> None:
    ids = await _setup(api)
    secret = await api.token("ERP 读写 团队 华东一组")
    deal = ids["east_deal"]
    status, body, _ = await api.call("POST", f"/opportunities/{deal}/stage", secret, {"stage": "won"})
    assert status == 409 and "cannot move from 'Initial contact' to 'Won'" in body["detail"]
    status, body, _ = await api.call("POST", f"/opportunities/{deal}/stage", secret, {"stage": "proposal"})
    assert status == 200 and body["stage"] == "proposal"
    status, body, _ = await api.call("POST", f"/opportunities/{deal}/stage", secret, {"stage": "proposal"})
    assert status == 409 and "already" in body["detail"]
    status, body, _ = await api.call("POST", f"/opportunities/{deal}/stage", secret, {"stage": "lost"})
    assert status == 422 and "needs a reason" in body["detail"]
    async with api.console.app.uow_factory() as uow:
        stored = await uow.opportunities.get(deal)
    [token] = await api.tokens()
    assert stored.stage is Stage.PROPOSAL and [(h.source, h.target, h.by) for h in stored.history] == [
        (Stage.INITIAL_CONTACT, Stage.PROPOSAL, -(token.id or 0))]


async def test_win_and_lose_record_amount_reason_and_customer(api: Api) -> None:
    ids = await _setup(api)
    secret = await api.token("ERP 读写")
    deal = ids["east_deal"]
    for stage in ("proposal", "negotiation"):
        assert (await api.call("POST", f"/opportunities/{deal}/stage", secret, {"stage": stage}))[0] == 200
    status, body, _ = await api.call("POST", f"/opportunities/{deal}/stage", secret,
                                     {"stage": "won", "amount": "960000"})
    assert status == 200 and body["stage"] == "won" and body["amount"] == "960000.00"
    status, body, _ = await api.call("POST", f"/opportunities/{ids['south_deal']}/stage", secret,
                                     {"stage": "lost", "lost_reason": "price", "lost_note": "cheaper rival"})
    assert status == 200
    async with api.console.app.uow_factory() as uow:
        won, lost = await uow.opportunities.get(deal), await uow.opportunities.get(ids["south_deal"])
        customer = await uow.customers.get(ids["east"])
    assert won.stage is Stage.WON and won.amount is not None and won.amount.amount == Decimal("960000")
    assert customer.lifecycle is Lifecycle.CUSTOMER
    assert (lost.stage, lost.lost_reason, lost.lost_note) == (Stage.LOST, LostReason.PRICE, "cheaper rival")


async def test_read_tokens_and_other_teams_cannot_move_a_deal(api: Api) -> None:
    ids = await _setup(api)
    reader = await api.token("BI 只读")
    east = await api.token("ERP 读写 团队 华东一组")
    status, _, _ = await api.call("POST", f"/opportunities/{ids['east_deal']}/stage", reader, {"stage": "proposal"})
    assert status == 403
    hidden = await api.call("POST", f"/opportunities/{ids['south_deal']}/stage", east, {"stage": "proposal"})
    missing = await api.call("POST", "/opportunities/999999/stage", east, {"stage": "proposal"})
    assert hidden[0] == missing[0] == 404 and hidden[1] == missing[1]
    assert (await api.call("GET", f"/opportunities?customer_id={ids['south']}", east))[1]["data"] == []
    assert (await api.call("GET", f"/opportunities?owner_id={ids['陈晨']}", east))[1]["data"] == []
    hidden = await api.call("POST", "/opportunities", east, {"customer_id": ids["south"], "name": "x"})
    missing = await api.call("POST", "/opportunities", east, {"customer_id": 999999, "name": "x"})
    assert hidden[0] == 422 and hidden[1] == missing[1]
    async with api.console.app.uow_factory() as uow:
        assert {d.stage for d in await uow.opportunities.list()} == {Stage.INITIAL_CONTACT}
        assert len(await uow.opportunities.list()) == 2


async def test_patch_a_deal_changes_its_fields_and_keeps_the_before_image(api: Api) -> None:
    ids = await _setup(api)
    secret = await api.token("ERP 读写")
    status, body, _ = await api.call("PATCH", f"/opportunities/{ids['east_deal']}", secret,
                                     {"amount": "880000.50", "next_step": "demo"})
    assert status == 200 and body["amount"] == "880000.50"
    async with api.console.app.uow_factory() as uow:
        stored = await uow.opportunities.get(ids["east_deal"])
        audit = await uow.audit.for_entity("opportunity", ids["east_deal"])
    assert stored.amount is not None and stored.amount.amount == Decimal("880000.50") and stored.next_step == "demo"
    assert audit[-1].action == "update" and audit[-1].changes["before"]["amount"] is not None


async def test_leads_land_in_the_team_of_a_team_token_and_are_hidden_from_others(api: Api) -> None:
    ids = await _setup(api)
    east = await api.token("ERP 读写 团队 华东一组")
    south = await api.token("BI 只读 团队 华南一组")
    status, body, _ = await api.call("POST", "/leads", east, {
        "customer_id": ids["east"], "title": "仓储扩容", "budget": "600000", "contact_name": "何总"})
    assert status == 201, body
    async with api.console.app.uow_factory() as uow:
        lead = await uow.leads.get(body["id"])
        teams = {t.name: t.id for t in await uow.teams.list()}
        contacts = await uow.contacts.for_customer(ids["east"])
    assert (lead.team_id, lead.owner_id, lead.status, lead.source) == (teams["华东一组"], None, LeadStatus.NEW, "api")
    assert lead.budget is not None and lead.budget.amount == Decimal("600000")
    assert [c.id for c in contacts] == [lead.contact_id] and body["contact_id"] == lead.contact_id
    assert (await api.call("GET", f"/leads/{lead.id}", south))[1] == (await api.call("GET", "/leads/99999", south))[1]
    assert (await api.call("GET", "/leads", south))[1]["data"] == []
    listed = (await api.call("GET", "/leads?status=new", east))[1]["data"]
    assert [item["id"] for item in listed] == [lead.id]
    status, body, _ = await api.call("PATCH", f"/leads/{lead.id}", east, {"title": "仓储扩容二期"})
    async with api.console.app.uow_factory() as uow:
        assert (await uow.leads.get(lead.id or 0)).title == "仓储扩容二期" and status == 200


async def test_a_lead_given_to_a_rep_tells_them_through_the_outbox(api: Api) -> None:
    ids = await _setup(api)
    secret = await api.token("ERP 读写")
    status, body, _ = await api.call("POST", "/leads", secret, {"customer_id": ids["east"], "owner_id": ids["张伟"]})
    assert status == 201 and body["owner_id"] == ids["张伟"] and body["status"] == "assigned"
    async with api.console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        sent = list(await uow.session.scalars(select(OutboxRow.text).where(OutboxRow.recipient == "zhangwei")))
    assert any(f"新线索 L{body['id']} 分配给你" in text for text in sent), sent
