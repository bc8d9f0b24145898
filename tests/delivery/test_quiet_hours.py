"""Quiet hours end to end on both engines: the configured default, a person's own from [[users]] or from
`免打扰` / `quiet hours`, stored, cached in the directory, and holding a non-urgent push until they end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.directory_cache import DirectoryCache
from domain.messaging import OutboxStatus
from scheduler.push import Push, push
from tests.e2e.harness import USERS, Console, start_console

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVENING = datetime(2026, 12, 7, 22, 30, tzinfo=SHANGHAI)
PEOPLE = [dict(u, quiet_hours="22:00-07:00") if u["console"] == "lina" else u for u in USERS]


@pytest.fixture
async def console(db_url: str) -> AsyncIterator[Console]:
    session = await start_console(db_url, "zhangwei", EVENING, users=PEOPLE,
                                  proactive={"quiet_hours": "21:30-08:00"})
    yield session
    await session.app.close()


async def quiet_of(console: Console) -> dict[str, str]:
    async with console.app.uow_factory() as uow:
        return {r.identities["console"]: r.quiet_hours for r in await uow.reps.list()}


async def test_quiet_hours_come_from_users_config_and_the_default_applies_to_the_rest(console: Console) -> None:
    stored = await quiet_of(console)
    assert stored["lina"] == "22:00-07:00" and stored["zhangwei"] == ""
    reply = await console.say("免打扰")
    assert "21:30-08:00" in reply and "公司默认" in reply


async def test_a_person_sets_changes_and_clears_their_own_quiet_hours(console: Console) -> None:
    assert "22:00-07:30" in await console.say("免打扰 22:00-07:30")
    assert (await quiet_of(console))["zhangwei"] == "22:00-07:30"
    assert "已关闭" in await console.say("免打扰 关闭")
    assert (await quiet_of(console))["zhangwei"] == "off"
    assert "公司默认" in await console.say("免打扰 默认")
    assert (await quiet_of(console))["zhangwei"] == ""
    reply = await console.say("quiet hours 23:00-06:45", as_user="chen")  # 陈晨 reads English
    assert "Quiet hours 23:00-06:45" in reply and "yours" in reply
    assert (await quiet_of(console))["chen"] == "23:00-06:45"


@pytest.mark.parametrize("bad", ["25:00-08:00", "9点到8点", "21:00"])
async def test_bad_quiet_hours_are_explained_and_change_nothing(console: Console, bad: str) -> None:
    await console.say("免打扰 22:00-07:30")
    reply = await console.say(f"免打扰 {bad}")
    assert "免打扰时段无效" in reply and "21:00-08:00" in reply
    assert (await quiet_of(console))["zhangwei"] == "22:00-07:30"
    reply = await console.say(f"quiet hours {bad}", as_user="chen")
    assert "Invalid quiet hours" in reply and "21:00-08:00" in reply


async def test_a_push_in_ones_own_quiet_hours_waits_until_they_end_then_is_sent_once(console: Console) -> None:
    await console.say("免打扰 22:00-07:30")
    async with console.app.uow_factory() as uow:
        directory = await DirectoryCache().get(uow)  # what every process's cache holds after the change
        zhang = directory.identify("console", "zhangwei")
        assert zhang is not None and zhang.quiet_hours == "22:00-07:30"
        item = await push(uow, zhang, Push("digest", "2026-12-07", "今日摘要"), console.clock(),
                          default_quiet=console.app.bot.settings.quiet_hours)
        urgent = await push(uow, zhang, Push("reminder", "r1", "⏰ 提醒：回电", urgent=True), console.clock())
        await uow.commit()
    assert item is not None and item.not_before == datetime(2026, 12, 8, 7, 30, tzinfo=SHANGHAI)
    assert urgent is not None and urgent.not_before is None
    night = await console.tick(timedelta(hours=8, minutes=59))  # 07:29: the urgent one went, the digest waits
    assert "回电" in night and "今日摘要" not in night
    assert "今日摘要" in await console.tick(timedelta(minutes=1))  # 07:30
    async with console.app.uow_factory() as uow:
        sent = await uow.outbox.listing([OutboxStatus.SENT])
    assert [o.text for o in sent if o.dedupe_key and o.dedupe_key.startswith("digest")] == ["今日摘要"]
