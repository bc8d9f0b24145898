"""`[delivery]` config (bot.delivery.settings): defaults, the standard template under its zh and en words,
configured templates, and the checks that refuse a malformed template before the bot starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.delivery.settings import delivery_settings, templates_problem
from domain.delivery import STANDARD_TEMPLATE


def config_with(**delivery: object):  # type: ignore[no-untyped-def]
    config = load_config(environ={})
    config.sections["delivery"] = dict(delivery)
    return config


def test_defaults_open_projects_on_win_from_the_standard_template() -> None:
    settings = delivery_settings(load_config(environ={}))
    assert (settings.auto_project, settings.payment_terms_days) == (True, 0)
    assert settings.template(None) is STANDARD_TEMPLATE
    assert settings.template("standard") is STANDARD_TEMPLATE and settings.template("标准") is STANDARD_TEMPLATE
    assert settings.template("快速") is None


def test_configured_templates_and_terms() -> None:
    settings = delivery_settings(config_with(payment_terms_days=15, default_template="快速", templates={
        "快速": {"milestones": [{"name": "上线", "name_en": " Go-live ", "days": 30, "payment": 1},
                              {"name": "验收", "days": 45}]}}))
    quick = settings.template(None)
    assert quick is not None and quick.name == "快速"
    assert [(m.name, m.offset_days, m.payment_seq) for m in quick.milestones] == [("上线", 30, 1), ("验收", 45, None)]
    assert [(m.name_en, m.label("en"), m.label("zh")) for m in quick.milestones] == [
        ("Go-live", "Go-live", "上线"), ("", "验收", "验收")]
    assert settings.payment_terms_days == 15 and settings.names() == "标准、快速"


@pytest.mark.parametrize(("templates", "problem"), [
    ({"快速": {"milestones": []}}, "needs milestones"),
    ({"快速": {"milestones": [{"name": "上线"}]}}, "each milestone must be a table"),
    ({"快速": {"milestones": [{"name": "上线", "days": -1}]}}, "days must be a whole number"),
    ({"快速": {"milestones": [{"name": "上线", "days": 3, "payment": 0}]}}, "payment must be the seq"),
    ({"快速": {"milestones": [{"name": "上线", "days": 3, "pay": 1}]}}, "each milestone must be a table"),
    ({"快速": {"milestones": [{"name": "上线", "days": 3, "name_en": 5}]}}, "name_en must be text"),
])
def test_malformed_templates_are_refused(templates: dict[str, object], problem: str) -> None:
    found = templates_problem(templates)
    assert found is not None and problem in found
    with pytest.raises(ConfigError, match=problem):
        delivery_settings(config_with(templates=templates))


def test_a_default_template_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ConfigError, match="default_template names no template: 加急"):
        delivery_settings(config_with(default_template="加急"))


def test_a_config_file_with_templates_loads_and_a_bad_key_is_named(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text('[delivery]\nauto_project = false\npayment_terms_days = 10\n'
                    '[delivery.templates."快速"]\nmilestones = [{ name = "上线", days = 30, payment = 1 }]\n',
                    encoding="utf-8")
    settings = delivery_settings(load_config(path, environ={}))
    assert not settings.auto_project and settings.payment_terms_days == 10 and settings.template("快速") is not None
    path.write_text('[delivery]\nauto_projects = false\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="auto_project"):
        load_config(path, environ={})
    path.write_text('[delivery.templates."快速"]\nmilestones = [{ name = "上线" }]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="each milestone must be a table"):
        load_config(path, environ={})
