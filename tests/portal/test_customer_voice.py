"""The customer's words, before anything is stored: form fields and mail replies (domain.customer_voice,
bot.portal.mail_replies.voice_of), and what an accepted change does to the plan."""

from __future__ import annotations

from datetime import date

import pytest

from bot.portal.mail_replies import Voice, voice_of
from domain.customer_voice import (
    RequestText,
    VoiceInvalid,
    checked_rating,
    checked_request,
    progress,
    request_from_text,
    shift_plan,
)
from domain.delivery import Milestone, Project, WorkStatus


@pytest.mark.parametrize(("text", "voice"), [
    ("变更：增加报表\n按月", Voice("change", "增加报表\n按月")),
    ("Change: add an export", Voice("change", "add an export")),
    ("变更请求: 改登录页", Voice("change", "改登录页")),
    ("评分 4 很好", Voice("rating", "很好", "4")),
    ("评分：5分，非常满意", Voice("rating", "非常满意", "5")),
    ("rating 3/5 - ok", Voice("rating", "ok", "3")),
    ("Rate 2", Voice("rating", "", "2")),
])
def test_a_reply_that_opens_with_a_change_or_a_rating_is_read(text: str, voice: Voice) -> None:
    assert voice_of(text) == voice


@pytest.mark.parametrize("text", ["我们变更一下周会时间", "收到，谢谢", "变更：", "评分很高", "changes are fine", ""])
def test_an_ordinary_reply_is_no_request(text: str) -> None:
    assert voice_of(text) is None


def test_request_fields_are_checked_and_cleaned() -> None:
    assert checked_request(" 改 \x00登录页 ", "", " 何总 ") == RequestText("改 登录页", "", "何总")
    with pytest.raises(VoiceInvalid, match="your name"):
        checked_request("改", "", "")
    with pytest.raises(VoiceInvalid, match="at most 200"):
        checked_request("x" * 201, "", "何总")
    long = request_from_text("y" * 300 + "\n细节", "何总")
    assert len(long.title) == 200 and long.title.endswith("…") and long.description.endswith("细节")


def test_a_rating_is_1_to_5() -> None:
    assert checked_rating("5", " 好 ", "") == (5, "好", "")
    for bad in ("0", "6", "x", "", "4.5"):
        with pytest.raises(VoiceInvalid, match="choose 1 to 5"):
            checked_rating(bad, "", "")


def test_an_accepted_change_moves_the_end_and_only_the_milestones_still_to_come() -> None:
    project = Project(1, "P", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 1))
    done = Milestone(1, "需求", date(2027, 1, 15), WorkStatus.DONE)
    accepted = Milestone(1, "设计", date(2027, 1, 30), WorkStatus.DOING, accepted_on=date(2027, 1, 30))
    open_ = Milestone(1, "上线", date(2027, 2, 20), starts_on=date(2027, 2, 1))
    moved = shift_plan(project, [done, accepted, open_], 10)
    assert moved == [open_] and open_.due_on == date(2027, 3, 2) and open_.starts_on == date(2027, 2, 11)
    assert project.ends_on == date(2027, 3, 11) and done.due_on == date(2027, 1, 15)
    assert progress([done, accepted, open_]) == 67
