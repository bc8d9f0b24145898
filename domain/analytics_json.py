"""The analytics numbers (domain.analytics) as JSON-able values, for `--json` outputs and other tools.

Decimals become strings ("500000.00": exact), dates and datetimes ISO 8601, stages and reasons their codes,
sets sorted lists; derived numbers (Results.win_rate, StageConversion.rate, Period.code) are included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

DERIVED = ("code", "win_rate", "rate")


def to_json(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        found = {f.name: to_json(getattr(value, f.name)) for f in fields(value)}
        for name in DERIVED:
            if isinstance(getattr(type(value), name, None), property):
                found[name] = to_json(getattr(value, name))
        return found
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(to_json(k)): to_json(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(to_json(v) for v in value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value
