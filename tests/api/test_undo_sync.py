"""An undo is a change an integrator must be able to see: a deal `撤销` put back answers `updated_at` = the
time of the undo, and `GET /opportunities?updated_since=` lists it (else a system that read the change it took
back would never learn of the undo) — on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import NOW, Api


async def test_a_deal_put_back_by_undo_is_changed_at_the_undo(api: Api) -> None:
    ids = await api.two_teams()
    deal = ids["ERP升级"]
    secret = await api.token("ERP 只读")
    api.console.clock.now = NOW + timedelta(hours=1)
    await api.console.say(f"阶段 #{deal} 方案", as_user="zhangwei")
    moved = (await api.call("GET", f"/opportunities/{deal}", secret))[1]
    assert (moved["stage"], moved["updated_at"]) == ("proposal", (NOW + timedelta(hours=1)).isoformat())
    api.console.clock.now = NOW + timedelta(hours=2)
    assert "已撤销" in await api.console.say("撤销", as_user="zhangwei")
    status, back, _ = await api.call("GET", f"/opportunities/{deal}", secret)
    assert status == 200 and (back["stage"], back["updated_at"]) == (
        "initial_contact", (NOW + timedelta(hours=2)).isoformat()), back
    since = (NOW + timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    listed = (await api.call("GET", f"/opportunities?updated_since={since}", secret))[1]["data"]
    assert [d["id"] for d in listed] == [deal]
    async with api.console.app.uow_factory() as uow:
        stored = await uow.opportunities.get(deal)
    assert stored.stage.value == "initial_contact" and stored.updated_at == NOW + timedelta(hours=2)


async def test_a_customer_put_back_by_undo_is_changed_at_the_undo(api: Api) -> None:
    """A customer has no column of its own for it: the undo's audit entry (action `undo`, in no batch, so it is
    never undone itself) is what `updated_at` and `updated_since` read."""
    ids = await api.two_teams()
    customer, deal = ids["杭州明途信息技术有限公司"], ids["ERP升级"]
    secret = await api.token("ERP 只读")
    for stage in ("方案", "谈判"):
        await api.console.say(f"阶段 #{deal} {stage}", as_user="zhangwei")
    before = (await api.call("GET", f"/customers/{customer}", secret))[1]
    api.console.clock.now = NOW + timedelta(hours=1)
    await api.console.say(f"赢单 #{deal}", as_user="zhangwei")  # the prospect becomes a customer
    won = (await api.call("GET", f"/customers/{customer}", secret))[1]
    assert (won["lifecycle"], won["updated_at"]) == ("customer", (NOW + timedelta(hours=1)).isoformat())
    api.console.clock.now = NOW + timedelta(hours=2)
    assert "已撤销" in await api.console.say("撤销", as_user="zhangwei")
    back = (await api.call("GET", f"/customers/{customer}", secret))[1]
    assert (back["lifecycle"], back["updated_at"]) == (before["lifecycle"], (NOW + timedelta(hours=2)).isoformat())
    since = (NOW + timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    listed = (await api.call("GET", f"/customers?updated_since={since}", secret))[1]["data"]
    assert [c["id"] for c in listed] == [customer]
    async with api.console.app.uow_factory() as uow:
        entries = await uow.audit.for_entity("customer", customer)
    assert (entries[-1].action, entries[-1].batch, entries[-1].actor_id) == ("undo", "", ids["张伟"])
    assert "已撤销" in await api.console.say("撤销", as_user="zhangwei")  # not the undo again: 谈判 is undone
    async with api.console.app.uow_factory() as uow:
        assert (await uow.opportunities.get(deal)).stage.value == "proposal"
