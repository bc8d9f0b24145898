"""Every refusal of the API is application/problem+json (RFC 9457) and changes nothing: no or bad token,
token scope, body media type, size, JSON, unknown fields, wrong types, unknown paths and methods, rate limit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.conftest import NOW, Api, open_api


async def _count(api: Api) -> int:
    async with api.console.app.uow_factory() as uow:
        return await uow.customers.count()


def _problem(status: int, body: Any, headers: Any, expected: int) -> None:
    assert status == expected, body
    assert headers["Content-Type"].startswith("application/problem+json")
    assert body["status"] == expected and body["type"].startswith("urn:dealbot:problem:")
    assert body["title"] and body["detail"]


async def test_missing_and_wrong_tokens_answer_401(api: Api) -> None:
    _problem(*(await api.call("GET", "/customers", None)), 401)
    _problem(*(await api.call("GET", "/customers", "dbt_00000000_nope")), 401)
    _, _, headers = await api.call("GET", "/customers", None)
    assert headers["WWW-Authenticate"].startswith("Bearer")


async def test_read_only_and_resource_limited_tokens_are_refused_writes(api: Api) -> None:
    reader = await api.token("看板 只读")
    customers_only = await api.token("CRM 读写 资源 客户")
    _problem(*(await api.call("POST", "/customers", reader, {"name": "Initrode Systems Ltd"})), 403)
    _problem(*(await api.call("GET", "/contacts", customers_only)), 403)
    assert (await api.call("GET", "/customers", reader))[0] == 200
    assert await _count(api) == 0


async def test_bad_bodies_are_refused_with_the_field_named(api: Api) -> None:
    secret = await api.token("ERP 读写")
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"data": b"{not json", "headers": {"Content-Type": "application/json"}}, 400, ""),
        ({"data": b"name=x", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415, ""),
        ({"json": {"name": "Initrode", "colour": "red"}}, 422, "colour"),
        ({"json": {"name": 42}}, 422, "name"),
        ({"json": {"name": "Initrode", "tags": "a,b"}}, 422, "tags"),
        ({"json": {"name": "Initrode", "id": 7}}, 422, "id"),
        ({"json": {"region": "华东"}}, 422, "name"),
        ({"json": ["name"]}, 422, ""),
    ]
    for kwargs, expected, field in cases:
        headers = {"Authorization": f"Bearer {secret}", **kwargs.pop("headers", {})}
        response = await api.client.post("/api/v1/customers", headers=headers, **kwargs)
        body = await response.json(content_type=None)
        _problem(response.status, body, response.headers, expected)
        if field:
            assert field in [e["field"] for e in body["errors"]], body
    assert await _count(api) == 0


async def test_control_characters_in_text_are_refused_on_every_engine(api: Api) -> None:
    # A NUL or bell in a name is an integration's bug, not text: 422 naming the field, nothing stored.
    secret = await api.token("ERP 读写")
    cases = (({"name": "零\u0000字节有限公司"}, "name"), ({"name": "响铃有限公司", "address": "a\u0007b"}, "address"),
             ({"name": "标签有限公司", "tags": ["重点\u0000"]}, "tags"))
    for body, field in cases:
        status, answer, headers = await api.call("POST", "/customers", secret, body)
        _problem(status, answer, headers, 422)
        assert [e["field"] for e in answer["errors"]] == [field], answer
    assert await _count(api) == 0
    status, made, _ = await api.call("POST", "/customers", secret,
                                     {"name": "换行有限公司", "address": "一楼\n二楼\t东"})
    assert status == 201 and made["address"] == "一楼\n二楼\t东"  # line breaks and tabs are text


async def test_oversize_body_answers_413(db_url: str) -> None:
    console, client = await open_api(db_url, api={"max_body_bytes": 1024})
    api = Api(client, console)
    try:
        secret = await api.token("ERP 读写")
        _problem(*(await api.call("POST", "/customers", secret, {"name": "x" * 2000})), 413)
        assert await _count(api) == 0
    finally:
        await client.close()
        await console.app.close()


async def test_unknown_paths_and_methods_are_problems_too(api: Api) -> None:
    secret = await api.token("ERP 读写")
    _problem(*(await api.call("GET", "/nothing-here", secret)), 404)
    _problem(*(await api.call("DELETE", "/customers/1", secret)), 405)
    _problem(*(await api.call("GET", "/customers/abc", secret)), 404)
    _problem(*(await api.call("GET", "/customers?limit=500", secret)), 422)
    _problem(*(await api.call("GET", "/customers?cursor=%%%", secret)), 422)
    _problem(*(await api.call("GET", "/customers?colour=red", secret)), 422)


async def test_rate_limit_answers_429_with_retry_after(db_url: str) -> None:
    console, client = await open_api(db_url, api={"rate_per_minute": 2})
    api = Api(client, console)
    try:
        secret = await api.token("ERP 只读")
        other = await api.token("BI 只读")
        assert [(await api.call("GET", "/customers", secret))[0] for _ in range(2)] == [200, 200]
        status, body, headers = await api.call("GET", "/customers", secret)
        _problem(status, body, headers, 429)
        assert headers["Retry-After"] == "30"  # one request refills every 30 s (the bot's clock stands still here)
        assert (await api.call("GET", "/customers", other))[0] == 200  # per token
        console.clock.now += timedelta(seconds=30)
        assert [(await api.call("GET", "/customers", secret))[0] for _ in range(2)] == [200, 429]
    finally:
        await client.close()
        await console.app.close()


async def test_last_used_is_written_at_most_once_a_minute(api: Api) -> None:
    secret = await api.token("ERP 只读")
    await api.call("GET", "/customers", secret)
    api.console.clock.now = NOW + timedelta(seconds=30)
    await api.call("GET", "/customers", secret)
    assert [t.last_used_at for t in await api.tokens()] == [NOW]
    api.console.clock.now = NOW + timedelta(seconds=61)
    await api.call("GET", "/customers", secret)
    assert [t.last_used_at for t in await api.tokens()] == [NOW + timedelta(seconds=61)]
