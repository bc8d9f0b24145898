"""The pure SMS rules: mainland mobile numbers, template parameters within the provider's limit, our limits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import InvalidValue
from domain.sms import SmsLimits, amount_param, day_param, fit, masked, mobile_in, mobile_of


@pytest.mark.parametrize("text", ["13800138000", "+8613800138000", "8613800138000", "008613800138000",
                                  "138-0013-8000", "+86 138 0013 8000", "１３８００１３８０００"])
def test_mainland_mobiles_are_read_in_every_usual_spelling(text: str) -> None:
    assert mobile_of(text) == "+8613800138000"


@pytest.mark.parametrize("text", ["", "12345", "12800138000", "1380013800", "138001380001", "+1 415 555 0100",
                                  "0571-88886666", "+85261234567", "abc13800138000"])
def test_anything_else_is_refused_saying_how_to_write_it(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        mobile_of(text)
    assert "13800138000" in caught.value.message("zh") and "13800138000" in caught.value.message("en")


def test_a_contact_phone_field_yields_its_mobile_if_it_has_one() -> None:
    assert mobile_in("0571-88886666 / 139 0013 9000") == "+8613900139000"
    assert mobile_in("0571-88886666") is None
    assert masked("+8613900139000") == "139****9000"


def test_parameters_fit_the_limit_and_are_never_empty() -> None:
    assert fit("杭州明途信息技术", 6) == "杭州明途信…"
    assert fit("明途", 6) == "明途"
    assert fit("  ", 6) == "-"
    assert day_param(date(2026, 12, 8)) == "12月8日"
    assert amount_param(Decimal("300000"), "CNY", 6) == "30万"
    assert amount_param(Decimal("8000"), "CNY", 6) == "8000元"
    assert amount_param(Decimal("123456.78"), "CNY", 6) == "12.35万"
    assert amount_param(Decimal("12345678"), "CNY", 6) == "1235万"
    assert amount_param(Decimal("50000"), "USD", 6) == "USD5万"
    assert all(len(amount_param(Decimal(n), "CNY", 6)) <= 6 for n in ("1", "99999", "123456789", "0.5"))


def test_limits_count_every_window() -> None:
    limits = SmsLimits(per_minute=1, per_hour=5, per_day=10)
    now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert limits.wait([], now) == timedelta(0)
    assert limits.wait([now - timedelta(seconds=20)], now) == timedelta(seconds=40)
    five = [now - timedelta(minutes=m) for m in (2, 10, 20, 30, 50)]
    assert limits.wait(five, now) == timedelta(minutes=10)  # the oldest of the hour ages out at 10:10
    ten = [now - timedelta(hours=h, minutes=1) for h in range(2, 12)]
    assert limits.wait(ten, now) == timedelta(hours=12, minutes=59)  # the oldest (11 h 1 min ago) ages out of 24 h
