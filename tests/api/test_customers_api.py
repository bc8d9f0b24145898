"""/api/v1/customers and /api/v1/contacts: what a request stores (rows and audit entries read back, the same
as chat's use cases write) and what it answers; cursor pages; filters."""

from __future__ import annotations

from datetime import timedelta

from domain.customer import normalize_name
from tests.api.conftest import NOW, Api


async def _people(api: Api) -> dict[str, int]:
    async with api.console.app.uow_factory() as uow:
        return {r.name: r.id for r in await uow.reps.list() if r.id is not None}


async def test_create_goes_through_the_chat_use_case_and_is_audited(api: Api) -> None:
    secret = await api.token("ERP 读写 团队 华东一组")
    status, body, headers = await api.call("POST", "/customers", secret, {
        "name": "杭州明途信息技术有限公司", "region": "华东", "tags": ["重点"], "phone": "0571-88886666"})
    assert status == 201 and headers["Content-Type"].startswith("application/json")
    people = await _people(api)
    [token] = await api.tokens()
    async with api.console.app.uow_factory() as uow:
        stored = await uow.customers.by_name_key(normalize_name("杭州明途信息技术有限公司"))
        assert stored is not None
        audit = await uow.audit.for_entity("customer", stored.id or 0)
    assert (stored.short_name, stored.region, stored.tags) == ("明途", "华东", ["重点"])
    assert stored.owner_id == people["王经理"]  # a team token's customers go to the team's manager
    assert body["id"] == stored.id and body["short_name"] == "明途" and body["owner_id"] == people["王经理"]
    assert [(a.action, a.actor_id) for a in audit] == [("create", -(token.id or 0))]
    assert (await api.call("GET", f"/customers/{stored.id}", secret))[1] == body


async def test_patch_changes_only_what_was_sent_and_keeps_the_before_image(api: Api) -> None:
    secret = await api.token("ERP 读写")
    _, created, _ = await api.call("POST", "/customers", secret, {"name": "Initrode Systems Ltd", "region": "华东"})
    status, body, _ = await api.call("PATCH", f"/customers/{created['id']}", secret,
                                     {"region": "华南", "tags": ["key", "gov"]})
    assert status == 200 and body["region"] == "华南" and body["tags"] == ["key", "gov"]
    async with api.console.app.uow_factory() as uow:
        stored = await uow.customers.get(created["id"])
        audit = await uow.audit.for_entity("customer", created["id"])
    assert (stored.name, stored.region, stored.tags) == ("Initrode Systems Ltd", "华南", ["key", "gov"])
    assert audit[-1].action == "update" and audit[-1].changes["before"]["region"] == "华东"


async def test_a_taken_name_is_a_conflict_and_nothing_is_added(api: Api) -> None:
    secret = await api.token("ERP 读写")
    await api.call("POST", "/customers", secret, {"name": "杭州明途信息技术有限公司"})
    status, body, _ = await api.call("POST", "/customers", secret, {"name": "杭州明途信息技术 有限公司"})
    assert status == 409 and "already exists" in body["detail"]
    async with api.console.app.uow_factory() as uow:
        assert await uow.customers.count() == 1


