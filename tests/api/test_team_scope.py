"""A team token sees exactly what that team's manager would: another team's records answer like records
that do not exist — by id, through filters (owner_id, customer_id, q), in lists and in error messages."""

from __future__ import annotations

from bot.api.auth import principal
from domain.record_scope import record_scope
from tests.api.conftest import Api


async def _world(api: Api) -> dict[str, int]:
    """华东一组's customer (张伟's) and 华南一组's (陈晨's) with a contact; ids by name."""
    await api.console.say("新客户 杭州明途信息技术有限公司", as_user="zhangwei")
    await api.console.say("新客户 深圳华南科技有限公司 标签 重点", as_user="chen")
    admin = await api.token("Admin 读写")
    async with api.console.app.uow_factory() as uow:
        ids = {c.name: c.id or 0 for c in await uow.customers.list()}
        people = {r.name: r.id or 0 for r in await uow.reps.list()}
    _, contact, _ = await api.call("POST", "/contacts", admin, {"customer_id": ids["深圳华南科技有限公司"],
                                                                "name": "何", "title": "总"})
    return {"east": ids["杭州明途信息技术有限公司"], "south": ids["深圳华南科技有限公司"],
            "south_contact": contact["id"], "chen": people["陈晨"]}


async def test_another_teams_records_do_not_exist_for_a_team_token(api: Api) -> None:
    world = await _world(api)
    east = await api.token("华东ERP 读写 团队 华东一组")
    missing = await api.call("GET", "/customers/999999", east)
    hidden = await api.call("GET", f"/customers/{world['south']}", east)
    assert hidden[0] == missing[0] == 404 and hidden[1] == missing[1]
    assert (await api.call("GET", f"/contacts/{world['south_contact']}", east))[1] == \
        (await api.call("GET", "/contacts/999999", east))[1]
    assert (await api.call("PATCH", f"/customers/{world['south']}", east, {"region": "x"}))[1] == \
        (await api.call("PATCH", "/customers/999999", east, {"region": "x"}))[1]


async def test_lists_and_filters_hold_only_the_teams_records(api: Api) -> None:
    world = await _world(api)
    east = await api.token("华东ERP 只读 团队 华东一组")
    listed = (await api.call("GET", "/customers", east))[1]["data"]
    assert [c["id"] for c in listed] == [world["east"]]
    for query in (f"owner_id={world['chen']}", "q=华南", "tag=重点"):
        assert (await api.call("GET", f"/customers?{query}", east))[1]["data"] == [], query
    assert (await api.call("GET", f"/contacts?customer_id={world['south']}", east))[1]["data"] == []
    assert (await api.call("GET", "/contacts", east))[1]["data"] == []
    south = await api.token("华南BI 只读 团队 华南一组")
    assert [c["id"] for c in (await api.call("GET", "/customers", south))[1]["data"]] == [world["south"]]


async def test_writes_do_not_reveal_another_teams_records(api: Api) -> None:
    world = await _world(api)
    east = await api.token("华东ERP 读写 团队 华东一组")
    hidden = await api.call("POST", "/contacts", east, {"customer_id": world["south"], "name": "李"})
    missing = await api.call("POST", "/contacts", east, {"customer_id": 999999, "name": "李"})
    assert hidden[0] == missing[0] == 422 and hidden[1] == missing[1]
    status, problem, _ = await api.call("POST", "/customers", east, {"name": "深圳华南科技有限公司"})
    assert status == 409 and str(world["south"]) not in problem["detail"] and "华南" not in problem["detail"]
    status, problem, _ = await api.call("POST", "/customers", east, {"name": "Initrode Systems Ltd",
                                                                    "owner_id": world["chen"]})
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["owner_id"]
    async with api.console.app.uow_factory() as uow:
        assert len(await uow.contacts.for_customer(world["south"])) == 1 and await uow.customers.count() == 2


async def test_the_sql_filter_admits_what_the_domain_rule_admits(api: Api) -> None:
    await _world(api)
    await api.console.say("新商机 华南科技 MES 50万", as_user="chen")
    await api.console.say("新客户 Initrode Systems Ltd", as_user="admin")
    for team in ("华东一组", "华南一组"):
        secret = await api.token(f"t{team} 只读 团队 {team}")
        [token] = [t for t in await api.tokens() if t.name == f"t{team}"]
        async with api.console.app.uow_factory() as uow:
            scope = record_scope(principal(token), await uow.reps.list(), await uow.teams.list())
            deals = await uow.opportunities.list()
            expected = [c.id for c in await uow.customers.list() if scope.admits_customer(c, deals)]
        listed = [c["id"] for c in (await api.call("GET", "/customers", secret))[1]["data"]]
        assert listed == expected and listed, team
