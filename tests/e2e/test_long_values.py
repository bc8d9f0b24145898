"""Values longer than their column (a 300-character customer name) get a zh/en reply and change nothing,
on SQLite and PostgreSQL alike (PostgreSQL used to answer with a traceback and the generic apology)."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import AuditRow, CustomerRow, OpportunityRow
from tests.e2e.harness import Console


async def table_counts(console: Console) -> tuple[int, int, int]:
    async with console.app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        return tuple([int(await session.scalar(select(func.count()).select_from(row)) or 0)  # type: ignore[return-value]
                      for row in (CustomerRow, OpportunityRow, AuditRow)])


async def test_a_300_character_customer_name_is_refused_with_the_limit_and_nothing_is_written(
        console: Console) -> None:
    before = await table_counts(console)
    out = await console.say("新客户 " + "明" * 300)
    assert "客户名称太长" in out and "最多 255 个字符" in out and "收到 300 个" in out
    assert "抱歉" not in out and "sorry" not in out.lower()
    assert await table_counts(console) == before
    out = await console.say("customer add " + "x" * 300, as_user="chen")
    assert "customer name is too long: at most 255 characters, got 300" in out
    assert await table_counts(console) == before


async def test_the_same_name_at_the_limit_is_stored_whole(console: Console) -> None:
    out = await console.say("新客户 " + "明" * 255)
    assert "已创建客户" in out
    async with console.app.uow_factory() as uow:
        [customer] = await uow.customers.search("明" * 255)
    assert customer.name == "明" * 255


async def test_an_over_long_deal_name_is_refused_and_the_customer_keeps_no_half_written_deal(
        console_with_deal: Console) -> None:
    before = await table_counts(console_with_deal)
    out = await console_with_deal.say("新商机 明途 " + "系" * 300 + " 10万")
    assert "商机名称太长" in out and "最多 255 个字符" in out
    assert await table_counts(console_with_deal) == before
