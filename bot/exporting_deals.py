"""`dealbot export deals FILE.csv|.xlsx`: every deal in the columns `dealbot import deals` reads
(bot.deal_sheet), stage history and follow-up dates included, so that the file imports into an empty
database as the same pipeline. A deal created in dealbot (no ref of its own) is written with ref `#<id>`."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from bot.deal_sheet import HEADER_ROW, format_amount, format_days, format_history, format_lost_reason
from domain.activity import FollowUp
from domain.customer import Customer
from domain.imported_history import day
from domain.opportunity import Opportunity
from domain.ports import UnitOfWork

PAGE = 500  # deals read at a time


class UnwritableFile(Exception):
    """The export cannot be written; `zh`/`en` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


async def export_deals_file(uow_factory: Callable[[], UnitOfWork], path: str | Path, *, tz: tzinfo) -> int:
    """Write every deal to `path` (.csv or .xlsx; dates in `tz`); how many deals were written."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise UnwritableFile(f"不支持的文件格式 {path.suffix or '（无扩展名）'}，请使用 .xlsx 或 .csv",
                             f"unsupported file type {path.suffix or '(none)'}: use .xlsx or .csv")
    rows: list[Sequence[str]] = [HEADER_ROW]
    async with uow_factory() as uow:
        owners = {rep.id: rep.name for rep in await uow.reps.list() if rep.id is not None}
        after = 0
        while page := await uow.opportunities.after(after, PAGE):
            customers = await uow.customers.many({deal.customer_id for deal in page})
            followups = await uow.followups.for_opportunities(deal.id for deal in page if deal.id is not None)
            rows += [deal_cells(deal, customers.get(deal.customer_id), owners, followups.get(deal.id or 0, []), tz)
                     for deal in page]
            after = page[-1].id or after
    _write(path, rows)
    return len(rows) - 1


def deal_cells(deal: Opportunity, customer: Customer | None, owners: Mapping[int, str],
               followups: Sequence[FollowUp], tz: tzinfo) -> tuple[str, ...]:
    """One deal as the sheet's cells, in bot.deal_sheet.COLUMNS order."""
    amount, currency = format_amount(deal.amount)
    created = deal.created_at or (deal.history[0].at if deal.history else None)
    closed = (deal.closed_at or (deal.history[-1].at if deal.history else None)) if deal.stage.is_closed else None
    return (
        deal.ref or f"#{deal.id}", deal.name, customer.name if customer else "",
        customer.industry if customer else "", customer.region if customer else "",
        owners.get(deal.owner_id or 0, ""), deal.source, amount, currency, _day(created, tz),
        deal.stage.label("zh"), _day(closed, tz), format_lost_reason(deal.lost_reason, deal.lost_note),
        format_history(deal.history, tz), format_days((f.at for f in followups), tz),
    )


def _day(at: datetime | None, tz: tzinfo) -> str:
    return "" if at is None else day(at.astimezone(tz))


def _write(path: Path, rows: Sequence[Sequence[str]]) -> None:
    try:
        if path.suffix.lower() == ".xlsx":
            _write_xlsx(path, rows)
        else:
            with path.open("w", encoding="utf-8-sig", newline="") as out:  # the BOM lets Excel read UTF-8
                csv.writer(out).writerows(rows)
    except OSError as err:
        raise UnwritableFile(f"无法写入文件：{err}", f"cannot write the file: {err}") from None


def _write_xlsx(path: Path, rows: Sequence[Sequence[str]]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("deals")
    for row in rows:
        sheet.append(list(row))
    book.save(path)
