from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from domain.errors import InvalidValue
from domain.money import USD, Money
from domain.quote import Quote
from domain.quoting import latest, new_quote, next_version, quote_diff

NOW = datetime(2024, 5, 6, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def cny(amount: str) -> Money:
    return Money(Decimal(amount))


def quote(version: int, amount: str, note: str = "") -> Quote:
    return Quote(opportunity_id=5, version=version, amount=cny(amount), note=note)


def test_first_quote_is_version_one() -> None:
    assert next_version([]) == 1
    q = new_quote(5, cny("528000"), [], note=" 首版 ", created_by=7, at=NOW)
    assert (q.version, q.note, q.created_by, q.created_at, q.id) == (1, "首版", 7, NOW, None)


def test_new_quote_takes_the_next_version_and_never_reuses_one() -> None:
    existing = [quote(1, "600000"), quote(3, "528000")]
    q = new_quote(5, cny("495000"), existing)
    assert q.version == 4
    assert [e.version for e in existing] == [1, 3]
    assert [e.amount for e in existing] == [cny("600000"), cny("528000")]


def test_latest_is_the_highest_version() -> None:
    assert latest([quote(2, "1"), quote(3, "2"), quote(1, "3")]) == quote(3, "2")
    assert latest([]) is None


@pytest.mark.parametrize("amount", ["0", "-1"])
def test_quote_amount_must_be_positive(amount: str) -> None:
    with pytest.raises(InvalidValue):
        new_quote(5, cny(amount), [])


def test_quotes_of_another_deal_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="another opportunity"):
        new_quote(6, cny("1"), [quote(1, "1")])


def test_diff_reports_absolute_and_percent_change() -> None:
    diff = quote_diff(quote(2, "528000"), quote(3, "495000"))
    assert diff.change == cny("-33000")
    assert diff.percent == Decimal("-6.3")
    assert not diff.note_changed


def test_diff_describes_the_change_in_chinese_and_english() -> None:
    diff = quote_diff(quote(2, "528000"), quote(3, "495000"))
    assert diff.describe("zh") == "v2 → v3：52.8万 → 49.5万（-6.3%）"
    assert diff.describe("en") == "v2 → v3: ¥528,000 → ¥495,000 (-6.3%)"


def test_price_increase_has_a_plus_sign_and_whole_percents_have_no_decimals() -> None:
    assert quote_diff(quote(1, "500000"), quote(2, "550000")).describe("zh") == "v1 → v2：50万 → 55万（+10%）"


def test_unchanged_amount_with_new_note() -> None:
    diff = quote_diff(quote(1, "500000", "含实施"), quote(2, "500000", "含实施和培训"))
    assert diff.note_changed and diff.change == cny("0")
    assert diff.describe("zh") == "v1 → v2：50万 → 50万（持平）；备注：含实施和培训"
    assert diff.describe("en") == "v1 → v2: ¥500,000 → ¥500,000 (unchanged); note: 含实施和培训"


def test_diff_across_currencies_has_no_change_or_percent() -> None:
    diff = quote_diff(quote(1, "700000"), Quote(5, 2, Money(Decimal("100000"), USD)))
    assert diff.change is None and diff.percent is None
    assert diff.describe("en") == "v1 → v2: ¥700,000 → $100,000"
