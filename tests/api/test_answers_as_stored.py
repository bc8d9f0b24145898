"""A write's answer is the record as stored: the body of a POST or PATCH equals the body of a GET of the same
record right after (amounts at two places, as the database keeps them); customers answer `updated_at`, the
time their `updated_since` filter reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.conftest import NOW, Api
from tests.api.test_money_api import _setup


def _iso(delta: timedelta) -> str:
    return (NOW + delta).isoformat()


async def _read_back(api: Api, secret: str, path: str, answered: Any) -> Any:
    status, body, _ = await api.call("GET", f"{path}/{answered['id']}", secret)
    assert status == 200, body
    return body


async def test_customer_updated_at_follows_changes_and_agrees_with_the_filter(api: Api) -> None:
    secret = await api.token("ERP 读写")
    status, made, _ = await api.call("POST", "/customers", secret, {"name": "杭州明途信息技术有限公司"})
    assert status == 201 and made["updated_at"] == made["created_at"] == _iso(timedelta()), made
    assert await _read_back(api, secret, "/customers", made) == made
    other = (await api.call("POST", "/customers", secret, {"name": "深圳华南科技有限公司"}))[1]
    api.console.clock.now = NOW + timedelta(hours=2)
    status, patched, _ = await api.call("PATCH", f"/customers/{made['id']}", secret, {"region": "华东"})
    assert status == 200 and patched["updated_at"] == _iso(timedelta(hours=2)), patched
    assert patched["created_at"] == made["created_at"]
    assert await _read_back(api, secret, "/customers", made) == patched
    async with api.console.app.uow_factory() as uow:
        audit = await uow.audit.for_entity("customer", made["id"])
    assert [(a.action, a.at.isoformat()) for a in audit] == [("create", _iso(timedelta())),
                                                              ("update", _iso(timedelta(hours=2)))]
    api.console.clock.now = NOW + timedelta(hours=3)
    unchanged = (await api.call("PATCH", f"/customers/{made['id']}", secret, {"region": "华东"}))[1]
    assert unchanged == patched
    everyone = (await api.call("GET", "/customers", secret))[1]["data"]
    assert [(c["id"], c["updated_at"]) for c in everyone] == [(made["id"], _iso(timedelta(hours=2))),
                                                               (other["id"], _iso(timedelta()))]
    for hours in (0, 1, 2, 3):
        since = _iso(timedelta(hours=hours)).replace("+00:00", "Z")
        listed = (await api.call("GET", f"/customers?updated_since={since}", secret))[1]["data"]
        assert listed == [c for c in everyone if c["updated_at"] >= _iso(timedelta(hours=hours))], hours
    doc = (await api.call("GET", "/openapi.json", None))[1]
    answer = doc["paths"]["/customers/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["properties"]["updated_at"]["format"] == "date-time" and "updated_at" in answer["required"]


async def test_a_write_answers_exactly_what_a_read_returns(api: Api) -> None:
    ids = await _setup(api)
    secret = await api.token("全局 读写")
    for path, body in (
            ("/quotes", {"opportunity_id": ids["east"], "amount": "800000", "list_price": "900000.5", "cost": "1"}),
            ("/contracts", {"opportunity_id": ids["east"], "amount": "600000"}),
            ("/invoices", {"opportunity_id": ids["east"], "amount": "200000"}),
            ("/opportunities", {"customer_id": ids["east_customer"], "name": "运维", "amount": "50000"}),
            ("/leads", {"customer_id": ids["east_customer"], "budget": "70000", "title": "二期"}),
            ("/customers", {"name": "北京云帆科技有限公司"})):
        status, answered, _ = await api.call("POST", path, secret, body)
        assert status == 201, (path, answered)
        assert await _read_back(api, secret, path, answered) == answered, path
    quote = (await api.call("GET", f"/quotes?opportunity_id={ids['east']}", secret))[1]["data"][-1]
    assert (quote["amount"], quote["list_price"], quote["cost"]) == ("800000.00", "900000.50", "1.00")
    for path, body in ((f"/opportunities/{ids['east']}", {"amount": "810000"}), ("/leads/1", {"budget": "5"})):
        status, answered, _ = await api.call("PATCH", path, secret, body)
        assert status == 200 and await _read_back(api, secret, path.rsplit("/", 1)[0], answered) == answered
    assert answered["budget"] == "5.00"
    stones = (await api.call("GET", f"/payment_milestones?opportunity_id={ids['east']}", secret))[1]["data"]
    status, received, _ = await api.call("POST", f"/payment_milestones/{stones[0]['id']}/received", secret,
                                         {"amount": "1000"})
    assert status == 200 and received["paid"] == "1000.00"
    assert await _read_back(api, secret, "/payment_milestones", received) == received
    invoice = (await api.call("GET", f"/invoices?opportunity_id={ids['east']}", secret))[1]["data"][0]
    status, red, _ = await api.call("POST", f"/invoices/{invoice['id']}/red_reverse", secret, {})
    assert status == 201 and await _read_back(api, secret, "/invoices", red) == red
    for stage in ("proposal", "negotiation"):
        assert (await api.call("POST", f"/opportunities/{ids['south']}/stage", secret, {"stage": stage}))[0] == 200
    status, won, _ = await api.call("POST", f"/opportunities/{ids['south']}/stage", secret,
                                    {"stage": "won", "amount": "480000"})
    assert status == 200 and won["amount"] == "480000.00", won
    assert await _read_back(api, secret, "/opportunities", won) == won
