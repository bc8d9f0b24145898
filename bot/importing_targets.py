"""`dealbot import targets FILE [--commit]`: sales targets from an .xlsx or .csv, one per row.

Columns (header names in zh or en): 团队 / team, or 销售 / 同事 / rep (one of them per row), 期间 / period
(2027Q1, 2027-01, 2027年1月), 目标 / 金额 / target / amount (500万, 5000000, $75k), optional 币种 / currency.
Every row is checked first; a dry run only reads; --commit writes every good row in one transaction (a
target already set for the same team or rep and period is replaced)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot import values
from bot.analytics_answers import COMPANY, COMPANY_WORDS, MAIN_CURRENCY
from bot.analytics_periods import UnknownPeriod, resolve_period
from bot.importing_table import UnreadableFile, cell_text, header_key, read_rows
from domain.analytics import Target
from domain.ports import UnitOfWork

HEADERS: dict[str, tuple[str, ...]] = {
    "team": ("团队", "团队名称", "小组", "team"),
    "rep": ("销售", "同事", "销售人员", "姓名", "rep", "salesrep", "name"),
    "period": ("期间", "周期", "月份", "季度", "period", "month", "quarter"),
    "amount": ("目标", "目标金额", "金额", "target", "amount"),
    "currency": ("币种", "货币", "currency"),
}
_LOOKUP = {header_key(name): fld for fld, names in HEADERS.items() for name in names}


@dataclass
class TargetImport:
    file: str
    dry_run: bool
    targets: list[tuple[int, str, Target]] = field(default_factory=list)  # (row, who, target)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, zh, en)
    fatal: tuple[str, str] | None = None

    def render(self) -> str:
        if self.fatal is not None:
            return f"无法导入 {self.file}：{self.fatal[0]}\nCannot import {self.file}: {self.fatal[1]}"
        head = ("预演导入（没有写入任何数据）/ Dry run (nothing was written)" if self.dry_run
                else "已导入 / Imported")
        lines = [f"{head}: {self.file}", f"目标 {len(self.targets)} 条，错误 {len(self.errors)} 行 / "
                 f"{len(self.targets)} targets, {len(self.errors)} rows with errors"]
        lines += [f"  {who} {t.period} {t.amount} {t.currency}" for _, who, t in self.targets]
        lines += [f"  第 {row} 行 / row {row}: {zh} / {en}" for row, zh, en in self.errors]
        return "\n".join(lines)


async def import_targets_file(uow_factory: Callable[[], UnitOfWork], path: str | Path, *, commit: bool,
                              now: datetime, by: int | None = None) -> TargetImport:
    report = TargetImport(str(path), dry_run=not commit)
    try:
        rows = read_rows(path)
    except UnreadableFile as err:
        report.fatal = (err.zh, err.en)
        return report
    async with uow_factory() as uow:
        teams = {t.name.casefold(): t.id for t in await uow.teams.list() if t.id is not None}
        reps = {r.name.casefold(): r.id for r in await uow.reps.list() if r.id is not None}
        _check(rows, teams, reps, now, report)
        if commit and report.fatal is None:
            for _, _, target in report.targets:
                await uow.targets.set(target, by=by, at=now)
            await uow.commit()
    return report


def _check(rows: Sequence[Sequence[object]], teams: dict[str, int], reps: dict[str, int], now: datetime,
           report: TargetImport) -> None:
    numbered = [(n, [cell_text(v) for v in row]) for n, row in enumerate(rows, start=1)]
    filled = [(n, cells) for n, cells in numbered if any(cells)]
    if not filled:
        report.fatal = ("文件是空的（没有表头）", "the file is empty (no header row)")
        return
    columns: dict[str, int] = {}
    for index, title in enumerate(filled[0][1]):
        if (fld := _LOOKUP.get(header_key(title))) is not None:
            columns.setdefault(fld, index)
    if "period" not in columns or "amount" not in columns or not ({"team", "rep"} & set(columns)):
        report.fatal = ("表头需要：团队或销售、期间、目标", "the header needs: team or rep, period, target")
        return
    for number, cells in filled[1:]:
        cell = {fld: cells[i] if i < len(cells) else "" for fld, i in columns.items()}
        _row(number, cell, teams, reps, now, report)
    _drop_duplicates(report)


def _row(number: int, cell: dict[str, str], teams: dict[str, int], reps: dict[str, int], now: datetime,
         report: TargetImport) -> None:
    team, rep = cell.get("team", "").strip(), cell.get("rep", "").strip()
    if bool(team) == bool(rep):
        report.errors.append((number, "每行写团队或销售其中一个", "write either a team or a rep on each row"))
        return
    scope = ("company", COMPANY) if team.casefold() in COMPANY_WORDS else \
        ("team", teams.get(team.casefold())) if team else ("rep", reps.get(rep.casefold()))
    if scope[1] is None:
        report.errors.append((number, f"不认识「{team or rep}」", f"unknown {scope[0]} '{team or rep}'"))
        return
    if (problem := _period_problem(cell["period"], now)) is not None:
        report.errors.append((number, *problem))
        return
    period = resolve_period(cell["period"], now.date(), future=True)
    money = values.to_money(cell["amount"])
    if money is None or money.amount <= 0:
        report.errors.append((number, f"目标金额「{cell['amount']}」看不懂或不大于 0（如 500万、5000000）",
                              f"cannot read the target '{cell['amount']}' or it is not above 0 (e.g. 500万, 5000000)"))
        return
    currency = (cell.get("currency") or money.currency).strip().upper()
    if currency != MAIN_CURRENCY:
        report.errors.append((number, f"目标只能用主币种 {MAIN_CURRENCY} 设置（这一行是 {currency}）",
                              f"targets are set in the main currency {MAIN_CURRENCY} (this row is {currency})"))
        return
    assert period is not None
    report.targets.append((number, team or rep, Target(scope[0], scope[1], period.code, money.amount, currency)))


def _period_problem(text: str, now: datetime) -> tuple[str, str] | None:
    """Why the period cell cannot take a target (not a month or quarter, or over), or None."""
    try:
        period = resolve_period(text, now.date(), future=True)
    except UnknownPeriod:
        period = None
    if period is None or period.kind not in ("month", "quarter"):
        return (f"期间「{text}」不是月份或季度（如 2027Q1、2027-01）",
                f"period '{text}' is not a month or quarter (e.g. 2027Q1, 2027-01)")
    if period.end <= now.date():
        return f"期间「{text}」已经结束", f"period '{text}' is over"
    return None


def _drop_duplicates(report: TargetImport) -> None:
    """Two rows for the same team or rep and period: neither is written, both are reported."""
    rows: dict[tuple[str, int, str], list[int]] = {}
    for number, _, target in report.targets:
        rows.setdefault((target.scope_kind, target.scope_id, target.period), []).append(number)
    twice = {number: numbers for numbers in rows.values() if len(numbers) > 1 for number in numbers}
    for number in sorted(twice):
        others = "、".join(str(n) for n in twice[number] if n != number)
        report.errors.append((number, f"与第 {others} 行重复（同一团队或销售、同一期间）",
                              f"duplicate of row {others.replace('、', ', ')} (same team or rep and period)"))
    report.targets = [row for row in report.targets if row[0] not in twice]
    report.errors.sort(key=lambda error: error[0])
