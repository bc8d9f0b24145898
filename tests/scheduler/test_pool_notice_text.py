"""The grouped pool messages (scheduler.pool_notices.compose), pure: every line with ref, name, reason and the
day it goes back, in the owner's language and time zone; at most six buttons (a WeCom card); a long list cut
with "and N more"; a reclaim notice without buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.people import Rep
from domain.pool import PoolSettings, ReclaimRules
from domain.pool_ports import EventKind, NoticeLine
from scheduler.pool_notices import MAX_BUTTONS, Owners, compose

AT = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)  # 06:30 on the 8th in Shanghai
RULES = PoolSettings(ReclaimRules(no_followup_days=30, no_win_days=180, warn_days=3, lead_no_followup_days=14))


def owners(rep: Rep) -> Owners:
    return Owners({2: rep}, {1: "华东一组"}, RULES)


def line(n: int, reason: str = "no_followup", due: timedelta = timedelta(days=2)) -> NoticeLine:
    return NoticeLine(f"C{n}", f"客户{n}", reason, AT + due, AT)


def test_an_english_owner_gets_every_line_and_six_buttons_at_most() -> None:
    rep = Rep("Li Na", team_id=1, locale="en", timezone="Europe/Berlin", id=2)
    lines = [line(n) for n in range(1, 5)] + [NoticeLine("L7", "明途 MES", "no_followup", AT, AT),
                                               line(8, "no_win", timedelta(days=5))]
    message = compose(EventKind.WARN, rep, owners(rep), 6, lines, "2026-12-08")
    assert message.kind == "pool_warn" and message.period == "2026-12-08"
    assert message.text.startswith("6 of yours go back to the pool soon:")
    for n in range(1, 5):  # the deadline is sooner than warn_days: the day it goes back is AT + 3 days
        assert f"- C{n} 客户{n}: no follow-up for 30 days; back to the pool on 2026-12-10 (keep C{n} / release C{n})" \
            in message.text
    assert "- L7 明途 MES: no follow-up for 14 days; back to the pool on 2026-12-10 (keep L7 / release L7)" \
        in message.text
    assert "- C8 客户8: no win within 180 days (of claiming or creating it); back to the pool on 2026-12-12" \
        in message.text
    assert len(message.buttons) == MAX_BUTTONS == 6
    assert [b["key"] for b in message.buttons] == ["保留 C1", "放弃 C1", "保留 C2", "放弃 C2", "保留 C3", "放弃 C3"]
    assert message.buttons[0]["text"] == "Follow up C1"


def test_a_long_list_is_cut_and_a_reclaim_notice_has_no_buttons() -> None:
    rep = Rep("张伟", team_id=1, id=2)
    warn = compose(EventKind.WARN, rep, owners(rep), 130, [line(n) for n in range(1, 101)], "2026-12-08")
    assert warn.text.count("\n- C") == 100 and warn.text.splitlines()[-2] == "……还有 30 个"
    assert "- C100 客户100：30 天没有跟进，2026-12-11 收回公海（保留 C100 / 放弃 C100）" in warn.text  # Shanghai
    gone = compose(EventKind.RECLAIM, rep, owners(rep), 2, [line(1), line(2, "no_win")], "2026-12-08")
    assert gone.kind == "pool_reclaim" and gone.buttons == ()
    assert gone.text == ("你有 2 个客户/线索已收回公海：\n- C1 客户1：30 天没有跟进\n"
                         "- C2 客户2：180 天没有赢单（自领取或建档起）")
