"""Idempotency-Key on POST: the same key and body replay the stored answer (one row written); the same key
with another body is refused; keys are per token."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import ApiIdempotencyRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.api.conftest import NOW, Api


async def _counts(api: Api) -> tuple[int, int]:
    async with api.console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        records = await uow.session.scalar(select(func.count()).select_from(ApiIdempotencyRow))
        return await uow.customers.count(), int(records or 0)


async def test_same_key_and_body_replays_the_first_answer(api: Api) -> None:
    secret = await api.token("ERP 读写")
    body = {"name": "杭州明途信息技术有限公司", "region": "华东"}
    first = await api.call("POST", "/customers", secret, body, **{"Idempotency-Key": "order-1"})
    again = await api.call("POST", "/customers", secret, body, **{"Idempotency-Key": "order-1"})
    assert first[0] == again[0] == 201 and first[1] == again[1]
    assert again[2]["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first[2]
    assert await _counts(api) == (1, 1)


async def test_same_key_with_another_body_is_refused(api: Api) -> None:
    secret = await api.token("ERP 读写")
    await api.call("POST", "/customers", secret, {"name": "杭州明途信息技术有限公司"}, **{"Idempotency-Key": "k"})
    status, problem, headers = await api.call("POST", "/customers", secret, {"name": "Initrode Systems Ltd"},
                                              **{"Idempotency-Key": "k"})
    assert status == 422 and problem["type"] == "urn:dealbot:problem:idempotency-mismatch"
    assert headers["Content-Type"].startswith("application/problem+json")
    assert await _counts(api) == (1, 1)


async def test_a_refused_request_stores_no_answer_and_keys_are_per_token(api: Api) -> None:
    one, two = await api.token("ERP 读写"), await api.token("BI 读写")
    status, _, _ = await api.call("POST", "/customers", one, {"name": 7}, **{"Idempotency-Key": "k"})
    assert status == 422 and await _counts(api) == (0, 0)
    assert (await api.call("POST", "/customers", one, {"name": "Initrode Systems Ltd"},
                           **{"Idempotency-Key": "k"}))[0] == 201
    status, problem, _ = await api.call("POST", "/customers", two, {"name": "Initrode Systems Ltd"},
                                        **{"Idempotency-Key": "k"})
    assert status == 409 and problem["type"] == "urn:dealbot:problem:conflict"  # the name, not the key
    assert await _counts(api) == (1, 1)  # a refusal stores no answer: the key stays free


async def test_a_key_is_free_again_after_the_retention(api: Api) -> None:
    secret = await api.token("ERP 读写")
    await api.call("POST", "/customers", secret, {"name": "杭州明途信息技术有限公司"}, **{"Idempotency-Key": "k"})
    api.console.clock.now = NOW + timedelta(hours=25)  # [api] idempotency_hours = 24
    status, body, headers = await api.call("POST", "/customers", secret, {"name": "Initrode Systems Ltd"},
                                           **{"Idempotency-Key": "k"})
    assert status == 201 and body["name"] == "Initrode Systems Ltd" and "Idempotent-Replayed" not in headers
    assert await _counts(api) == (2, 1)  # the old answer was dropped, the new one kept
