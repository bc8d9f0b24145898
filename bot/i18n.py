"""Two-language text. Every user-facing string is a `Text` with zh and en."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Text:
    zh: str
    en: str

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh

    def format(self, locale: str, **params: Any) -> str:
        return self.get(locale).format(**params)


def pick(locale: str, zh: str, en: str) -> str:
    return en if locale == "en" else zh
