"""Sliding-window limits with an injected clock: no sleeping."""

from __future__ import annotations

import pytest

from connectors.throttle import MEMBER_LIMITS, ROBOT_LIMITS, RateLimit, Throttle

T0 = 1_000.0


def test_forty_messages_in_one_minute_let_thirty_through() -> None:
    throttle = Throttle(MEMBER_LIMITS)
    waits = [throttle.reserve("zhangsan", T0 + i) for i in range(40)]  # one per second
    assert waits[:30] == [0.0] * 30
    assert all(w > 0 for w in waits[30:])
    assert waits[30] == pytest.approx(60 - 30)  # the first send (t=0) leaves the window at t=60


def test_sending_resumes_once_the_oldest_send_leaves_the_window() -> None:
    throttle = Throttle(MEMBER_LIMITS)
    for _ in range(30):
        assert throttle.reserve("zhangsan", T0) == 0
    wait = throttle.reserve("zhangsan", T0 + 10)
    assert wait == pytest.approx(50)
    assert throttle.reserve("zhangsan", T0 + 10 + wait) == 0


def test_refused_reservations_are_not_counted() -> None:
    throttle = Throttle([RateLimit(2, 60)])
    throttle.reserve("a", T0)
    throttle.reserve("a", T0)
    for _ in range(100):
        assert throttle.reserve("a", T0 + 1) > 0
    assert throttle.reserve("a", T0 + 60) == 0


def test_hourly_limit_applies_after_a_thousand_sends() -> None:
    throttle = Throttle(MEMBER_LIMITS)
    now = T0
    for _ in range(1000):  # 30 per minute, within the minute limit
        assert throttle.reserve("lisi", now) == 0
        now += 2.0
    wait = throttle.reserve("lisi", now)
    assert wait == pytest.approx(T0 + 3600 - now)
    assert throttle.reserve("lisi", now + wait) == 0


def test_members_are_limited_independently() -> None:
    throttle = Throttle(MEMBER_LIMITS)
    for _ in range(30):
        throttle.reserve("zhangsan", T0)
    assert throttle.reserve("zhangsan", T0) > 0
    assert throttle.reserve("lisi", T0) == 0


def test_multi_part_reservation_is_all_or_nothing() -> None:
    throttle = Throttle(ROBOT_LIMITS)
    for _ in range(18):
        throttle.reserve("robot:sales", T0)
    assert throttle.reserve("robot:sales", T0, count=3) > 0
    assert throttle.reserve("robot:sales", T0, count=2) == 0
    assert throttle.reserve("robot:sales", T0) > 0


def test_reserving_more_than_a_limit_allows_is_an_error() -> None:
    with pytest.raises(ValueError):
        Throttle(ROBOT_LIMITS).reserve("robot:sales", T0, count=21)
