"""Known customers recognised by full name, short name or alias ("恒瑞" -> 苏州恒瑞智能装备有限公司)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.nlp.text import rx
from domain.customer import normalize_name

_ASCII_WORD = rx(r"[A-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class KnownName:
    """A customer the caller already knows; `ref` is whatever the caller uses to find it again."""

    name: str
    aliases: tuple[str, ...] = ()
    ref: int | str | None = None

    @classmethod
    def of(cls, value: KnownName | str) -> KnownName:
        return value if isinstance(value, KnownName) else cls(value)

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and this is hot
class KnownHit:
    start: int
    end: int
    matches: tuple[KnownName, ...]  # more than one: the written name is ambiguous


class Gazetteer:
    """One compiled pattern over every spelling; build once per customer list (see `gazetteer_for`)."""

    def __init__(self, known: Iterable[KnownName]) -> None:
        self._by_key: dict[str, list[KnownName]] = {}
        for entry in known:
            for spelling in entry.spellings:
                key = spelling.strip().casefold()
                if len(key) >= 2 and entry not in self._by_key.setdefault(key, []):
                    self._by_key[key].append(entry)
        parts = [_pattern(key) for key in sorted(self._by_key, key=len, reverse=True)]
        self._pattern = rx("|".join(parts), re.IGNORECASE) if parts else None

    def find(self, text: str) -> list[KnownHit]:
        if self._pattern is None:
            return []
        return [
            KnownHit(m.start(), m.end(), tuple(self._by_key[m.group(0).casefold()]))
            for m in self._pattern.finditer(text)
        ]


def _pattern(key: str) -> str:
    escaped = re.escape(key)
    if _ASCII_WORD.match(key[0]):
        escaped = r"(?<![A-Za-z0-9])" + escaped
    if _ASCII_WORD.match(key[-1]):
        escaped += r"(?![A-Za-z0-9])"
    return escaped


@lru_cache(maxsize=16)
def gazetteer_for(known: tuple[KnownName, ...]) -> Gazetteer:
    return Gazetteer(known)


def same_company(written: str, known: KnownName) -> bool:
    """Does a written full name denote this customer (恒瑞智能装备有限公司 ~ 苏州恒瑞智能装备有限公司)?

    The written name and the full name may differ by a leading city; an alias must match exactly
    (a short alias 中信 inside 中信建投证券 is another company).
    """
    mine = normalize_name(written)
    full = normalize_name(known.name)
    if not mine or not full:
        return False
    if min(len(mine), len(full)) >= 2 and (mine in full or full in mine):
        return True
    return any(normalize_name(alias) == mine for alias in known.aliases)
