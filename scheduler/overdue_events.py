"""Webhook events of the risk scan (issue #16): a new "invoice unpaid past its terms" warning raises
`invoice.overdue`, in the transaction that stores the warning (the ledger stores each warning once, so the
event is raised once per invoice and state: again only when the amount still owed changes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.risk_ports import RiskUnitOfWork
from domain.risks import RiskRule, Warning
from domain.webhooks import Candidate

RULE = RiskRule.INVOICE_UNPAID


async def record_warnings(uow: RiskUnitOfWork, warnings: Sequence[Warning], now: datetime) -> int:
    """`uow.risks.record`, plus an `invoice.overdue` event for each invoice warning it stored; how many new."""
    created = await uow.risks.record(warnings, now)
    days = {w.subject_id: w.weight for w in warnings if w.rule is RULE}
    if created and days:
        for alert in await uow.risks.recorded(RULE.value, "invoice", days, now):
            uow.events.emit(Candidate("invoice.overdue", "invoice", alert.subject_id, now,
                                      {"days_since_issued": days[alert.subject_id]}))
    return created
