"""Known customers recognised by full name, short name or alias ("恒瑞" -> 苏州恒瑞智能装备有限公司).

No regular expression over the names: a `NameTable` maps every spelling (stripped, case-folded, at
least two characters) to its customers, and every two-character head of a spelling to the lengths of
the spellings that start with it. `Gazetteer.find` walks the message once: at each position it looks up
the head, then tries the possible lengths, longest first, as plain dict lookups. That is the old
single-pattern gazetteer's behaviour exactly (longest match at the leftmost position, no overlaps,
ASCII letters case-insensitive, an ASCII letter or digit at a spelling's edge must not touch another
one), at a cost that depends on the message, not on the number of names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.nlp.text import fold
from domain.customer import normalize_name

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")  # after _ASCII_LOWER: [A-Za-z0-9]


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


# A table holds the caller's KnownName objects, or, filled by `add_row` (the bot's 500,000 customers),
# each customer packed into one string "ref\x1fname\x1falias..." (customers sharing a spelling: joined
# by \x1e). A dict of strings and ints is not tracked by the garbage collector: the big table adds
# nothing to the full collections, which would otherwise walk it for 100 ms and more under the GIL.
_FIELD, _RECORD = "\x1f", "\x1e"
_CONTROL = str.maketrans({_FIELD: " ", _RECORD: " "})
Bucket = KnownName | list[KnownName] | str
SHARDS = 64
_CONCAT_LIMIT = 2000  # characters: past this a shared spelling's customers are listed until `finish`
MASK = SHARDS - 1


class NameTable:
    """Spellings to customers. Filled by one thread (`add`, or `add_row` then `finish`), then only read:
    share it, never change it."""

    __slots__ = ("__weakref__", "_shared", "heads", "keys", "size")

    def __init__(self) -> None:
        # Both maps are split in SHARDS dicts by hash: growing one dict of a million keys copies it in one
        # go (over 100 ms holding the GIL, a stall of the event loop); a shard grows 64 times smaller.
        self.keys: tuple[dict[str, Bucket], ...] = tuple({} for _ in range(SHARDS))
        # first two characters -> bit mask of the lengths of the spellings that start with them
        self.heads: tuple[dict[str, int], ...] = tuple({} for _ in range(SHARDS))
        self.size = 0  # spellings held
        self._shared: dict[str, list[str]] = {}  # add_row: the other customers of a spelling, until finish

    def __len__(self) -> int:
        return self.size

    def add(self, entry: KnownName) -> None:
        """Add one customer's spellings. The caller gives each customer once (equal entries are one)."""
        for key in _keys(entry.spellings):
            bucket = self._place(key, entry)
            if type(bucket) is list:
                if bucket[-1] is not entry:  # the same customer spelt twice (name "ABC", alias "abc")
                    bucket.append(entry)
            elif bucket is not None and bucket is not entry:
                self.keys[hash(key) & MASK][key] = [bucket, entry]  # type: ignore[list-item]

    def add_row(self, ref: int, name: str, aliases: tuple[str, ...]) -> None:
        """Add a customer as KnownName(name, aliases, ref) would be, packed (see above); `finish` after."""
        packed = _FIELD.join([str(ref), *(n.translate(_CONTROL) for n in (name, *aliases))])
        for key in _keys((name, *aliases)):
            bucket = self._place(key, packed)
            if bucket is None or bucket is packed or type(bucket) is not str:
                continue
            if bucket.endswith(_RECORD + packed):
                continue  # the same customer spelt twice
            if len(bucket) < _CONCAT_LIMIT:  # a few customers share the spelling: one string, untracked
                self.keys[hash(key) & MASK][key] = bucket + _RECORD + packed
                continue
            shared = self._shared.setdefault(key, [])  # many: a list, joined by `finish`
            if not shared or shared[-1] is not packed:
                shared.append(packed)

    def finish(self) -> None:
        for key, more in self._shared.items():
            keys = self.keys[hash(key) & MASK]
            keys[key] = _RECORD.join((keys[key], *more))  # type: ignore[arg-type]
        self._shared = {}

    def _place(self, key: str, entry: KnownName | str) -> Bucket | None:
        """Put `entry` under a new spelling; else the bucket already there."""
        keys = self.keys[hash(key) & MASK]
        bucket = keys.get(key)
        if bucket is None:
            keys[key] = entry
            self.size += 1
            head = key[:2]
            heads = self.heads[hash(head) & MASK]
            heads[head] = heads.get(head, 0) | (1 << len(key))
        return bucket

    def lengths(self, head: str) -> int:
        return self.heads[hash(head) & MASK].get(head, 0)

    def get(self, key: str) -> tuple[KnownName, ...]:
        bucket = self.keys[hash(key) & MASK].get(key)
        if bucket is None:
            return ()
        if type(bucket) is str:
            return tuple(_unpack(record) for record in bucket.split(_RECORD))
        return tuple(bucket) if type(bucket) is list else (bucket,)  # type: ignore[return-value]


