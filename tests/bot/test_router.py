from __future__ import annotations

from datetime import datetime

import pytest

import bot.handlers  # noqa: F401
from bot.args import Args, normalize
from bot.i18n import Text
from bot.registry import Registry, registry
from bot.router import Router
from domain.errors import DomainError


def test_full_width_text_is_normalized() -> None:
    assert normalize("报价　＃１２　５２．８万") == "报价 #12 52.8万"


def test_chinese_punctuation_is_kept_as_written() -> None:
    typed = "跟进 ＃１ 客户说价格偏高，要再谈！金额：８０万（含税）？"
    assert normalize(typed) == "跟进 #1 客户说价格偏高，要再谈！金额：80万（含税）？"


def test_options_read_a_full_width_colon() -> None:
    args = Args("明途 金额：80万 区域:华东", Text("", ""), datetime(2026, 11, 24))
    assert args.options({"金额": "amount", "区域": "region"}) == {"amount": "80万", "region": "华东"}


def test_control_characters_are_dropped_but_emoji_kept() -> None:
    assert normalize("跟进\x00 #1 🚀") == "跟进 #1 🚀"


@pytest.mark.parametrize(("text", "name", "rest"), [
    ("报价 #12 52.8万", "报价", "#12 52.8万"),
    ("QUOTE #12 1000", "报价", "#12 1000"),
    ("customer add 明途", "新客户", "明途"),
    ("线索 转商机 L3", "线索 转商机", "L3"),
    ("客户明途", "客户", "明途"),
    ("#12", "商机", "#12"),
    ("同意A4", "同意", "A4"),  # a word that counts standing alone, glued to a ref
    ("放弃C12", "放弃", "C12"),
    ("领取L5", "领取", "L5"),
])
def test_resolves_commands_in_both_languages(text: str, name: str, rest: str) -> None:
    found = Router(registry).resolve(normalize(text))
    assert found is not None
    assert found[0].name == name and found[1] == rest


@pytest.mark.parametrize("text", [
    "公海里还有什么客户", "签到了吗", "审批还没下来", "待审批的合同怎么样了", "离职交接的事情下周再说",
    "放弃了远景的项目", "同意下周三去远景", "放弃海创",
])
def test_sentences_opening_with_a_command_word_are_left_to_free_text(text: str) -> None:
    assert Router(registry).resolve(normalize(text)) is None


def test_suggests_close_commands_for_typos() -> None:
    assert "报价" in registry.suggest("报加")
    assert "quote" in registry.suggest("qoute")


def test_every_command_has_zh_and_en_help_and_usage() -> None:
    for cmd in registry.commands:
        assert cmd.help.zh and cmd.help.en and cmd.usage.zh and cmd.usage.en, cmd.name
        assert any(a.isascii() for a in (cmd.name, *cmd.aliases)), f"{cmd.name} has no English alias"


def test_registering_a_word_twice_is_refused() -> None:
    reg = Registry()

    async def handler(ctx: object, args: object) -> object:
        return None

    reg.command("a", help_zh="x", help_en="x", usage_zh="x", usage_en="x")(handler)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="twice"):
        reg.command("b", "A", help_zh="x", help_en="x", usage_zh="x", usage_en="x")(handler)  # type: ignore[arg-type]


def test_missing_reference_explains_usage_in_both_languages() -> None:
    args = Args("52.8万", Text("报价 #12 52.8万", "quote #12 528000"), now=None)  # type: ignore[arg-type]
    with pytest.raises(DomainError) as err:
        args.opportunity()
    assert "用法：报价 #12 52.8万" in err.value.message("zh")
    assert "Usage: quote #12 528000" in err.value.message("en")


def test_options_take_keyword_pairs_and_colon_pairs() -> None:
    args = Args("明途 行业 制造 region:华东 标签 重点", Text("", ""), now=None)  # type: ignore[arg-type]
    opts = args.options({"行业": "industry", "region": "region", "标签": "tags"})
    assert opts == {"industry": "制造", "region": "华东", "tags": "重点"}
    assert args.rest() == "明途"
