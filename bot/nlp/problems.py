"""What the parser did not understand: machine codes with a zh and an en sentence.

The bot shows `problem.message(locale)` to the rep and refuses to write when the parse's confidence
is low; the same problems back the errors raised by the typed-argument helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from domain.errors import DomainError

Severity = Literal["error", "warning", "info"]

# code -> (severity, zh template, en template)
CATALOGUE: dict[str, tuple[Severity, str, str]] = {
    "empty_message": ("error", "消息是空的", "The message is empty"),
    "no_text": ("error", "消息里没有可识别的文字", "The message has no readable text"),
    "text_too_long": (
        "error", "消息太长（{size} 字），没有分析；请把要点控制在 {limit} 字以内",
        "The message is too long to read ({size} characters); keep the points under {limit}"),
    "intent_unclear": (
        "error", "没看懂这条消息要做什么，可以发送「帮助」查看写法",
        "Could not tell what this message is about; send 'help' for examples"),
    "amount_unit_missing": (
        "error", "金额「{text}」没有单位，请写明，例如 60万、60000元、$60k",
        "The amount '{text}' has no unit; write it as e.g. 60万, 60000 yuan or $60k"),
    "amount_invalid": ("error", "看不懂金额「{text}」", "Could not read the amount '{text}'"),
    "amount_unreadable": (
        "error", "看不懂金额「{text}」，请写成数字加单位，例如 80万、800000元、$75k",
        "Could not read the amount '{text}'; write a number with a unit, e.g. 80万, 800000 yuan or $75k"),
    "amount_vague": (
        "error", "金额「{text}」不是确切的数，请写具体金额，例如 120万",
        "'{text}' is not an exact amount; write the figure, e.g. 1.2M or 120万"),
    "amount_range": (
        "warning", "金额「{text}」是一个范围，先按下限记录", "'{text}' is a range; the lower bound was taken"),
    "currency_assumed": (
        "info", "金额「{text}」没写币种，按 {currency} 记录", "'{text}' has no currency; {currency} assumed"),
    "date_invalid": ("error", "日期「{text}」不存在", "'{text}' is not a real date"),
    "time_invalid": ("error", "时间「{text}」不存在", "'{text}' is not a real time of day"),
    "date_unreadable": ("error", "看不懂时间「{text}」", "Could not read the date '{text}'"),
    "date_in_past": (
        "warning", "「{text}」是过去的时间（{value}），请确认下一步的时间",
        "'{text}' is in the past ({value}); when is the next step?"),
    "company_ambiguous": (
        "warning", "「{text}」对应多个已知客户：{options}", "'{text}' matches several known customers: {options}"),
    "opportunity_missing": (
        "warning", "没有写商机编号（例如 #12）", "No deal number given (e.g. #12)"),
}

PENALTY: dict[Severity, float] = {"error": 0.35, "warning": 0.1, "info": 0.0}


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    severity: Severity
    zh: str
    en: str
    start: int | None = None
    end: int | None = None

    def message(self, locale: str = "zh") -> str:
        return self.en if locale == "en" else self.zh

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "zh": self.zh, "en": self.en}


def problem(code: str, span: tuple[int, int] | None = None, **params: Any) -> Problem:
    severity, zh, en = CATALOGUE[code]
    start, end = span if span else (None, None)
    return Problem(code, severity, _fill(zh, params), _fill(en, params), start, end)


def _fill(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


class NotUnderstood(DomainError):
    """Raised by parse_amount / parse_when for text that looks like a value but is not a valid one."""

    zh = "{zh}"
    en = "{en}"

    def __init__(self, found: Problem) -> None:
        self.problem = found
        super().__init__(zh=found.zh, en=found.en, code=found.code)

    @property
    def code(self) -> str:
        return self.problem.code


class AmountNotUnderstood(NotUnderstood):
    pass


class DateNotUnderstood(NotUnderstood):
    pass
