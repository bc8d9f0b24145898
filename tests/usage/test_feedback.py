"""`反馈` / `feedback` through the real console pipeline, stored with who and where; admins list it; the monthly
summary reaches every admin once, grouped by theme in the admin's language (outbox rows read back)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.usage.settings import UsageSettings
from scheduler.feedback_summary import send_feedback_summaries
from storage.models import FeedbackRow, OutboxRow
from tests.e2e.harness import USERS, Console, start_console
from tests.usage.conftest import NOW, SHANGHAI
from tests.usage.test_usage_events import events, rep_id

SETTINGS = UsageSettings(timezone="Asia/Shanghai")
DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


async def stored(console: Console) -> list[dict[str, Any]]:
    async with console.app.uow_factory() as uow:
        rows = (await uow.session.scalars(select(FeedbackRow).order_by(FeedbackRow.id))).all()  # type: ignore[attr-defined]
        return [{"person_id": r.person_id, "channel": r.channel, "conversation": r.conversation_id,
                 "group": r.is_group, "locale": r.locale, "text": r.text, "at": r.at} for r in rows]


async def summaries(console: Console) -> list[tuple[str, str, str, str]]:
    async with console.app.uow_factory() as uow:
        stmt = select(OutboxRow).where(OutboxRow.dedupe_key.like("feedback-summary%")).order_by(OutboxRow.id)
        rows = (await uow.session.scalars(stmt)).all()  # type: ignore[attr-defined]
        return [(r.channel, r.recipient, r.dedupe_key or "", r.text) for r in rows]


async def test_feedback_is_stored_with_who_and_where_and_thanked(console: Console) -> None:
    reply = await console.say("反馈 希望提醒可以提前一天")
    assert "谢谢你的反馈！已记录（F1）" in reply
    assert await stored(console) == [{"person_id": await rep_id(console, "张伟"), "channel": "console",
                                      "conversation": "zhangwei", "group": False, "locale": "zh",
                                      "text": "希望提醒可以提前一天", "at": NOW}]
    assert [(e["kind"], e["feature"], e["outcome"]) for e in await events(console)] == [("command", "反馈", "ok")]


async def test_english_feedback_in_a_group_is_stored_as_said_in_a_group(console: Console) -> None:
    console.connector.user = "chen"
    msg = console.connector.message("feedback the dashboard is slow")
    await console.app.bot.receive(replace(msg, conversation_id="group-42", extra={"conversation_type": "group"}))
    await console.app.dispatcher.drain()
    assert "Thank you for your feedback! Recorded as F1" in console.read()
    [row] = await stored(console)
    assert (row["person_id"], row["conversation"], row["group"], row["locale"]) == (
        await rep_id(console, "陈晨"), "group-42", True, "en")


async def test_empty_feedback_says_how_to_write_it_and_stores_nothing(console: Console) -> None:
    assert "反馈内容是空的，什么都没有记录。请写：反馈 你的意见或建议" in await console.say("反馈")
    assert "The feedback was empty; nothing was recorded." in await console.say("feedback", as_user="chen")
    assert await stored(console) == []


async def test_admins_list_recent_feedback_and_others_may_not(console: Console) -> None:
    await console.say("反馈 识别总是把金额读错")
    await console.say("feedback reminders come too late", as_user="chen")
    refused = await console.say("反馈 列表", as_user="zhangwei")
    assert "只有管理员可以查看反馈列表" in refused and "操作" not in refused
    refused_en = await console.say("feedback list", as_user="chen")
    assert "Only admins may read the feedback list" in refused_en and "change" not in refused_en
    listed = await console.say("反馈 列表 本月", as_user="admin")
    assert "最近的反馈 2 条（本月）" in listed
    assert "F2 11-24 10:00 · 陈晨 · 控制台 · 私聊：reminders come too late" in listed
    assert "F1 11-24 10:00 · 张伟 · 控制台 · 私聊：识别总是把金额读错" in listed
    assert "「反馈 列表」后面只能跟「本月」" in await console.say("反馈 列表 上个月", as_user="admin")
    assert len(await stored(console)) == 2  # listing stores nothing


async def test_the_monthly_summary_reaches_each_admin_once_by_theme(db_url: str) -> None:
    users = [*USERS, {"name": "Admin Two", "role": "admin", "console": "admin2", "locale": "en"}]
    console = await start_console(db_url, "zhangwei", NOW, users=users)
    try:
        for text in ("提醒太晚了", "希望提醒可以提前一天", "识别总是把金额读错", "报表看不到回款", "随便说说"):
            await console.say(f"反馈 {text}")
        await console.say("feedback reminders should repeat", as_user="chen")
        factory = console.app.uow_factory
        assert await send_feedback_summaries(factory, DEC_1 - timedelta(minutes=1), SETTINGS) == 0  # not yet
        assert await send_feedback_summaries(factory, DEC_1, SETTINGS) == 2
        assert await send_feedback_summaries(factory, DEC_1 + timedelta(hours=1), SETTINGS) == 0  # once a month
        sent = await summaries(console)
        admin, admin2 = await rep_id(console, "管理员"), await rep_id(console, "Admin Two")
        assert [(c, to, key) for c, to, key, _ in sent] == [
            ("console", "admin", f"feedback-summary:{admin}:2026-11"),
            ("console", "admin2", f"feedback-summary:{admin2}:2026-11")]
        assert sent[0][3].splitlines() == [
            "2026-11 用户反馈汇总：共 6 条",
            "提醒：3 条", "  「reminders should repeat」", "  「希望提醒可以提前一天」", "  「提醒太晚了」",
            "识别与理解：1 条", "  「识别总是把金额读错」",
            "报表与看板：1 条", "  「报表看不到回款」",
            "其他：1 条", "  「随便说说」"]
        assert sent[1][3].splitlines()[:2] == ["Feedback for 2026-11: 6 in all", "Reminders: 3"]
    finally:
        await console.app.close()
