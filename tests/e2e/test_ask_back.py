"""Ask instead of guessing: low-confidence sentences are held for 确认/取消, unreadable parts are refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.e2e.conftest import NOW, SHANGHAI
from tests.e2e.harness import Console, start_console, stored_state

PAUSED = "#1 项目暂停了 客户内部调整"  # a note on a deal with no follow-up word: low confidence
LATER = "明途 下周三 预算50-60万"  # a customer, a date and a range (a warning): low confidence


async def state(console: Console) -> dict[str, Any]:
    """What is stored: deals (stage, amount, next step), follow-up notes and pending reminders."""
    return await stored_state(console, lambda d: (d.id, d.stage.value, d.amount.amount if d.amount else None,
                                                  d.next_at))


async def test_a_low_confidence_note_is_held_shown_and_written_on_confirm(console_with_deal: Console) -> None:
    console = console_with_deal
    before = await state(console)
    out = await console.say(PAUSED)
    assert "请确认" in out and "#1 MES" in out and PAUSED in out and "确认" in out and "取消" in out
    assert await state(console) == before  # nothing written yet
    out = await console.say("确认")
    assert "已确认" in out and "#1" in out
    after = await state(console)
    assert after["notes"] == before["notes"] + [PAUSED]
    assert after["deals"] == before["deals"] and after["customers"] == before["customers"]
    assert "请确认" not in await console.say("确认")  # nothing held any more: not written twice
    assert (await state(console))["notes"] == after["notes"]


async def test_cancel_drops_the_held_sentence(console_with_deal: Console) -> None:
    console = console_with_deal
    before = await state(console)
    await console.say(PAUSED)
    out = await console.say("取消")
    assert "已取消" in out and "没有记录" in out
    await console.say("确认")
    assert await state(console) == before


async def test_confirm_writes_exactly_the_date_that_was_shown(console_with_deal: Console) -> None:
    console = console_with_deal
    out = await console.say(LATER)
    assert "下周三(12月2日) 09:00 提醒" in out and "#1 MES" in out and "50万" in out and "范围" in out
    assert (await state(console))["reminders"] == []
    await console.say("confirm")
    (deal,) = (await state(console))["deals"]
    assert deal[2] == 500000  # the lower bound, as shown
    assert deal[3] == datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)  # the time shown
    assert (await state(console))["reminders"] == [(f"#1 明途 · {LATER}", datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))]
    assert (await state(console))["notes"] == [LATER]


async def test_a_confirmed_sentence_can_be_corrected_and_undone_like_any_other(console_with_deal: Console) -> None:
    console = console_with_deal
    before = await state(console)
    await console.say(LATER)
    await console.say("确认")
    out = await console.say("金额是55万")
    assert "已更正" in out and "55万" in out and "请确认" not in out  # a correction is not asked again
    (deal,) = (await state(console))["deals"]
    assert deal[2] == 550000 and deal[3] == datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)
    assert "已撤销" in await console.say("撤销")
    assert await state(console) == before


async def test_a_held_sentence_survives_a_restart_and_is_written_as_shown(db_url: str) -> None:
    first = await start_console(db_url, "zhangwei", NOW)
    await first.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await first.say("新商机 明途 MES 80万")
    assert "请确认" in await first.say(LATER)
    before = await state(first)
    await first.app.close()
    second = await start_console(db_url, "zhangwei", NOW.replace(minute=10))  # a new process, same database
    try:
        assert await state(second) == before
        out = await second.say("确认")
        assert "已确认" in out and "下周三(12月2日)" in out
        after = await state(second)
        assert after["notes"] == [LATER] and after["deals"][0][3].date().isoformat() == "2026-12-02"
    finally:
        await second.app.close()


async def test_a_held_sentence_expires(console_with_deal: Console) -> None:
    console = console_with_deal
    before = await state(console)
    await console.say(PAUSED)
    console.clock.now = NOW.replace(hour=11)  # more than 30 minutes later
    out = await console.say("确认")
    assert "已确认" not in out
    assert await state(console) == before


async def test_another_held_sentence_replaces_the_first(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say(PAUSED)
    assert "替换" in await console.say(LATER)
    await console.say("确认")
    assert (await state(console))["notes"] == [LATER]


async def test_a_command_in_between_leaves_the_sentence_held(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say(PAUSED)
    await console.say("我的商机")
    await console.say("确认")
    assert (await state(console))["notes"] == [PAUSED]


async def test_a_deal_one_may_not_see_is_refused_before_anything_is_held(console_with_deal: Console) -> None:
    out = await console_with_deal.say(PAUSED, as_user="chen")  # 陈晨 (华南) may not see 张伟's deal
    assert "No deal #1" in out and "confirm" not in out
    await console_with_deal.say("confirm", as_user="chen")
    assert (await state(console_with_deal))["notes"] == []


async def test_english_sentences_are_held_and_confirmed_in_english(console: Console) -> None:
    await console.say("新客户 深圳海纳科技有限公司 区域 华南", as_user="chen")
    await console.say("新商机 海纳 ERP 50万", as_user="chen")
    out = await console.say("#1 project on hold while the client reorganises", as_user="chen")
    assert "Please confirm" in out and "#1 ERP" in out and "'confirm'" in out
    assert (await state(console))["notes"] == []
    assert "Confirmed" in await console.say("confirm", as_user="chen")
    assert (await state(console))["notes"] == ["#1 project on hold while the client reorganises"]


async def test_a_sentence_without_customer_or_deal_is_refused_with_the_reason(console: Console) -> None:
    before = await state(console)
    out = await console.say("今天和客户通了电话")
    assert "哪个客户或商机" in out and "没有记录任何内容" in out and "可以这样写" in out
    await console.say("确认")
    assert await state(console) == before


async def test_a_plan_question_asked_later_takes_the_first_confirm(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say("合同 #1 80万")
    await console.say(PAUSED)
    assert "尚未保存" in await console.say("回款计划 #1 30% 2026-12-15")  # the latest question
    out = await console.say("确认")
    assert "回款计划" in out and "已确认" not in out
    assert (await state(console))["notes"] == []  # the sentence is still held
    assert "已确认" in await console.say("确认")
    assert (await state(console))["notes"] == [PAUSED]


async def test_a_sentence_held_after_a_plan_question_takes_the_first_confirm(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say("合同 #1 80万")
    await console.say("回款计划 #1 30% 2026-12-15")
    await console.say(PAUSED)  # the latest question
    assert "已确认" in await console.say("确认")
    assert (await state(console))["notes"] == [PAUSED]
    assert "回款计划" in await console.say("确认")  # then the plan question, still open


async def test_a_correction_while_held_changes_what_is_shown_and_confirm_writes_the_change(
        console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say(LATER)
    out = await console.say("金额是55万")
    assert "已修改，仍未记录" in out and "55万" in out and "请确认" in out
    out = await console.say("改成周四")
    assert "下周四(12月3日) 09:00 提醒" in out and "55万" in out
    assert (await state(console))["notes"] == []
    await console.say("确认")
    (deal,) = (await state(console))["deals"]
    assert deal[2] == 550000 and deal[3] == datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)
    assert (await state(console))["notes"] == [LATER]


async def test_an_unreadable_correction_while_held_changes_nothing(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say(LATER)
    out = await console.say("金额是abc")
    assert "看不懂金额「abc」" in out
    await console.say("确认")
    (deal,) = (await state(console))["deals"]
    assert deal[2] == 500000  # still what was shown first
