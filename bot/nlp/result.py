"""What a parse returns: the contract fields, confidence, problems, and the evidence to echo back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from bot.nlp.gazetteer import KnownName
from bot.nlp.problems import Problem

INTENTS = ("new_lead", "follow_up", "reminder", "stage_change", "quote", "payment", "query", "help", "unknown")
STAGES = ("initial_contact", "proposal", "negotiation", "won", "lost")
CONTRACT_KEYS = ("intent", "opportunity", "company", "contact", "phone", "email", "amount", "currency",
                 "stage", "next_at")
WRITE_THRESHOLD = 0.6  # below this the bot should ask back instead of writing


class Evidence(NamedTuple):
    """One recognised piece of the message: where it is, as written, and what it was read as."""

    label: str  # OPP, COMPANY, CONTACT, PHONE, EMAIL, MONEY, WHEN
    text: str
    start: int
    end: int
    value: str

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "text": self.text, "start": self.start, "end": self.end, "value": self.value}


@dataclass(frozen=True, slots=True)
class ParseResult:
    intent: str
    opportunity: int | None = None
    company: str | None = None
    contact: str | None = None
    phone: str | None = None
    email: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    stage: str | None = None
    next_at: date | datetime | None = None
    next_period: str = ""  # a part of the day written without a clock time (下周二下午 -> "pm"); not in the contract
    confidence: float = 0.0
    problems: tuple[Problem, ...] = ()
    spans: tuple[Evidence, ...] = ()
    known_customer: KnownName | None = None  # set when `company` was recognised from the caller's list
    language: str = "zh"

    @property
    def writable(self) -> bool:
        """Confident enough to write without asking back, and nothing was misunderstood."""
        return self.confidence >= WRITE_THRESHOLD and not any(p.severity == "error" for p in self.problems)

    def problem_codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def to_json(self) -> dict[str, Any]:
        """The `dealbot parse` contract: exactly the ten keys, null when absent."""
        return {
            "intent": self.intent,
            "opportunity": self.opportunity,
            "company": self.company,
            "contact": self.contact,
            "phone": self.phone,
            "email": self.email,
            "amount": json_number(self.amount),
            "currency": self.currency,
            "stage": self.stage,
            "next_at": self.next_at.isoformat() if self.next_at is not None else None,
        }

    def to_json_full(self) -> dict[str, Any]:
        """Contract keys plus confidence, problems and evidence (for debugging and the bot's echo)."""
        return {
            **self.to_json(),
            "confidence": round(self.confidence, 2),
            "problems": [p.to_json() for p in self.problems],
            "spans": [e.to_json() for e in self.spans],
        }


def json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
