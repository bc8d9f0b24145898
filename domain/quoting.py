"""Quote rules: every new price is a new numbered version; diffs between versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from domain.errors import InvalidValue
from domain.money import Money
from domain.quote import Quote


def next_version(existing: Sequence[Quote]) -> int:
    """1 for the first quote, else one above the highest version so far (gaps are kept)."""
    return max((q.version for q in existing), default=0) + 1


def latest(existing: Sequence[Quote]) -> Quote | None:
    return max(existing, key=lambda q: q.version, default=None)


def new_quote(
    opportunity_id: int,
    amount: Money,
    existing: Sequence[Quote],
    *,
    note: str = "",
    created_by: int | None = None,
    at: datetime | None = None,
) -> Quote:
    """A new Quote numbered after `existing` (the opportunity's quotes); earlier ones stay untouched."""
    if amount.amount <= 0:
        raise InvalidValue("报价金额", "必须大于 0", field_en="quote amount", reason_en="must be above 0")
    foreign = [q.version for q in existing if q.opportunity_id != opportunity_id]
    if foreign:
        raise ValueError(f"quotes of another opportunity passed for #{opportunity_id}: v{foreign}")
    return Quote(
        opportunity_id=opportunity_id,
        version=next_version(existing),
        amount=amount,
        note=note.strip(),
        created_by=created_by,
        created_at=at,
    )


@dataclass(frozen=True, slots=True)
class QuoteDiff:
    """What changed between two versions. `change`/`percent` are None across currencies;
    `percent` is also None when the old amount is zero. Percent is rounded to one decimal."""

    old_version: int
    new_version: int
    old_amount: Money
    new_amount: Money
    change: Money | None
    percent: Decimal | None
    old_note: str
    new_note: str

    @property
    def note_changed(self) -> bool:
        return self.old_note != self.new_note

    def describe(self, locale: str = "zh") -> str:
        """zh: "v2 → v3：52.8万 → 49.5万（-6.3%）"; en: "v2 → v3: ¥528,000 → ¥495,000 (-6.3%)"."""
        zh = locale != "en"
        text = (
            f"v{self.old_version} → v{self.new_version}{'：' if zh else ': '}"
            f"{self.old_amount.format(locale)} → {self.new_amount.format(locale)}"
        )
        delta = self._delta_text(zh)
        if delta:
            text += f"（{delta}）" if zh else f" ({delta})"
        if self.note_changed and self.new_note:
            text += f"；备注：{self.new_note}" if zh else f"; note: {self.new_note}"
        return text

    def _delta_text(self, zh: bool) -> str:
        if self.change is not None and self.change.amount == 0:
            return "持平" if zh else "unchanged"
        if self.percent is None:
            return ""
        sign = "+" if self.percent > 0 else ""
        return f"{sign}{self.percent.normalize():f}%"


def quote_diff(old: Quote, new: Quote) -> QuoteDiff:
    change: Money | None = None
    percent: Decimal | None = None
    if old.amount.currency == new.amount.currency:
        change = new.amount - old.amount
        if old.amount.amount != 0:
            ratio = change.amount / old.amount.amount * 100
            percent = ratio.quantize(Decimal("0.1"), ROUND_HALF_UP)
    return QuoteDiff(
        old_version=old.version,
        new_version=new.version,
        old_amount=old.amount,
        new_amount=new.amount,
        change=change,
        percent=percent,
        old_note=old.note,
        new_note=new.note,
    )
