"""What the bot says first reaches DingTalk, on SQLite and PostgreSQL: risk warnings to the rep as a card with
its one-tap action and the manager's roll-up, and the manager's daily digest as markdown through the OpenAPI."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.digest.cli import settings_from
from bot.digest.settings import DigestSettings
from domain.risks import RiskSettings
from scheduler.digest import send_digests
from scheduler.risks import scan_risks
from tests.dingtalk_e2e.harness import CARD_CREATE, ROBOT, ROBOT_TOKEN, TO_USERS, DingTalkSession, shown


async def overdue_deal(dingtalk: DingTalkSession) -> None:
    await dingtalk.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await dingtalk.say("新商机 明途 MES 80万")
    await dingtalk.say("跟进 #1 电话沟通 下次 2026-11-25 发方案")


async def test_risk_warnings_reach_the_rep_as_a_card_and_the_manager_as_a_roll_up(dingtalk: DingTalkSession) -> None:
    await overdue_deal(dingtalk)
    dingtalk.clock.now += timedelta(days=2)  # Thursday the 26th: the next step is a day overdue
    uow_factory: Any = dingtalk.app.uow_factory
    await scan_risks(uow_factory, dingtalk.clock(), RiskSettings())
    await dingtalk.app.dispatcher.drain()
    sends = [r for r in dingtalk.new_sends() if r.path in (CARD_CREATE, TO_USERS)]
    cards = [r for r in sends if r.path == CARD_CREATE]
    reminders = [c for c in cards if "提醒 R1" in shown(c)]
    warnings = [c for c in cards if c not in reminders]
    [warning] = warnings
    assert warning.body["openSpaceId"] == "dtv1.card//IM_ROBOT.zhangwei" and "#1" in shown(warning)
    buttons = json.loads(warning.body["cardData"]["cardParamMap"]["buttons"])
    assert buttons and all(b["key"] for b in buttons)
    roll_up = [r for r in sends if r.path == TO_USERS and r.body["userIds"] == ["manager01"]]
    assert len(roll_up) == 1 and "张伟" in shown(roll_up[0])
    await scan_risks(uow_factory, dingtalk.clock() + timedelta(hours=1), RiskSettings())  # a second scan
    await dingtalk.app.dispatcher.drain()
    assert [r for r in dingtalk.new_sends() if r.path in (CARD_CREATE, TO_USERS)] == []  # never repeated


async def test_the_managers_daily_digest_arrives_as_markdown(dingtalk: DingTalkSession) -> None:
    await overdue_deal(dingtalk)
    dingtalk.clock.now = dingtalk.clock.now.replace(hour=18, minute=0)
    uow_factory: Any = dingtalk.app.uow_factory
    assert await send_digests(uow_factory, dingtalk.clock(), DigestSettings()) >= 1
    await dingtalk.app.dispatcher.drain()
    digests = [r for r in dingtalk.new_sends() if r.path == TO_USERS and r.body["userIds"] == ["manager01"]]
    assert digests and all(r.body["msgKey"] == "sampleMarkdown" for r in digests)
    text = "".join(shown(r) for r in digests)
    assert "每日简报" in text and "华东一组" in text
    assert all(len(json.loads(r.body["msgParam"])["text"].encode()) <= 4096 for r in digests)


async def test_with_team_groups_the_teams_digest_also_goes_to_its_group_robot(dingtalk: DingTalkSession) -> None:
    await overdue_deal(dingtalk)
    dingtalk.app.config.sections["digest"] = {"team_groups": True}
    settings = settings_from(dingtalk.app.config)
    assert settings.group_channels == {"华东一组": ("dingtalk",)}  # 华南一组 has no robot configured
    dingtalk.clock.now = dingtalk.clock.now.replace(hour=18, minute=0)
    uow_factory: Any = dingtalk.app.uow_factory
    await send_digests(uow_factory, dingtalk.clock(), settings)
    await send_digests(uow_factory, dingtalk.clock() + timedelta(minutes=5), settings)  # the next run: nothing new
    await dingtalk.app.dispatcher.drain()
    sends = dingtalk.new_sends()
    group = [r for r in sends if r.path == ROBOT]
    assert group and all(r.query["access_token"] == ROBOT_TOKEN for r in group)
    assert "华东一组 每日简报" in "".join(shown(r) for r in group) and group[0].body["msgtype"] == "markdown"
    assert [r for r in sends if r.path == TO_USERS and r.body["userIds"] == ["manager01"]]  # the manager's too


async def test_the_group_digest_does_not_depend_on_the_managers(dingtalk: DingTalkSession) -> None:
    await overdue_deal(dingtalk)
    dingtalk.clock.now = dingtalk.clock.now.replace(hour=18, minute=0)
    uow_factory: Any = dingtalk.app.uow_factory
    await send_digests(uow_factory, dingtalk.clock(), DigestSettings())  # the manager's, groups off
    dingtalk.app.config.sections["digest"] = {"team_groups": True}
    dingtalk.app.config.sections["wecom"] = {"robots": {"华南一组": "key"}}  # WeCom is not switched on
    settings = settings_from(dingtalk.app.config)
    assert settings.group_channels == {"华东一组": ("dingtalk",)}
    assert await send_digests(uow_factory, dingtalk.clock() + timedelta(minutes=5), settings) >= 1  # the group's
    await dingtalk.app.dispatcher.drain()
    assert [r for r in dingtalk.new_sends() if r.path == ROBOT]
