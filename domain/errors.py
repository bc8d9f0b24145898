"""Domain errors carry a user-safe message in Chinese and English."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every expected failure. `zh`/`en` are format templates filled from `params`."""

    zh = "操作失败"
    en = "The operation failed"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.message("en"))

    def message(self, locale: str = "zh") -> str:
        template = self.en if locale == "en" else self.zh
        try:
            return template.format(**self.params)
        except (KeyError, IndexError):
            return template


class NotFound(DomainError):
    zh = "找不到{what} {ref}"
    en = "No {what_en} {ref} found"

    def __init__(self, what: str, ref: object, what_en: str | None = None) -> None:
        super().__init__(what=what, what_en=what_en or what, ref=ref)


class PermissionDenied(DomainError):
    zh = "你没有权限操作{what}"
    en = "You are not allowed to change {what_en}"

    def __init__(self, what: str, what_en: str | None = None) -> None:
        super().__init__(what=what, what_en=what_en or what)


class InvalidValue(DomainError):
    zh = "{field}无效：{reason}"
    en = "Invalid {field_en}: {reason_en}"

    def __init__(self, field: str, reason: str, field_en: str | None = None,
                 reason_en: str | None = None) -> None:
        super().__init__(field=field, reason=reason, field_en=field_en or field,
                         reason_en=reason_en or reason)
