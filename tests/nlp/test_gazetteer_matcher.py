"""The dict-based gazetteer finds exactly what the old single-regex gazetteer found."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

from bot.nlp.gazetteer import Gazetteer, KnownHit, KnownName, NameTable, table_of

_ASCII_WORD = re.compile(r"[A-Za-z0-9]", re.ASCII)
ALPHABET = "恒瑞智能装备明途信息科技中信建投AaBbCcIiNnTt019 .&-"


class RegexGazetteer:
    """The old implementation (one compiled pattern over every spelling), kept here as the reference."""

    def __init__(self, known: Iterable[KnownName]) -> None:
        self._by_key: dict[str, list[KnownName]] = {}
        for entry in known:
            for spelling in entry.spellings:
                key = spelling.strip().casefold()
                if len(key) >= 2 and entry not in self._by_key.setdefault(key, []):
                    self._by_key[key].append(entry)
        parts = [_pattern(key) for key in sorted(self._by_key, key=len, reverse=True)]
        self._pattern = re.compile("|".join(parts), re.IGNORECASE | re.ASCII) if parts else None

    def find(self, text: str) -> list[KnownHit]:
        if self._pattern is None:
            return []
        return [KnownHit(m.start(), m.end(), tuple(self._by_key[m.group(0).casefold()]))
                for m in self._pattern.finditer(text)]


def _pattern(key: str) -> str:
    escaped = re.escape(key)
    if _ASCII_WORD.match(key[0]):
        escaped = r"(?<![A-Za-z0-9])" + escaped
    if _ASCII_WORD.match(key[-1]):
        escaped += r"(?![A-Za-z0-9])"
    return escaped


def _word(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(low, high)))


def _names(rng: random.Random, count: int) -> list[KnownName]:
    names = []
    for ref in range(1, count + 1):
        name = _word(rng, 2, 9)
        aliases = tuple(_word(rng, 1, 4) for _ in range(rng.randint(0, 2)))
        names.append(KnownName(name if rng.random() > 0.1 else f" {name.upper()} ", aliases, ref))
    return names


def _message(rng: random.Random, names: list[KnownName]) -> str:
    parts = []
    for _ in range(rng.randint(1, 6)):
        if rng.random() < 0.6:
            spelling = rng.choice(rng.choice(names).spellings)
            parts.append(spelling.swapcase() if rng.random() < 0.3 else spelling)
        else:
            parts.append(_word(rng, 0, 4))
    return "".join(parts)


def _as_tuples(hits: list[KnownHit]) -> list[tuple[int, int, tuple[KnownName, ...]]]:
    return [(h.start, h.end, h.matches) for h in hits]


def test_random_names_and_messages_give_the_same_hits_as_the_regex() -> None:
    rng = random.Random(9)
    for _ in range(60):
        names = _names(rng, rng.randint(1, 40))
        names += rng.sample(names, k=min(3, len(names)))  # repeated entries count once
        new, old = Gazetteer(names), RegexGazetteer(names)
        for _ in range(40):
            text = _message(rng, names)
            assert _as_tuples(new.find(text)) == _as_tuples(old.find(text)), (text, names)


def test_the_longest_spelling_wins_and_ascii_edges_need_a_boundary() -> None:
    initrode = KnownName("Initrode Systems Ltd", ("Initrode",), 1)
    hengrui = KnownName("苏州恒瑞智能装备有限公司", ("恒瑞", "恒瑞智能"), 2)
    gazetteer = Gazetteer([initrode, hengrui])
    assert _as_tuples(gazetteer.find("见了恒瑞智能的周总")) == [(2, 6, (hengrui,))]
    assert _as_tuples(gazetteer.find("了INITRODE systems ltd报价")) == [(1, 21, (initrode,))]
    assert gazetteer.find("XInitrode and Initrodes") == []


def test_a_spelling_shared_by_two_customers_is_ambiguous() -> None:
    one, two = KnownName("苏州恒瑞智能装备有限公司", ("恒瑞",), 7), KnownName("江苏恒瑞医药股份有限公司", ("恒瑞",), 8)
    (hit,) = Gazetteer([one, two]).find("恒瑞的王总")
    assert hit.matches == (one, two)


def _current(names: dict[int, KnownName]) -> list[KnownName]:
    return [names[ref] for ref in sorted(names)]


def test_changes_on_top_of_a_built_table_match_a_fresh_build_of_the_current_names() -> None:
    rng = random.Random(11)
    for _ in range(40):
        names = {k.ref: k for k in _names(rng, rng.randint(5, 40)) if isinstance(k.ref, int)}
        base = table_of(_current(names))
        changed: dict[int, KnownName | None] = {}
        for ref in rng.sample(sorted(names), k=3):  # renamed, deleted, and new customers
            changed[ref] = None if rng.random() < 0.3 else KnownName(_word(rng, 2, 6), (), ref)
        changed[max(names) + 1] = KnownName(_word(rng, 2, 6), (_word(rng, 2, 3),), max(names) + 1)
        overlay = NameTable()
        for entry in changed.values():
            if entry is not None:
                overlay.add(entry)
        layered = Gazetteer(base=base).with_changes(overlay, frozenset(changed))
        current = {**names, **changed}
        fresh = RegexGazetteer(_current({r: k for r, k in current.items() if k is not None}))
        for _ in range(30):
            text = _message(rng, [k for k in current.values() if k is not None])
            assert _as_tuples(layered.find(text)) == _as_tuples(fresh.find(text)), text


def test_a_packed_table_of_rows_finds_what_the_regex_finds_over_the_same_customers() -> None:
    rng = random.Random(13)
    for _ in range(40):
        names = [k for k in _names(rng, rng.randint(1, 40)) if isinstance(k.ref, int)]
        table = NameTable()
        for entry in names:
            assert isinstance(entry.ref, int)
            table.add_row(entry.ref, entry.name, entry.aliases)
        table.finish()
        packed, old = Gazetteer(base=table), RegexGazetteer(names)
        for _ in range(40):
            text = _message(rng, names)
            assert _as_tuples(packed.find(text)) == _as_tuples(old.find(text)), text


def test_a_spelling_shared_by_hundreds_of_customers_lists_them_all_in_order() -> None:
    names = [KnownName(f"第{ref}科技有限公司", ("科技", f"科技{ref}", "科技"), ref) for ref in range(1, 400)]
    table = NameTable()
    for entry in names:
        assert isinstance(entry.ref, int)
        table.add_row(entry.ref, entry.name, entry.aliases)
    table.finish()
    packed, old = Gazetteer(base=table), RegexGazetteer(names)
    for text in ("科技的王总", "第7科技有限公司和科技399", "科技1"):
        assert _as_tuples(packed.find(text)) == _as_tuples(old.find(text)), text
    assert len(packed.find("科技")[0].matches) == 399
