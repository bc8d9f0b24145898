"""Money formatting, name/phone normalisation, domain error messages, lead lifecycle."""

from decimal import Decimal

import pytest

from domain.customer import normalize_name, normalize_phone
from domain.errors import InvalidValue, NotFound, PermissionDenied
from domain.lead import Lead, LeadAlreadyConverted, LeadStatus
from domain.money import CNY, USD, Money


@pytest.mark.parametrize(("amount", "text"), [
    ("528000", "52.8万"), ("495000", "49.5万"), ("100000", "10万"), ("10000", "1万"),
    ("5000", "¥5,000"), ("9999.5", "¥9,999.50"), ("0.5", "¥0.50"),
])
def test_cny_amounts_from_ten_thousand_are_shown_in_wan_in_chinese(amount: str, text: str) -> None:
    assert Money(Decimal(amount)).format("zh") == text


def test_english_shows_full_amounts_with_thousand_separators() -> None:
    assert Money(Decimal("528000")).format("en") == "¥528,000"
    assert Money(Decimal("1234.5"), USD).format("en") == "$1,234.50"


def test_non_cny_amounts_are_never_shown_in_wan() -> None:
    assert Money(Decimal("528000"), USD).format("zh") == "$528,000"
    assert Money(Decimal("528000"), "EUR").format("zh") == "EUR 528,000"


def test_money_coerces_numbers_to_decimal_and_adds_same_currency() -> None:
    total = Money(1) + Money(Decimal("0.10"))  # type: ignore[arg-type]
    assert total == Money(Decimal("1.10")) and isinstance(total.amount, Decimal)
    assert Money(Decimal(10)) - Money(Decimal(3)) == Money(Decimal(7), CNY)


def test_money_refuses_mixing_currencies() -> None:
    with pytest.raises(ValueError, match="currency mismatch"):
        Money(Decimal(1)) + Money(Decimal(1), USD)


def test_scaling_rounds_half_up_to_the_cent() -> None:
    assert Money(Decimal("100.05")).scaled(Decimal("0.5")) == Money(Decimal("50.03"))


@pytest.mark.parametrize(("name", "key"), [
    ("明途科技有限公司", "明途科技"),
    ("明途科技股份有限公司", "明途科技"),
    ("明途科技", "明途科技"),
    ("ＡＢＣ Co., Ltd.", "abc"),
    ("Initrode Ltd", "initrode"),
    ("  Foo-Bar  Inc.", "foobar"),
])
def test_normalize_name_drops_width_case_punctuation_and_legal_suffix(name: str, key: str) -> None:
    assert normalize_name(name) == key


def test_same_company_written_differently_gets_the_same_key() -> None:
    assert normalize_name("明途科技（杭州）有限公司") == normalize_name("明途科技(杭州)")


def test_normalize_phone_keeps_digits_and_drops_china_prefix() -> None:
    assert normalize_phone("+86 138-0013-8000") == "13800138000"
    assert normalize_phone("(010) 6275 1234") == "01062751234"


def test_domain_errors_speak_both_languages() -> None:
    err = NotFound("商机", 12, "deal")
    assert err.message("zh") == "找不到商机 12"
    assert err.message("en") == "No deal 12 found"
    assert str(err) == "No deal 12 found"
    assert PermissionDenied("商机 #3", "deal #3").message("en") == "You are not allowed to change deal #3"
    invalid = InvalidValue("金额", "必须大于 0", field_en="amount", reason_en="must be above 0")
    assert invalid.message("zh") == "金额无效：必须大于 0"
    assert invalid.message("en") == "Invalid amount: must be above 0"


def test_assigning_a_new_lead_marks_it_assigned_but_team_only_does_not() -> None:
    team_only, owned = Lead(customer_id=1), Lead(customer_id=1)
    team_only.assign(None, 3)
    owned.assign(7, 3)
    assert (team_only.status, team_only.team_id) == (LeadStatus.NEW, 3)
    assert (owned.status, owned.owner_id) == (LeadStatus.ASSIGNED, 7)


def test_a_lead_converts_only_once() -> None:
    lead = Lead(customer_id=1, id=5)
    lead.mark_converted(40)
    with pytest.raises(LeadAlreadyConverted) as raised:
        lead.mark_converted(41)
    assert lead.opportunity_id == 40
    assert raised.value.message("zh") == "线索 L5 已转为商机 #40"
