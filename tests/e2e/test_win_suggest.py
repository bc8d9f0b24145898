"""Win probability in chat, end to end on SQLite and PostgreSQL (issue #13): `建议 #N` says the chance, the
reasons and the next best action exactly as the model computes them from what is stored; another team's deal
is not found; won and lost deals are answered for what they are; the nightly job stores every open deal's
score once a day (the card shows it) and keeps the day before's for the digest's movers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import cast

import pytest

from bot import win_scoring
from bot.digest.compose import compose_digest
from bot.digest.html import render_html
from bot.digest.jsonview import as_json
from bot.digest.markdown import render_markdown
from bot.digest.messages import plain
from bot.digest.settings import DigestSettings
from bot.win_scoring import MODEL_KEY, fit_at, fitted_to_json
from domain.insights import STAGE_BASE_RATES
from domain.next_action import DealGaps, next_actions
from domain.opportunity import Stage
from domain.win_ports import WinUnitOfWork
from domain.win_training import Check
from scheduler.win_scores import WinSettings, refresh_win_scores
from storage.engine import make_engine, make_session_factory
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console, start_console
from tests.win_world import World, build_world

SETTINGS = WinSettings(timezone="Asia/Shanghai")


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[tuple[Console, World]]:
    console = await start_console(db_url, "zhangwei", NOW)
    factory = cast(Callable[[], SqlAlchemyUnitOfWork], console.app.uow_factory)
    built = await build_world(factory, deals=150, reps=("张伟", "陈晨"))
    yield console, built
    await console.app.close()


def uows(console: Console) -> Callable[[], WinUnitOfWork]:
    return cast(Callable[[], WinUnitOfWork], console.app.uow_factory)


async def open_deals(console: Console, world: World, owner: int) -> list[int]:
    async with console.app.uow_factory() as uow:
        deals = await uow.opportunities.many(world.deals)
    return [i for i, d in deals.items() if d.owner_id == owner and not d.stage.is_closed]


async def test_suggest_says_the_models_chance_reasons_and_next_action(world: tuple[Console, World]) -> None:
    console, built = world
    deal_id = (await open_deals(console, built, built.reps[0]))[0]
    fitted = await fit_at(uows(console), NOW)
    async with uows(console)() as uow:
        [record] = await uow.wins.records([deal_id])
    scored = fitted.score(record, NOW)
    assert scored is not None and scored.score.source in ("team", "pooled")
    out = await console.say(f"建议 #{deal_id}")
    chance = re.search(r"赢单概率 (\d+)%，30天内签约的概率 (\d+)%", out)
    assert chance and (int(chance[1]), int(chance[2])) == (
        round(scored.score.p_win * 100), round(scored.score.p_win_horizon * 100))
    for factor in scored.factors():
        assert f"{'↑' if factor['weight'] > 0 else '↓'} {factor['zh']}" in out
    action = next_actions(scored.facts, DealGaps(), deal_id)[0]
    assert f"建议下一步：\n1. {action.zh}" in out.replace("\r", "")
    assert f"截至 {NOW:%Y-%m-%d} 已关闭的 {fitted.closed} 个商机" in out


async def test_another_teams_deal_is_not_found_and_closed_deals_are_said_so(world: tuple[Console, World]) -> None:
    console, built = world
    theirs = (await open_deals(console, built, built.reps[1]))[0]
    assert f"找不到商机 #{theirs}" in await console.say(f"建议 #{theirs}")
    async with console.app.uow_factory() as uow:
        deals = await uow.opportunities.many(built.deals)
    won = next(i for i, d in deals.items() if d.stage is Stage.WON and d.owner_id == built.reps[0])
    lost = next(i for i, d in deals.items() if d.stage is Stage.LOST and d.owner_id == built.reps[0])
    out = await console.say(f"建议 #{won}")
    assert "这个商机已赢单" in out and "赢单概率" not in out
    assert "这个商机已输单（价格）" in await console.say(f"建议 #{lost}")
    assert "多余的内容「明天」" in await console.say(f"建议 #{won} 明天")


async def test_the_nightly_job_scores_once_a_day_and_the_card_shows_it(world: tuple[Console, World]) -> None:
    console, built = world
    mine = (await open_deals(console, built, built.reps[0]))[0]
    assert "赢单概率" not in await console.say(f"#{mine}")
    early = NOW.replace(hour=4)
    assert await refresh_win_scores(uows(console), early, SETTINGS) == 0  # before 05:00
    count = await refresh_win_scores(uows(console), NOW, SETTINGS)
    every_open = await open_deals(console, built, built.reps[0]) + await open_deals(console, built, built.reps[1])
    assert count == len(every_open)
    assert await refresh_win_scores(uows(console), NOW + timedelta(hours=1), SETTINGS) == 0  # claimed today
    async with uows(console)() as uow:
        stored = await uow.wins.scores(every_open)
        model = await uow.settings.get(MODEL_KEY)
    assert model is not None and model["closed"] > 30
    assert set(stored) == set(every_open)
    score = stored[mine]
    card = await console.say(f"#{mine}")
    shown = re.search(r"赢单概率\s+(\d+)%（30天内 (\d+)%）· 发送「建议 #\d+」查看原因", card)
    assert shown and (int(shown[1]), int(shown[2])) == (round(score.p_win * 100), round(score.p_win_30d * 100))
    assert await refresh_win_scores(uows(console), NOW + timedelta(days=1), SETTINGS) == count
    async with uows(console)() as uow:
        again = await uow.wins.scores([mine])
    assert again[mine].previous == score.p_win


async def test_in_english_and_a_won_deals_overdue_payment_is_chased(world: tuple[Console, World]) -> None:
    console, built = world
    theirs = (await open_deals(console, built, built.reps[1]))[0]
    out = await console.say(f"suggest #{theirs}", as_user="chen")
    assert re.search(r"Chance of winning \d+%; of signing within 30 days \d+%", out)
    assert "Why:" in out and "Next best action:\n1. " in out and "deals closed by" in out
    async with console.app.uow_factory() as uow:
        deals = await uow.opportunities.many(built.deals)
    won = next(i for i, d in deals.items() if d.stage is Stage.WON and d.owner_id == built.reps[0])
    for text in (f"合同 #{won} 10万", f"回款计划 #{won} 50% 2026-11-01 50% 2027-03-01"):
        await console.say(text, as_user="zhangwei")
    out = await console.say(f"建议 #{won}")
    assert "这个商机已赢单" in out and f"1. 催收逾期的回款（发送「回款明细 #{won}」查看）" in out


async def test_an_imported_deal_is_found_by_its_old_id_only_by_who_may_see_it(world: tuple[Console, World]) -> None:
    console, built = world
    mine = (await open_deals(console, built, built.reps[0]))[0]
    theirs = (await open_deals(console, built, built.reps[1]))[0]
    async with console.app.uow_factory() as uow:
        refs = {d: (await uow.opportunities.get(d)).ref for d in (mine, theirs)}
    card = await console.say(f"商机 {refs[mine]}")
    assert card.startswith(f"#{mine} ") and re.search(rf"编号\s+{refs[mine]}", card)
    refused = await console.say(f"商机 {refs[theirs]}")
    assert f"找不到编号为「{refs[theirs]}」的商机" in refused and f"#{theirs}" not in refused
    assert "找不到编号为「NOPE-1」的商机" in await console.say("商机 NOPE-1")


async def test_the_digest_lists_the_deals_whose_chance_moved_most(world: tuple[Console, World]) -> None:
    console, built = world
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    assert "已创建商机" in await console.say("新商机 明途 MES 80万")
    mine = max((await open_deals(console, built, built.reps[0])) + [max(built.deals) + 1])
    assert await refresh_win_scores(uows(console), NOW, SETTINGS) > 0
    await console.say(f"跟进 #{mine} 客户确认了预算，下周演示")  # the new deal's first follow-up
    later = NOW + timedelta(days=1)
    assert await refresh_win_scores(uows(console), later, SETTINGS) > 0
    async with uows(console)() as uow:
        team = await uow.teams.get(built.teams["华东一组"])
        digest = await compose_digest(cast(SqlAlchemyUnitOfWork, uow), team, later.date(), later, DigestSettings())
        company = await compose_digest(cast(SqlAlchemyUnitOfWork, uow), None, later.date(), later, DigestSettings())
        stored = await uow.wins.scores(m.opportunity_id for m in digest.movers)
        everyone = await uow.wins.movers(None, later - timedelta(hours=36), 5)
    assert 0 < len(digest.movers) <= 5 and mine in [m.opportunity_id for m in digest.movers]
    moves = [abs(m.p_win - m.previous) for m in digest.movers]
    assert moves == sorted(moves, reverse=True) and all(
        (m.p_win, m.previous) == (stored[m.opportunity_id].p_win, stored[m.opportunity_id].previous)
        and stored[m.opportunity_id].team_id == team.id for m in digest.movers)
    assert [m.opportunity_id for m in company.movers] == [  # the company digest: every team's, same order
        m.score.opportunity_id for m in everyone]
    first = digest.movers[0]
    text = plain(render_markdown(digest, "zh"))
    assert "赢单概率变化最大" in text and f"#{first.opportunity_id} {first.name} (张伟) " \
        f"{round(first.previous * 100)}% → {round(first.p_win * 100)}%" in text
    assert "Biggest moves in win probability" in plain(render_markdown(digest, "en"))
    assert "<h3>赢单概率变化最大</h3>" in render_html(digest, "zh")
    listed = as_json(digest)["win_movers"]
    assert [(m["id"], m["p_win"], m["previous"]) for m in listed] == [
        (m.opportunity_id, m.p_win, m.previous) for m in digest.movers] and listed[0]["owner"] == "张伟"


async def test_two_processes_scoring_the_same_night_score_it_once(world: tuple[Console, World], db_url: str) -> None:
    """Two engines (as two `serve` processes have) race for the day: the database's claim lets one through."""
    engines = [make_engine(db_url) for _ in range(2)]
    try:
        factories = [cast(Callable[[], WinUnitOfWork], partial(SqlAlchemyUnitOfWork, make_session_factory(e)))
                     for e in engines]
        counts = await asyncio.gather(*(refresh_win_scores(f, NOW, SETTINGS) for f in factories))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(counts)[0] == 0 < sorted(counts)[1]


