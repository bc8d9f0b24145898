"""The digest as an HTML page or email body (Jinja2, autoescaped), with its two charts as images."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot.digest.model import Digest
from bot.digest.words import money, one_amount, percent, say
from bot.handlers.deals import LOST_LABELS
from domain.analytics import Movement

if TYPE_CHECKING:
    from jinja2 import Environment


@lru_cache(maxsize=1)
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, select_autoescape  # loaded with the first page drawn

    return Environment(loader=PackageLoader("bot.digest", "templates"), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def title(d: Digest, locale: str) -> str:
    return say("title", locale, team=d.scope_name(locale), day=d.day.isoformat())


def render_html(d: Digest, locale: str, images: Mapping[str, str] | None = None) -> str:
    """`images`: chart name ("funnel", "trend") -> its image source ("cid:<content id>" in a mail, a data: URI
    in a file); a chart without one is left out."""

    def reason(m: Movement) -> str:
        return LOST_LABELS[m.lost_reason][0 if locale == "zh" else 1] if m.lost_reason else ""

    context: dict[str, Any] = {
        "d": d, "locale": locale, "title": title(d, locale), "images": dict(images or {}),
        "say": lambda key, **values: say(key, locale, **values),
        "money": lambda amounts: money(amounts, locale),
        "amount": lambda value, currency: one_amount(Decimal(value), currency, locale),
        "percent": percent, "reason": reason, "conversion_days": (d.at - d.funnel.since).days,
        "forecasts": [(say("month", locale), d.forecast_month), (say("quarter", locale), d.forecast_quarter)],
        "lists": [("stalled", d.stalled, "since"), ("overdue_followups", d.overdue_followups, "due"),
                  ("overdue_payments", d.overdue_payments, "due")],
    }
    return _environment().get_template("digest.html").render(context)


