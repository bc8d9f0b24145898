"""`dealbot demo --deals N`: the bulk-loaded company is complete, consistent and usable, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cli import build_parser
from bot.demo_scale import load_scaled_demo
from bot.demo_scale_plan import scaled_company
from domain.people import Role
from storage.bulk import open_bulk_writer
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.e2e.harness import start_console

NOW = datetime(2024, 5, 6, 9, 30, tzinfo=UTC)
DEALS, SEED = 2_000, 11
ORPHANS = {  # child rows whose parent is missing
    "followups": "SELECT count(*) FROM followups f LEFT JOIN opportunities o ON o.id = f.opportunity_id "
                 "LEFT JOIN customers c ON c.id = f.customer_id WHERE o.id IS NULL OR c.id IS NULL "
                 "OR o.customer_id <> f.customer_id",
    "opportunities": "SELECT count(*) FROM opportunities o LEFT JOIN customers c ON c.id = o.customer_id "
                     "LEFT JOIN reps r ON r.id = o.owner_id LEFT JOIN teams t ON t.id = o.team_id "
                     "WHERE c.id IS NULL OR r.id IS NULL OR t.id IS NULL OR r.team_id <> o.team_id",
    "contacts": "SELECT count(*) FROM contacts k LEFT JOIN customers c ON c.id = k.customer_id WHERE c.id IS NULL",
    "stage_changes": "SELECT count(*) FROM stage_changes s LEFT JOIN opportunities o ON o.id = s.opportunity_id "
                     "WHERE o.id IS NULL",
    "shares": "SELECT count(*) FROM opportunity_shares s LEFT JOIN opportunities o ON o.id = s.opportunity_id "
              "LEFT JOIN reps r ON r.id = s.rep_id WHERE o.id IS NULL OR r.id IS NULL OR r.id = o.owner_id",
    "reminders": "SELECT count(*) FROM reminders m LEFT JOIN followups f ON f.id = m.followup_id "
                 "WHERE f.id IS NULL OR f.opportunity_id <> m.opportunity_id OR m.status <> 'pending'",
    "identities": "SELECT count(*) FROM identities i LEFT JOIN reps r ON r.id = i.rep_id WHERE r.id IS NULL",
}


async def _load(db_url: str) -> str:
    writer = await open_bulk_writer(db_url)
    try:
        return await load_scaled_demo(writer, deals=DEALS, seed=SEED, now=NOW, report=lambda _: None)
    finally:
        await writer.close()


async def _counts(db_url: str, *queries: str) -> list[int]:
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            return [int((await conn.execute(text(q))).scalar_one()) for q in queries]
    finally:
        await engine.dispose()


def _count(table: str) -> str:
    return f"SELECT count(*) FROM {table}"


async def test_scaled_demo_writes_a_company_sized_by_the_deal_count(db_url: str) -> None:
    summary = await _load(db_url)
    teams, reps, managers, customers, deals, followups, history, shares, reminders, contacts = await _counts(
        db_url, _count("teams"), _count("reps"), "SELECT count(*) FROM reps WHERE role = 'manager'",
        _count("customers"), _count("opportunities"), _count("followups"), _count("stage_changes"),
        _count("opportunity_shares"), _count("reminders"), _count("contacts"))
    assert (teams, reps, managers, customers, deals) == (3, 12, 3, 1_000, 2_000)
    assert 3 * DEALS <= followups <= 7 * DEALS and 4.5 * DEALS < followups < 5.5 * DEALS
    assert history > DEALS and shares > 0 and reminders > 0 and customers <= contacts <= 2 * customers
    assert "2,000 deals" in summary and "2,000 个商机" in summary


async def test_scaled_demo_ids_and_foreign_keys_are_consistent(db_url: str) -> None:
    await _load(db_url)
    assert await _counts(db_url, *ORPHANS.values()) == [0] * len(ORPHANS)
    distinct = await _counts(db_url, "SELECT count(DISTINCT name_key) FROM customers",
                             "SELECT count(DISTINCT external_id) FROM identities WHERE channel = 'console'")
    assert distinct == [1_000, 12]


async def test_second_scaled_load_adds_nothing(db_url: str) -> None:
    await _load(db_url)
    again = await _load(db_url)
    assert "already loaded" in again and "已经加载过" in again
    assert await _counts(db_url, _count("opportunities"), _count("customers")) == [DEALS, 1_000]


async def test_bot_reads_the_bulk_data_and_new_rows_get_fresh_ids(db_url: str) -> None:
    await _load(db_url)
    rep = next(p for p in scaled_company(DEALS, SEED).people if p.role is Role.REP)
    [deal_id] = await _counts(db_url, "SELECT min(o.id) FROM opportunities o JOIN identities i "
                                      f"ON i.rep_id = o.owner_id WHERE i.external_id = '{rep.ident}'")
    [customer_id] = await _counts(db_url, f"SELECT customer_id FROM opportunities WHERE id = {deal_id}")
    [customer] = await _names(db_url, f"SELECT name FROM customers WHERE id = {customer_id}")
    console = await start_console(db_url, rep.ident, NOW)
    try:
        mine = await console.say("我的商机")
        card = await console.say(f"#{deal_id}")
        found = await console.say(f"客户 {customer}")
        await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
        await console.say("新商机 杭州明途信息技术有限公司 MES 80万")
    finally:
        await console.app.close()
    [name] = await _names(db_url, f"SELECT name FROM opportunities WHERE id = {deal_id}")
    assert name in card and f"#{deal_id}" in card
    assert f"#{deal_id}" in mine or name in mine
    assert customer in found and f"C{customer_id}" in found
    new_customer, new_deal = await _counts(
        db_url, "SELECT id FROM customers WHERE name = '杭州明途信息技术有限公司'",
        "SELECT max(id) FROM opportunities WHERE customer_id = 1001")
    assert new_customer == 1_001 and new_deal == DEALS + 1
    assert customer_id <= 1_000


async def _names(db_url: str, query: str) -> list[str]:
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            return [str(v) for v in (await conn.execute(text(query))).scalars()]
    finally:
        await engine.dispose()


def test_deal_count_accepts_suffixes_and_rejects_nonsense(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    assert [parser.parse_args(["demo", "--deals", n]).deals for n in ("2000", "10k", "1m", "1.5k")] == [
        2_000, 10_000, 1_000_000, 1_500]
    for bad in ("abc", "0", "5x"):
        with pytest.raises(SystemExit):
            parser.parse_args(["demo", "--deals", bad])
        err = capsys.readouterr().err
        assert "10k" in err and "商机数" in err


async def test_scaled_demo_is_the_same_for_the_same_seed_whatever_the_time(tmp_path: Path) -> None:
    shapes = []
    for n, now in enumerate((NOW, NOW + timedelta(hours=7, minutes=13))):
        url = f"sqlite+aiosqlite:///{tmp_path / f'{n}.db'}"
        await upgrade(url)
        writer = await open_bulk_writer(url)
        try:
            await load_scaled_demo(writer, deals=300, seed=SEED, now=now, report=lambda _: None)
        finally:
            await writer.close()
        shapes.append(await _names(url, "SELECT name || '/' || stage || '/' || owner_id || '/' || "
                                        "(SELECT count(*) FROM followups f WHERE f.opportunity_id = o.id) "
                                        "FROM opportunities o ORDER BY id"))
    assert shapes[0] == shapes[1] and len(shapes[0]) == 300


async def test_scaled_demo_gives_the_directory_a_new_version_so_running_processes_reread_it(db_url: str) -> None:
    query = "SELECT count(*) FROM settings WHERE settings.key = 'directory_version'"
    assert await _counts(db_url, query) == [0]
    await _load(db_url)
    assert await _counts(db_url, query) == [1]