async def test_asking_for_the_win_probability_never_wins_the_deal(world: tuple[Console, World]) -> None:
    console, built = world
    mine = (await open_deals(console, built, built.reps[0]))[0]
    async with console.app.uow_factory() as uow:
        before = await uow.opportunities.get(mine)
    for text in (f"赢单概率 #{mine}", f"赢单率 #{mine}", f"win probability #{mine}", f"成交概率 #{mine}"):
        assert re.search(r"(赢单概率 \d+%|Chance of winning \d+%)", await console.say(text)), text
    async with console.app.uow_factory() as uow:
        after = await uow.opportunities.get(mine)
    assert (after.stage, len(after.history)) == (before.stage, len(before.history))


async def test_an_untrusted_model_answers_with_the_stage_rate_and_says_why(world: tuple[Console, World]) -> None:
    console, built = world
    fitted = await fit_at(uows(console), NOW)
    untrusted = replace(fitted, model=replace(fitted.model, trusted=False), check=Check(300, 0.3, 0.2, True))
    async with uows(console)() as uow:
        await uow.settings.put(MODEL_KEY, fitted_to_json(untrusted))
        await uow.commit()
    mine = (await open_deals(console, built, built.reps[0]))[0]
    out = await console.say(f"建议 #{mine}")
    async with uows(console)() as uow:
        [record] = await uow.wins.records([mine])
    stage = record.deal.stage.value
    assert f"赢单概率 {round(round(fitted.model.pooled.prior(stage), 3) * 100)}%" in out
    assert "（按这个阶段的历史赢单率估算）" in out and "原因：" not in out
    assert "注意：模型在最近关闭的商机上明显不如按阶段的历史赢单率（Brier 0.300 对 0.200）" in out


async def test_without_a_stored_model_a_big_history_is_not_fitted_in_the_chat_request(
        world: tuple[Console, World], monkeypatch: pytest.MonkeyPatch) -> None:
    console, built = world
    monkeypatch.setattr(win_scoring, "IN_REQUEST", 10)  # the world has ~100 closed deals: "too many"
    mine = (await open_deals(console, built, built.reps[0]))[0]
    out = await console.say(f"建议 #{mine}")
    assert "模型尚未生成" in out and "（历史数据还不够" in out
    async with uows(console)() as uow:
        stage = (await uow.opportunities.get(mine)).stage
    assert f"赢单概率 {round(STAGE_BASE_RATES[stage] * 100)}%" in out
