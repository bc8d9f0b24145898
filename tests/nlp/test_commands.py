"""Command forms typed to the parser: the intent comes from the command word (one table, checked
against the registry), the fields from the arguments read as the command reads them."""

from __future__ import annotations

from decimal import Decimal

import pytest

import bot.handlers  # noqa: F401  (registers the commands)
from bot.name_args import opening_name
from bot.nlp import KnownName, Parser
from bot.nlp.commands import COMMAND_INTENTS, NOT_MAPPED, command_word
from bot.registry import registry
from tests.nlp.conftest import NOW


def _registered_words() -> set[str]:
    return {word.casefold() for cmd in registry.commands for word in (cmd.name, *cmd.aliases)}


def test_every_registered_command_word_is_mapped_or_deliberately_not() -> None:
    words = _registered_words()
    missing = words - set(COMMAND_INTENTS) - NOT_MAPPED
    assert not missing, f"command words with no parse intent and not listed in NOT_MAPPED: {sorted(missing)}"


def test_the_table_names_only_registered_words() -> None:
    words = _registered_words()
    extra = {w for w in (*COMMAND_INTENTS, *NOT_MAPPED) if w not in words and w not in ("?", "？")}
    assert not extra, f"words that are no command: {sorted(extra)}"
    assert not set(COMMAND_INTENTS) & NOT_MAPPED


@pytest.mark.parametrize(("text", "intent", "opportunity", "stage"), [
    ("阶段 #18 初步接触", "stage_change", 18, "initial_contact"),
    ("stage #42 initial contact", "stage_change", 42, "initial_contact"),
    ("推进 #7 谈判", "stage_change", 7, "negotiation"),
    ("输单 #21 竞品", "stage_change", 21, "lost"),
    ("帮助 foo", "help", None, None),
    ("help quote", "help", None, None),
    ("回款 #12", "query", 12, None),
    ("payments #12", "query", 12, None),
    ("invoices #23", "query", 23, None),
    ("deal #27", "query", 27, None),
    ("商机 #28", "query", 28, None),
    ("my deals", "query", None, None),
])
def test_command_word_gives_the_intent(parser: Parser, text: str, intent: str, opportunity: int | None,
                                       stage: str | None) -> None:
    result = parser.parse(text, NOW)
    assert (result.intent, result.opportunity, result.stage, result.amount) == (intent, opportunity, stage, None)
    assert "intent_unclear" not in result.problem_codes()


@pytest.mark.parametrize(("text", "intent", "amount", "stage"), [
    ("quote #23 528000 incl. 3 years support", "quote", 528000, None),
    ("won #24 960000", "stage_change", 960000, "won"),
    ("payment #25 300000", "payment", 300000, None),
    ("回款 #12 30万", "payment", 300000, None),
])
def test_a_bare_number_after_the_deal_is_an_amount_in_yuan(parser: Parser, text: str, intent: str, amount: int,
                                                           stage: str | None) -> None:
    result = parser.parse(text, NOW)
    assert (result.intent, result.amount, result.currency, result.stage) == (intent, Decimal(amount), "CNY", stage)


@pytest.mark.parametrize(("text", "company", "amount"), [
    ("deal add Zenith ERP phase 2 amount 600k", "Zenith", 600000),
    ('deal add "Zenith Robotics" "WMS phase 2" 600k', "Zenith Robotics", 600000),
    ('deal add Shanghai Zenith Robotics Co., Ltd. "MES rollout phase 2" 1.2M', "Shanghai Zenith Robotics Co., Ltd.",
     1200000),
    ("deal add Northwind Traders Ltd ERP phase 2", "Northwind Traders Ltd", None),
    ("新商机 明途 明途二期运维 金额 80万", "明途", 800000),
    ("新商机 擎天 擎天2期云迁移", "擎天", None),
])
def test_deal_add_names_the_customer_it_opens_with(parser: Parser, text: str, company: str,
                                                   amount: int | None) -> None:
    result = parser.parse(text, NOW)
    assert (result.intent, result.company, result.contact) == ("new_lead", company, None)
    assert result.amount == (Decimal(amount) if amount else None)


def test_lead_add_keeps_the_phone_out_of_the_amount(parser: Parser) -> None:
    result = parser.parse("lead add Shanghai Zenith Robotics Co., Ltd. contact Mr He phone 13800138000", NOW)
    assert (result.intent, result.company, result.contact, result.phone, result.amount) == (
        "new_lead", "Shanghai Zenith Robotics Co., Ltd.", "Mr He", "13800138000", None)
    assert parser.parse("lead add Harbor Logistics Inc budget 600k", NOW).company == "Harbor Logistics Inc"


def test_a_known_customer_keeps_its_full_name(parser: Parser) -> None:
    known = [KnownName("北京明途信息技术有限公司", ("明途",))]
    assert parser.parse("新商机 明途 明途二期运维 金额 80万", NOW, known).company == "北京明途信息技术有限公司"


@pytest.mark.parametrize("text", [
    "客户说预算再等等", "阶段性成果已经交付", "报价单明天发给何总",
    "新商机：成都天府软件园有限公司要做MES系统，预算一百二十万",
    "#12 下周三拜访", "帮忙看下#3的报价", "payment plan #3 30% 2026-12-01",
])
def test_sentences_are_not_commands(text: str) -> None:
    assert command_word(text) is None


def test_an_unreadable_stage_keeps_the_sentence_reading(parser: Parser) -> None:
    assert parser.parse("阶段 #18 还在谈", NOW).stage is None


def test_opening_name() -> None:
    assert opening_name("“明途信息” 二期") == "明途信息"
    assert opening_name("苏州恒瑞智能装备有限公司 MES") == "苏州恒瑞智能装备有限公司"
    assert opening_name("Acme Corp") == "Acme Corp"
    assert opening_name("") == ""