async def test_pages_follow_the_cursor_in_id_order_without_gaps(api: Api) -> None:
    secret = await api.token("ERP 读写")
    made = [(await api.call("POST", "/customers", secret, {"name": f"Customer {n} Ltd"}))[1]["id"] for n in range(5)]
    seen, cursor, pages = [], None, 0
    while True:
        _, body, _ = await api.call("GET", "/customers?limit=2" + (f"&cursor={cursor}" if cursor else ""), secret)
        seen += [c["id"] for c in body["data"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(made) and pages == 3


async def test_filters_by_text_tag_owner_and_change_time(api: Api) -> None:
    secret = await api.token("ERP 读写")
    people = await _people(api)
    await api.console.say("新客户 杭州明途信息技术有限公司 标签 重点,央企", as_user="zhangwei")
    await api.console.say("新客户 深圳华南科技有限公司", as_user="chen")
    api.console.clock.now = NOW + timedelta(hours=2)
    await api.call("POST", "/customers", secret, {"name": "Initrode Systems Ltd", "tags": ["央企"]})

    async def names(query: str) -> list[str]:
        status, body, _ = await api.call("GET", f"/customers?{query}", secret)
        assert status == 200, body
        return [c["name"] for c in body["data"]]

    assert await names("q=明途") == ["杭州明途信息技术有限公司"]
    assert await names("tag=央企") == ["杭州明途信息技术有限公司", "Initrode Systems Ltd"]
    assert await names(f"owner_id={people['陈晨']}") == ["深圳华南科技有限公司"]
    since = (NOW + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert await names(f"updated_since={since}") == ["Initrode Systems Ltd"]


async def test_contacts_are_added_to_a_customer_and_listed_by_it(api: Api) -> None:
    secret = await api.token("ERP 读写")
    _, customer, _ = await api.call("POST", "/customers", secret, {"name": "杭州明途信息技术有限公司"})
    status, body, _ = await api.call("POST", "/contacts", secret, {
        "customer_id": customer["id"], "name": "何", "title": "总", "phone": "13800138000"})
    assert status == 201
    async with api.console.app.uow_factory() as uow:
        [stored] = await uow.contacts.for_customer(customer["id"])
        audit = await uow.audit.for_entity("contact", stored.id or 0)
    assert (stored.name, stored.title, stored.phone) == ("何", "总", "13800138000") and body["id"] == stored.id
    assert [a.action for a in audit] == ["create"]
    _, listed, _ = await api.call("GET", f"/contacts?customer_id={customer['id']}", secret)
    assert listed["data"] == [body]


async def test_contacts_are_found_by_email_and_name_whatever_their_case(api: Api) -> None:
    # Addresses and Latin names match without regard to case on every engine (as mail capture matches senders).
    secret = await api.token("ERP 读写")
    _, customer, _ = await api.call("POST", "/customers", secret, {"name": "杭州明途信息技术有限公司"})
    _, made, _ = await api.call("POST", "/contacts", secret, {
        "customer_id": customer["id"], "name": "John Smith", "email": "John.Smith@Mingtu.cn"})
    async with api.console.app.uow_factory() as uow:
        [stored] = await uow.contacts.for_customer(customer["id"])
    assert stored.email == "John.Smith@Mingtu.cn"
    for query in ("email=john.smith@mingtu.cn", "email=JOHN.SMITH@MINGTU.CN", "email=%20John.Smith@Mingtu.cn%20",
                  "q=john", "q=SMITH"):
        _, listed, _ = await api.call("GET", f"/contacts?{query}", secret)
        assert [c["id"] for c in listed["data"]] == [made["id"]], query
    _, other, _ = await api.call("GET", "/contacts?email=john@mingtu.cn", secret)
    assert other["data"] == []


async def test_an_email_that_is_no_address_is_refused_and_nothing_is_stored(api: Api) -> None:
    secret = await api.token("ERP 读写")
    status, body, _ = await api.call("POST", "/customers", secret, {"name": "杭州明途信息技术有限公司",
                                                                    "email": "notanemail"})
    assert status == 422 and body["errors"] == [
        {"field": "email", "detail": "must be an email address like name@example.com, or \"\" for none"}]
    async with api.console.app.uow_factory() as uow:
        assert await uow.customers.count() == 0
    _, made, _ = await api.call("POST", "/customers", secret, {"name": "杭州明途信息技术有限公司",
                                                               "email": "info@mingtu.cn"})
    for path, bad in ((f"/customers/{made['id']}", {"email": "info at mingtu"}),
                      ("/contacts", {"customer_id": made["id"], "name": "何", "email": "he@"})):
        status, body, _ = await api.call("PATCH" if "contacts" not in path else "POST", path, secret, bad)
        assert status == 422 and [e["field"] for e in body["errors"]] == ["email"], body
    async with api.console.app.uow_factory() as uow:
        assert (await uow.customers.get(made["id"])).email == "info@mingtu.cn"
        assert await uow.contacts.for_customer(made["id"]) == []
    status, body, _ = await api.call("PATCH", f"/customers/{made['id']}", secret, {"email": ""})
    assert status == 200 and body["email"] == ""
