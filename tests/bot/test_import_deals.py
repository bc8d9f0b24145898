"""`import deals` on both engines: the dry run writes nothing, --commit writes what the report says (deals,
stage history, follow-ups, customers, one audit batch), a re-import by ref updates without duplicating, and an
export imports into an empty database as the same pipeline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.exporting_deals import export_deals_file
from bot.importing_deals import import_deals_file
from domain.activity import FollowUp, FollowUpKind
from domain.customer import Customer
from domain.money import Money
from domain.opportunity import LostReason, Opportunity, Stage, StageChange
from domain.people import Rep, Team
from storage.models import Base
from storage.uow import SqlAlchemyUnitOfWork

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=TZ)
Factory = Callable[[], SqlAlchemyUnitOfWork]
HEADER = "编号,商机名称,客户,行业,区域,负责人,来源,金额,币种,创建日期,阶段,关闭日期,输单原因,阶段历史,跟进记录"
ROWS = [
    "CRM-1,明途MES项目,杭州明途信息技术有限公司,制造,华东,王磊,转介绍,60万,,2026-01-02,赢单,2026-02-20,,"
    "方案提案@2026-01-05; 谈判@2026-02-01,2026-01-03; 2026-01-10",
    "CRM-2,,深圳云帆网络科技有限公司,互联网,华南,李娜,官网,$75k,,2026-01-04,输单,2026-02-10,价格：竞品低价,"
    "方案提案@2026-01-20,2026-01-06",
    "CRM-3,,杭州明途信息技术有限公司,,,王磊,,1.2亿,,2026-02-01,谈判,,,方案提案@2026-02-03; 谈判@2026-02-15,"
    "2026-02-04; 2026-02-16; 2026-02-16",
    "CRM-4,,上海瑞丰医疗,医疗,,赵六,,10万,,2026-01-01,谈判,,,,",
    "CRM-5,,上海瑞丰医疗,医疗,,李娜,,10万,,2026-01-01,谈判,2026-02-01,,,",
    "CRM-1,,杭州明途信息技术有限公司,,,王磊,,1万,,2026-01-02,谈判,,,,",
]


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def sheet(path: Path, rows: Sequence[str] = ROWS) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


async def people(factory: Factory) -> dict[str, Rep]:
    """Two teams, three people, and a stored customer without an industry."""
    async with factory() as uow:
        east = await uow.teams.add(Team(name="华东一组"))
        south = await uow.teams.add(Team(name="华南组"))
        reps = {name: await uow.reps.add(Rep(name=name, team_id=team.id))
                for name, team in (("王磊", east), ("李娜", south), ("张伟", east))}
        await uow.customers.add(Customer(name="深圳云帆网络科技有限公司", region="华南"))
        await uow.commit()
    return reps


async def imported(factory: Factory, path: Path, commit: bool = True) -> Any:
    return await import_deals_file(factory, path, commit=commit, now=NOW, tz=TZ)


async def deals_by_ref(factory: Factory) -> dict[str, Opportunity]:
    async with factory() as uow:
        return {d.ref: d for d in await uow.opportunities.after(0, 1000)}


async def followups_of(factory: Factory, deal: Opportunity) -> list[FollowUp]:
    async with factory() as uow:
        assert deal.id is not None
        return list(await uow.followups.for_opportunity(deal.id))


async def count(factory: Factory, table: str) -> int:
    async with factory() as uow:
        return int((await uow.session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_dry_run_reports_every_row_and_writes_nothing(uow_factory: Factory, tmp_path: Path) -> None:
    await people(uow_factory)
    report = await imported(uow_factory, sheet(tmp_path / "deals.csv"), commit=False)
    assert report.dry_run and not report.fatal and report.rows_read == 6
    assert [o.row for o in report.created] == [2, 3, 4]
    assert report.error_rows == [5, 6]
    assert {(e.row, e.en) for e in report.errors} == {
        (5, "unknown owner '赵六' (import people first: dealbot users import)"),
        (6, "an open deal (negotiation) cannot have a closed date")}
    assert [(d.row, d.first_row, d.reason) for d in report.duplicates] == [(7, 2, "ref")]
    assert "新客户 1 个 / 1 new customers" in report.render()
    for table in ("opportunities", "stage_changes", "followups", "audit"):
        assert await count(uow_factory, table) == 0, table
    assert await count(uow_factory, "customers") == 1


async def test_commit_writes_deals_history_followups_and_customers(uow_factory: Factory, tmp_path: Path) -> None:
    reps = await people(uow_factory)
    report = await imported(uow_factory, sheet(tmp_path / "deals.csv"))
    deals = await deals_by_ref(uow_factory)
    assert sorted(deals) == ["CRM-1", "CRM-2", "CRM-3"]
    assert [o.deal_id for o in report.created] == [deals[ref].id for ref in ("CRM-1", "CRM-2", "CRM-3")]
    won, lost, open_ = deals["CRM-1"], deals["CRM-2"], deals["CRM-3"]
    wang = reps["王磊"]
    assert (won.name, won.owner_id, won.team_id, won.source) == ("明途MES项目", wang.id, wang.team_id, "转介绍")
    assert (won.stage, won.amount, won.created_at, won.closed_at) == (
        Stage.WON, Money(Decimal(600000)), day("2026-01-02"), day("2026-02-20"))
    assert won.history == [StageChange(Stage.INITIAL_CONTACT, Stage.PROPOSAL, day("2026-01-05"), None),
                           StageChange(Stage.PROPOSAL, Stage.NEGOTIATION, day("2026-02-01"), None),
                           StageChange(Stage.NEGOTIATION, Stage.WON, day("2026-02-20"), None)]
    assert won.last_contact_at == day("2026-01-10")
    assert (lost.stage, lost.lost_reason, lost.lost_note, lost.amount) == (
        Stage.LOST, LostReason.PRICE, "竞品低价", Money(Decimal(75000), "USD"))
    assert (open_.name, open_.customer_id, open_.closed_at) == ("杭州明途信息技术有限公司 项目", won.customer_id, None)
    followups = await followups_of(uow_factory, open_)
    assert [f.at for f in followups] == [day("2026-02-04"), day("2026-02-16"), day("2026-02-16")]
    assert {(f.kind, f.rep_id, f.customer_id) for f in followups} == {
        (FollowUpKind.IMPORTED, reps["王磊"].id, open_.customer_id)}
    async with uow_factory() as uow:
        yunfan = await uow.customers.get(lost.customer_id)
        mingtu = await uow.customers.get(won.customer_id)
        entries = [e for e in await uow.audit.for_entity("opportunity", won.id or 0)]
    assert (yunfan.industry, yunfan.region) == ("互联网", "华南")  # an empty field filled, nothing replaced
    assert (mingtu.name, mingtu.industry, mingtu.region) == ("杭州明途信息技术有限公司", "制造", "华东")
    assert [(e.action, e.changes["row"], e.changes["ref"]) for e in entries] == [("import", 2, [None, "CRM-1"])]
    assert await count(uow_factory, "customers") == 2
    assert await count(uow_factory, "followups") == 6


async def test_reimporting_a_ref_updates_the_deal_without_duplicating(uow_factory: Factory, tmp_path: Path) -> None:
    await people(uow_factory)
    path = sheet(tmp_path / "deals.csv", ROWS[:3])
    await imported(uow_factory, path)
    again = await imported(uow_factory, path)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    changed = [ROWS[0].replace("60万", "70万").replace("2026-01-10", "2026-01-12"), ROWS[1],
               ROWS[2].replace("2026-02-16; 2026-02-16", "2026-02-16; 2026-02-16; 2026-02-20")]
    report = await imported(uow_factory, sheet(tmp_path / "deals.csv", changed))
    assert [(o.row, o.fields) for o in report.updated] == [(2, ("amount", "activities")), (4, ("activities",))]
    assert [o.row for o in report.unchanged] == [3]
    deals = await deals_by_ref(uow_factory)
    assert sorted(deals) == ["CRM-1", "CRM-2", "CRM-3"]
    assert deals["CRM-1"].amount == Money(Decimal(700000))
    assert len(deals["CRM-1"].history) == 3 and len(deals["CRM-3"].history) == 2
    assert [f.at for f in await followups_of(uow_factory, deals["CRM-1"])] == [day("2026-01-03"), day("2026-01-12")]
    assert len(await followups_of(uow_factory, deals["CRM-3"])) == 4
    assert (deals["CRM-1"].last_contact_at, deals["CRM-3"].last_contact_at) == (day("2026-01-12"), day("2026-02-20"))
    assert await count(uow_factory, "stage_changes") == 3 + 2 + 2
    assert await count(uow_factory, "customers") == 2


async def pipeline(factory: Factory) -> list[tuple[Any, ...]]:
    """Every deal as names and moments, not ids: what an export and import must keep."""
    async with factory() as uow:
        deals = await uow.opportunities.after(0, 10_000)
        reps = {r.id: r.name for r in await uow.reps.list()}
        teams = {t.id: t.name for t in await uow.teams.list()}
        customers = await uow.customers.many(d.customer_id for d in deals)
        followups = await uow.followups.for_opportunities(d.id or 0 for d in deals)
    found = []
    for d in deals:
        customer = customers[d.customer_id]
        found.append((d.ref, d.name, customer.name, customer.industry, customer.region, reps[d.owner_id or 0],
                      teams[d.team_id or 0], d.source, d.amount, d.stage, d.created_at, d.closed_at, d.lost_reason,
                      d.lost_note, [(c.source, c.target, c.at) for c in d.history],
                      sorted(f.at.replace(microsecond=0) for f in followups.get(d.id or 0, [])),
                      d.last_contact_at and d.last_contact_at.replace(microsecond=0)))
    return sorted(found)


async def empty_database(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())
        await connection.execute(text("DELETE FROM deal_totals"))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
async def test_export_then_import_into_an_empty_database_is_the_same_pipeline(
        uow_factory: Factory, engine: AsyncEngine, tmp_path: Path, suffix: str) -> None:
    await people(uow_factory)
    await imported(uow_factory, sheet(tmp_path / "deals.csv", ROWS[:3]))
    deal = (await deals_by_ref(uow_factory))["CRM-3"]
    call = datetime(2026, 2, 18, 6, 30, 15, 123456, tzinfo=UTC)
    async with uow_factory() as uow:  # logged in chat: another kind, a time of day, sub-seconds
        await uow.followups.add(FollowUp(rep_id=deal.owner_id, note="电话", at=call, opportunity_id=deal.id,
                                         customer_id=deal.customer_id, kind=FollowUpKind.CALL))
        deal.last_contact_at = call
        await uow.opportunities.save(deal)
        await uow.commit()
    before = await pipeline(uow_factory)
    exported = tmp_path / f"export{suffix}"
    assert await export_deals_file(uow_factory, exported, tz=TZ) == 3
    again = await imported(uow_factory, exported)  # the same database: nothing to change
    assert (len(again.created), len(again.updated), len(again.unchanged), again.errors) == (0, 0, 3, [])
    await empty_database(engine)
    await people(uow_factory)
    report = await imported(uow_factory, exported)
    assert (len(report.created), report.errors, report.duplicates) == (3, [], [])
    after = await pipeline(uow_factory)
    assert after == before
    assert after[2][15][-1] == call.replace(microsecond=0) == after[2][16]


async def test_a_deal_made_in_dealbot_comes_back_as_itself_and_a_clashing_number_is_refused(
        uow_factory: Factory, tmp_path: Path) -> None:
    reps = await people(uow_factory)
    async with uow_factory() as uow:
        customer = await uow.customers.add(Customer(name="杭州明途信息技术有限公司"))
        made = await uow.opportunities.add(Opportunity(customer.id or 0, "明途CRM", owner_id=reps["王磊"].id,
                                                       team_id=reps["王磊"].team_id, created_at=NOW))
        await uow.commit()
    exported = tmp_path / "export.csv"
    assert await export_deals_file(uow_factory, exported, tz=TZ) == 1
    assert f"#{made.id}," in exported.read_text(encoding="utf-8-sig")
    again = await imported(uow_factory, exported)
    assert (len(again.created), len(again.unchanged), again.errors) == (0, 1, [])
    other = tmp_path / "other.csv"
    sheet(other, [f"#{made.id},,上海瑞丰医疗,医疗,,王磊,,10万,,2026-01-01,谈判,,,,"])
    refused = await imported(uow_factory, other)
    assert refused.created == [] and [e.row for e in refused.errors] == [2]
    assert "是本系统另一个商机的商机号" in refused.errors[0].zh
    assert await count(uow_factory, "opportunities") == 1
