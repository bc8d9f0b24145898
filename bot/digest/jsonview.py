"""The digest's numbers as one JSON-ready object (`dealbot digest --json`; keys in the README section).
Amounts are {currency: "decimal string with two places"}; rates are fractions (0.4 = 40%) or null."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.digest.model import DealList, Digest
from domain.analytics import Amounts, DealLine, Forecast, Movement

CENTS = Decimal("0.01")
TOP_KEYS = ("team", "date", "at", "today", "movements", "won_deals", "lost_deals", "funnel", "forecast", "targets",
            "top_reps", "stalled", "overdue_followups", "overdue_payments", "trend", "failed_deliveries",
            "at_risk_customers", "win_movers", "pool_reclaimed", "visits")


def decimal(value: Decimal) -> str:
    """Two places, whatever the engine returned ("200000.00")."""
    return str(value.quantize(CENTS))


def amounts(value: Amounts) -> dict[str, str]:
    return {currency: decimal(amount) for currency, amount in sorted(value.items())}


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _move(d: Digest, m: Movement) -> dict[str, Any]:
    return {"id": m.opportunity_id, "name": m.name, "owner_id": m.owner_id, "owner": d.owner(m.owner_id),
            "from": m.source.value, "to": m.target.value, "at": _when(m.at), "amounts": amounts(m.amounts),
            "lost_reason": m.lost_reason.value if m.lost_reason else None, "lost_note": m.lost_note}


def _line(d: Digest, line: DealLine) -> dict[str, Any]:
    return {"id": line.opportunity_id, "name": line.name, "owner_id": line.owner_id, "owner": d.owner(line.owner_id),
            "stage": line.stage.value, "since": _when(line.since), "amounts": amounts(line.amounts)}


def _list(d: Digest, deals: DealList) -> dict[str, Any]:
    return {"count": deals.count, "deals": [_line(d, line) for line in deals.lines]}


def _forecast(f: Forecast) -> dict[str, Any]:
    return {"period": f.period.code, "weighted": amounts(f.weighted), "open_deals": f.open_deals,
            "won_amounts": amounts(f.won_amounts)}


def _reclaimed(d: Digest, listed: tuple[tuple[int, str, int | None], ...]) -> list[dict[str, Any]]:
    return [{"id": item_id, "name": name, "owner_id": owner, "owner": d.owner(owner) or None}
            for item_id, name, owner in listed]


def as_json(d: Digest) -> dict[str, Any]:
    t, f = d.today, d.funnel
    return {
        "team": {"id": d.team_id, "name": d.team_name}, "date": d.day.isoformat(), "at": d.at.isoformat(),
        "today": {"new_leads": t.new_leads, "new_deals": t.new_deals, "won": t.won,
                  "won_amounts": amounts(t.won_amounts), "lost": t.lost},
        "movements": [_move(d, m) for m in d.stage_moves],
        "won_deals": [_move(d, m) for m in d.won], "lost_deals": [_move(d, m) for m in d.lost],
        "funnel": {"stages": [{"stage": s.stage.value, "count": s.count, "amounts": amounts(s.amounts)}
                              for s in f.stages],
                   "conversions": [{"from": c.source.value, "to": c.target.value, "reached_from": c.reached_source,
                                    "reached_to": c.reached_target, "rate": c.rate} for c in f.conversions],
                   "avg_cycle_days": f.avg_cycle_days, "since": f.since.isoformat()},
        "forecast": {"month": _forecast(d.forecast_month), "quarter": _forecast(d.forecast_quarter)},
        "targets": [{"period": x.period.code, "target": decimal(x.target), "currency": x.currency,
                     "actual": decimal(x.actual), "achieved": x.achieved, "elapsed": x.elapsed,
                     "on_track": x.on_track} for x in d.targets],
        "top_reps": [{"rep_id": r.rep_id, "name": r.name, "won": r.won, "won_amounts": amounts(r.won_amounts)}
                     for r in d.top_reps],
        "stalled": _list(d, d.stalled), "overdue_followups": _list(d, d.overdue_followups),
        "overdue_payments": _list(d, d.overdue_payments),
        "trend": [{"week_start": p.start.isoformat(), "won": p.won, "won_amounts": amounts(p.won_amounts),
                   "new_deals": p.new_deals} for p in d.trend],
        "failed_deliveries": d.failed_deliveries,
        "at_risk_customers": [{"id": c.customer_id, "name": c.name, "score": c.score, "reason_zh": c.reason_zh,
                               "reason_en": c.reason_en} for c in d.at_risk],
        "win_movers": [{"id": m.opportunity_id, "name": m.name, "owner": d.owner(m.owner_id) or None,
                        "p_win": m.p_win, "previous": m.previous, "reason_zh": m.reason_zh, "reason_en": m.reason_en}
                       for m in d.movers],
        "pool_reclaimed": {"count": d.reclaimed.count, "customers": _reclaimed(d, d.reclaimed.customers),
                           "lead_count": d.reclaimed.lead_count, "leads": _reclaimed(d, d.reclaimed.leads)},
        "visits": {"count": d.visits.visits, "far": d.visits.far} if d.visits is not None else None,
    }
