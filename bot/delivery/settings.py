"""`[delivery]` in the config (issue #15): whether winning a deal opens its delivery project, the payment
terms after a milestone's acceptance, and project templates beside the built-in 标准 (standard):

    [delivery]
    auto_project = true          # 赢单 opens the delivery project from the default template
    payment_terms_days = 0       # a payment released by 验收 is due this many days after it
    default_template = "标准"

    [delivery.templates."快速"]      # a name in Chinese is quoted (TOML)
    milestones = [{ name = "上线", name_en = "Go-live", days = 30, payment = 1 }, { name = "验收", days = 45 }]

`days`: due this many days after the project starts; `payment`: the seq of the deal's payment plan it releases;
`name_en` (optional): the name used when someone whose locale is en opens the project.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.config import Config, ConfigError
from domain.delivery import STANDARD_TEMPLATE, ProjectTemplate, TemplateMilestone

STANDARD_WORDS = ("标准", "standard", "default", "默认")
_STEP_KEYS = {"name", "name_en", "days", "payment"}


def _builtin() -> dict[str, ProjectTemplate]:
    return {STANDARD_TEMPLATE.name: STANDARD_TEMPLATE}


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    auto_project: bool = True
    payment_terms_days: int = 0
    default_template: str = STANDARD_TEMPLATE.name
    templates: Mapping[str, ProjectTemplate] = field(default_factory=_builtin)

    def template(self, word: str | None) -> ProjectTemplate | None:
        """The template a word names (标准 / standard for the standard one, else a configured name)."""
        wanted = (word or self.default_template).strip().casefold()
        if wanted in STANDARD_WORDS:
            wanted = STANDARD_TEMPLATE.name
        return next((t for name, t in self.templates.items() if name.casefold() == wanted), None)

    def names(self, sep: str = "、") -> str:
        return sep.join(self.templates)


def _step_problem(step: Any) -> str | None:
    if not isinstance(step, Mapping) or not {"name", "days"} <= set(step) or not set(step) <= _STEP_KEYS:
        return "each milestone must be a table like { name = \"上线\", days = 30, payment = 1 } (payment optional)"
    if not isinstance(step["name"], str) or not step["name"].strip() or len(step["name"]) > 100:
        return "a milestone name must be text of at most 100 characters"
    english = step.get("name_en", "")
    if not isinstance(english, str) or len(english) > 100:
        return "name_en must be text of at most 100 characters"
    if isinstance(step["days"], bool) or not isinstance(step["days"], int) or not 0 <= step["days"] <= 3650:
        return "days must be a whole number from 0 to 3650"
    payment = step.get("payment")
    if payment is not None and (isinstance(payment, bool) or not isinstance(payment, int) or payment < 1):
        return "payment must be the seq (1, 2, …) of a payment milestone"
    return None


def templates_problem(value: Any) -> str | None:
    """The config check of [delivery.templates.<name>] tables."""
    if not isinstance(value, Mapping):
        return 'must be tables like [delivery.templates."快速"] with milestones = [...]'
    for name, table in value.items():
        steps = table.get("milestones") if isinstance(table, Mapping) else None
        if not isinstance(steps, list) or not steps or set(table) != {"milestones"}:
            return f"{name}: needs milestones = [{{ name = \"上线\", days = 30, payment = 1 }}, ...] and nothing else"
        if (problem := next((p for s in steps if (p := _step_problem(s)) is not None), None)) is not None:
            return f"{name}: {problem}"
    return None


def delivery_settings(config: Config) -> DeliverySettings:
    section = config.section("delivery")
    if (problem := templates_problem(section.get("templates", {}))) is not None:
        raise ConfigError(f"[delivery] templates {problem}")
    templates = _builtin()
    for name, table in section.get("templates", {}).items():
        templates[str(name)] = ProjectTemplate(str(name), tuple(
            TemplateMilestone(str(s["name"]).strip(), int(s["days"]), s.get("payment"),
                              str(s.get("name_en", "")).strip()) for s in table["milestones"]))
    settings = DeliverySettings(bool(section.get("auto_project", True)), int(section.get("payment_terms_days", 0)),
                                str(section.get("default_template", STANDARD_TEMPLATE.name)), templates)
    if settings.template(None) is None:
        raise ConfigError(f"[delivery] default_template names no template: {settings.default_template} "
                          f"(known: {settings.names()})")
    return settings
