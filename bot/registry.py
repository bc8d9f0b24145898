"""Command registry: zh + en aliases, help generated from the registrations, "did you mean"."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.i18n import Text

if TYPE_CHECKING:
    from bot.args import Args
    from bot.context import Context
    from bot.reply import Reply

Handler = Callable[["Context", "Args"], Awaitable["Reply"]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    help: Text
    usage: Text
    section: str
    handler: Handler
    writes: bool  # False for read-only commands (queries, help)
    prefix: bool = True  # False: its words only count standing alone, never glued to what follows


SECTIONS: dict[str, Text] = {
    "customers": Text("客户", "Customers"),
    "leads": Text("线索", "Leads"),
    "deals": Text("商机", "Deals"),
    "money": Text("报价与回款", "Quotes and payments"),
    "approvals": Text("审批", "Approvals"),
    "queries": Text("查询", "Queries"),
    "reminders": Text("提醒", "Reminders"),
    "general": Text("通用", "General"),
}


class Registry:
    def __init__(self) -> None:
        self._commands: list[Command] = []
        self._by_word: dict[str, Command] = {}

    def command(self, name: str, *aliases: str, help_zh: str, help_en: str, usage_zh: str, usage_en: str,
                section: str = "general", writes: bool = True, prefix: bool = True) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            cmd = Command(name, aliases, Text(help_zh, help_en), Text(usage_zh, usage_en), section,
                          handler, writes, prefix)
            for word in (name, *aliases):
                key = word.casefold()
                if key in self._by_word:
                    raise ValueError(f"command word {word!r} registered twice")
                self._by_word[key] = cmd
            self._commands.append(cmd)
            return handler

        return register

    @property
    def commands(self) -> tuple[Command, ...]:
        return tuple(self._commands)

    def lookup(self, word: str) -> Command | None:
        return self._by_word.get(word.casefold())

    def match_prefix(self, text: str) -> tuple[Command, str] | None:
        """Chinese commands are often written without a space: "客户明途" → (客户, "明途")."""
        folded = text.casefold()
        for word in sorted(self._by_word, key=len, reverse=True):
            if folded.startswith(word) and not word.isascii() and self._by_word[word].prefix:
                return self._by_word[word], text[len(word):]
        return None

    def suggest(self, word: str, limit: int = 3, cutoff: float = 0.5) -> list[str]:
        return difflib.get_close_matches(word.casefold(), list(self._by_word), n=limit, cutoff=cutoff)


registry = Registry()
command = registry.command
