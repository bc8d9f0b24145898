"""[approvals] in the config (issue #14): off by default, thresholds with defaults, 0 turns a rule off, bad
values refused naming the key in English and Chinese."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.approval_config import approval_rules
from bot.config import ConfigError, load_config
from domain.approvals import ApprovalRules


def test_without_the_section_approvals_are_off() -> None:
    rules = approval_rules(load_config(environ={}))
    assert rules == ApprovalRules() and rules.enabled is False
    assert (rules.max_discount, rules.min_margin, rules.contract_amount, rules.min_first_payment) == (
        Decimal("0.15"), Decimal("0.2"), Decimal(1000000), Decimal("0.3"))


def test_values_come_from_the_file_and_zero_turns_a_rule_off(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text("[approvals]\nenabled = true\nmax_discount = 0.1\nmin_margin = 0\ncontract_amount = 500000\n"
                    'approver = "admin"\nstale_hours = 8\nteam_transfer = false\n', encoding="utf-8")
    rules = approval_rules(load_config(path, environ={}))
    assert rules == ApprovalRules(enabled=True, max_discount=Decimal("0.1"), min_margin=None,
                                  contract_amount=Decimal(500000), team_transfer=False, approver="admin",
                                  stale_hours=8.0)


@pytest.mark.parametrize(("line", "message"), [
    ("max_discount = 15", r"\[approvals\] max_discount.*0 到 1 之间的比例"),
    ("min_first_payment = -0.1", r"\[approvals\] min_first_payment"),
    ("contract_amount = -1", r"\[approvals\] contract_amount.*不小于 0 的金额"),
    ('approver = "ceo"', r"\[approvals\] approver.*manager, admin"),
    ("stale_hours = 0", r"\[approvals\] stale_hours"),
    ("max_discont = 0.2", "max_discount"),
])
def test_a_bad_value_is_refused_naming_the_key(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text(f"[approvals]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path, environ={})