def _keys(spellings: Iterable[str]) -> Iterator[str]:
    for spelling in spellings:
        key = fold(spelling.strip()).casefold()  # 華潤 is found as 华润: messages are read folded too
        if len(key) >= 2:
            yield key


def _unpack(record: str) -> KnownName:
    ref, *names = record.split(_FIELD)
    return KnownName(names[0] if names else "", tuple(names[1:]), int(ref))


def table_of(known: Iterable[KnownName]) -> NameTable:
    """A table of `known`, in order; repeated (equal) entries count once, as they always did."""
    table, seen = NameTable(), set()
    for entry in known:
        if entry in seen:
            continue
        seen.add(entry)
        table.add(entry)
    return table


class Gazetteer:
    """Finds known customers in a message. Immutable: a change makes a new one (`with_changes`).

    `base` holds the customers as built; `overlay` holds the current spellings of customers changed or
    added since, and `stale` the refs whose `base` entries no longer count (changed or deleted). With an
    overlay, the customers of one spelling come in order of `ref` (the order of a fresh build by id).
    """

    __slots__ = ("__weakref__", "base", "overlay", "stale")

    def __init__(self, known: Iterable[KnownName] = (), *, base: NameTable | None = None,
                 overlay: NameTable | None = None, stale: frozenset[int | str | None] = frozenset()) -> None:
        self.base = base if base is not None else table_of(known)
        self.overlay = overlay if overlay is not None and len(overlay) else None
        self.stale = stale

    def __len__(self) -> int:
        return len(self.base) + (len(self.overlay) if self.overlay is not None else 0)

    def with_changes(self, overlay: NameTable, stale: frozenset[int | str | None]) -> Gazetteer:
        return Gazetteer(base=self.base, overlay=overlay, stale=stale)

    def find(self, text: str) -> list[KnownHit]:
        low = text.translate(_ASCII_LOWER)  # one character for one: offsets stay those of `text`
        lengths = self.base.lengths
        extra = self.overlay.lengths if self.overlay is not None else None
        hits: list[KnownHit] = []
        at, last = 0, len(low) - 1
        while at < last:
            head = low[at : at + 2]
            mask = lengths(head)
            if extra is not None:
                mask |= extra(head)
            hit = self._longest(low, at, mask) if mask else None
            if hit is None:
                at += 1
            else:
                hits.append(hit)
                at = hit.end
        return hits

    def _longest(self, low: str, start: int, mask: int) -> KnownHit | None:
        size = len(low)
        mask &= (2 << (size - start)) - 1  # no spelling longer than what is left of the text
        while mask:
            length = mask.bit_length() - 1
            mask ^= 1 << length
            end = start + length
            key = low[start:end]
            matches = self._matches(key)
            if not matches:
                continue
            if key[0] in _WORD and start and low[start - 1] in _WORD:
                continue  # "Initrode" must not match inside "XInitrode"
            if key[-1] in _WORD and end < size and low[end] in _WORD:
                continue
            return KnownHit(start, end, matches)
        return None

    def _matches(self, key: str) -> tuple[KnownName, ...]:
        found = self.base.get(key)
        if self.overlay is None:
            return found
        if found and self.stale:
            found = tuple(k for k in found if k.ref not in self.stale)
        added = self.overlay.get(key)
        if not added:
            return found
        return tuple(sorted(found + added, key=_ref)) if found else added


def _ref(known: KnownName) -> int | str:
    return known.ref if known.ref is not None else -1


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
