"""API calls are usage events (issue #16): kind "api", the route's pattern (never its ids or query), the token as
the person (its negative id, as in the audit), the status as outcome — written in a batch by the usage buffer."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import UsageEventRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.api.conftest import Api


async def test_api_calls_are_recorded_by_route_token_and_outcome(api: Api) -> None:
    secret = await api.token("ERP 只读")
    [token] = await api.tokens()
    assert (await api.call("GET", "/customers?q=明途", secret))[0] == 200
    assert (await api.call("GET", "/customers/424242", secret))[0] == 404
    assert (await api.call("POST", "/customers", secret, {"name": "明途"}))[0] == 403
    assert (await api.call("GET", "/customers", None))[0] == 401
    buffer = api.console.app.usage_buffer
    assert buffer is not None
    await buffer.flush()
    async with api.console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        rows = [(r.feature, r.person_id, r.outcome, r.channel, r.latency_ms is not None) for r in (
            await uow.session.scalars(select(UsageEventRow).where(UsageEventRow.kind == "api")
                                      .order_by(UsageEventRow.id))).all()]
    assert [row[:4] for row in rows] == [
        ("GET /api/v1/customers", -(token.id or 0), "ok", "api"),
        ("GET /api/v1/customers/{id}", -(token.id or 0), "refused", "api"),
        ("POST /api/v1/customers", -(token.id or 0), "refused", "api"),
        ("GET /api/v1/customers", None, "refused", "api")]
    assert all(row[4] for row in rows)
