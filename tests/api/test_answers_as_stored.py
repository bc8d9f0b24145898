"""A write's answer is the record as stored: the body of a POST or PATCH equals the body of a GET of the same
record right after (amounts at two places, as the database keeps them)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.test_money_api import _setup


async def _read_back(api: Api, secret: str, path: str, answered: Any) -> Any:
    status, body, _ = await api.call("GET", f"{path}/{answered['id']}", secret)
    assert status == 200, body
    return body


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
