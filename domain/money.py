"""Money as a Decimal amount with an ISO currency code."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CNY = "CNY"
USD = "USD"


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str = CNY

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            object.__setattr__(self, "amount", Decimal(str(self.amount)))

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def scaled(self, factor: Decimal) -> Money:
        return Money((self.amount * factor).quantize(Decimal("0.01"), ROUND_HALF_UP), self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")

    def format(self, locale: str = "zh") -> str:
        """52.8万 / 3.5亿 in zh for CNY amounts exact to two places in that unit; else ¥528,000.50."""
        sign = "-" if self.amount < 0 else ""
        amount = abs(self.amount)
        if locale == "zh" and self.currency == CNY and amount >= 10000:
            for unit, size in (("亿", Decimal(10) ** 8), ("万", Decimal(10000))):
                scaled = amount / size
                if amount >= size and scaled == scaled.quantize(Decimal("0.01")):
                    return f"{sign}{_plain(scaled)}{unit}"
        symbol = "¥" if self.currency == CNY else "$" if self.currency == USD else self.currency + " "
        text = f"{amount.quantize(Decimal('0.01')):,.2f}".removesuffix(".00")
        return f"{sign}{symbol}{text}"


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
