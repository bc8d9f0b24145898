"""Command registry: zh + en aliases, help generated from the registrations, "did you mean"."""

from __future__ import annotations

import difflib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.i18n import Text

if TYPE_CHECKING:
    from bot.args import Args
    from bot.context import Context
    from bot.reply import Reply

Handler = Callable[["Context", "Args"], Awaitable["Reply"]]
_GLUED_REF = re.compile(r"(?:[Cc][Rr]\d+|[ACLMPRTaclmprt]\d+|#\d+)(?:\s|$)")  # A4, C12, CR3, P3, T12, #12 (spaced on)
# a delivery ref glued to the Chinese word after it too: 任务T12完成 80%, 变更CR3同意, 里程碑M5验收
_REF_THEN_WORD = re.compile(r"(?:[Cc][Rr]\d+|[MPTmpt]\d+)(?=[\u4e00-\u9fff])")
_PARTICLES = tuple("了的里吗呢还怎什没已")  # "签到了吗", "公海里…", "审批还没下来": sentences, for free text


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
    name_en: str = ""  # what English reports call it (usage): given, or its first English alias


SECTIONS: dict[str, Text] = {
    "customers": Text("客户", "Customers"),
    "leads": Text("线索", "Leads"),
    "deals": Text("商机", "Deals"),
    "money": Text("报价与回款", "Quotes and payments"),
    "approvals": Text("审批", "Approvals"),
    "queries": Text("查询", "Queries"),
    "reminders": Text("提醒", "Reminders"),
    "delivery": Text("交付", "Delivery"),
    "general": Text("通用", "General"),
}


class Registry:
    def __init__(self) -> None:
        self._commands: list[Command] = []
        self._by_word: dict[str, Command] = {}

    def command(self, name: str, *aliases: str, help_zh: str, help_en: str, usage_zh: str, usage_en: str,
                section: str = "general", writes: bool = True, prefix: bool = True,
                name_en: str = "") -> Callable[[Handler], Handler]:
        """`name_en`: the English name where the first English alias reads badly as one ("follow" -> "follow-up")."""
        def register(handler: Handler) -> Handler:
            label = name_en or next((word for word in aliases if word.isascii()), name)
            cmd = Command(name, aliases, Text(help_zh, help_en), Text(usage_zh, usage_en), section,
                          handler, writes, prefix, label)
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
        """Chinese commands are often written without a space: "客户明途" → (客户, "明途"). A command word
        glued to a particle opens a sentence, not a command ("公海里还有什么客户", "签到了吗"); one that counts
        only standing alone (`prefix=False`: 同意, 放弃…) may still be glued to a ref ("同意A4", "放弃C12")."""
        folded = text.casefold()
        for word in sorted(self._by_word, key=len, reverse=True):
            if not folded.startswith(word) or word.isascii():
                continue
            rest, cmd = text[len(word):], self._by_word[word]
            if _GLUED_REF.match(rest):
                return cmd, rest
            if cmd.section == "delivery" and (ref := _REF_THEN_WORD.match(rest)):
                return cmd, f"{ref.group(0)} {rest[ref.end():]}"
            if cmd.prefix:
                return None if rest.startswith(_PARTICLES) else (cmd, rest)
        return None

    def suggest(self, word: str, limit: int = 3, cutoff: float = 0.5) -> list[str]:
        return difflib.get_close_matches(word.casefold(), list(self._by_word), n=limit, cutoff=cutoff)


registry = Registry()
command = registry.command
