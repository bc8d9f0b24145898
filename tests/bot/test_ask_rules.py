"""The rules that decide between refusing, asking and writing (no database needed)."""

from __future__ import annotations

import pytest

from bot.nlp import ParseResult
from bot.nlp.problems import Problem, problem
from bot.understanding.echo import EXAMPLE, HOW_AMOUNT, HOW_DATE, HOW_NAME, how_to_write
from bot.understanding.route import cannot_write, has_subject


@pytest.mark.parametrize(("code", "hint"), [
    ("amount_invalid", HOW_AMOUNT), ("amount_unit_missing", HOW_AMOUNT),
    ("amount_unreadable", HOW_AMOUNT),  # a code another part of the parser may add later: same family, same hint
    ("date_invalid", HOW_DATE), ("date_unreadable", HOW_DATE), ("time_invalid", HOW_DATE),
    ("company_ambiguous", HOW_NAME), ("contact_unreadable", HOW_NAME), ("opportunity_missing", HOW_NAME),
    ("intent_unclear", EXAMPLE), ("currency_assumed", None),
])
def test_each_problem_family_has_its_how_to_write(code: str, hint: object) -> None:
    assert how_to_write(code) == hint


def test_any_error_stops_the_write_and_warnings_do_not() -> None:
    unreadable = Problem("amount_unreadable", "error", "看不懂金额「abc万」", "Could not read the amount 'abc万'")
    assert cannot_write(ParseResult("follow_up", company="明途", confidence=0.8, problems=(unreadable,)))
    ranged = problem("amount_range", text="50-60万")
    assert not cannot_write(ParseResult("follow_up", company="明途", confidence=0.5, problems=(ranged,)))


def test_a_name_fitting_several_customers_stops_the_write_unless_a_deal_number_is_given() -> None:
    ambiguous = problem("company_ambiguous", text="明途", options="A、B")
    assert cannot_write(ParseResult("follow_up", confidence=0.8, problems=(ambiguous,)))
    assert not cannot_write(ParseResult("follow_up", opportunity=3, confidence=0.8, problems=(ambiguous,)))


@pytest.mark.parametrize(("result", "expected"), [
    (ParseResult("follow_up", opportunity=1), True),
    (ParseResult("follow_up", company="明途"), True),
    (ParseResult("follow_up", contact="周总"), False),  # a contact alone does not say which customer
    (ParseResult("follow_up"), False),
    (ParseResult("reminder"), False),
])
def test_a_held_sentence_needs_something_to_record_on(result: ParseResult, expected: bool) -> None:
    assert has_subject(result) is expected
