"""What a customer or deal import did (or, in a dry run, would do), rendered in Chinese and English."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.importing_rows import RowError
from bot.importing_table import Table, UnreadableFile

DETAIL_LIMIT = 50  # created/updated/duplicate lines shown; errors are always shown in full

DUPLICATE_REASONS = {
    "name": ("名称相同", "same name"),
    "phone": ("电话相同", "same phone"),
    "email": ("邮箱相同", "same email"),
    "customer": ("对应同一个已有客户", "matches the same existing customer"),
    "ref": ("编号相同", "same ref"),
}


@dataclass(slots=True)
class RowOutcome:
    """A row that creates or updates a customer. `customer_id` is known for updates, and after commit."""

    row: int
    name: str
    customer_id: int | None = None
    fields: tuple[str, ...] = ()  # what an update fills in or merges

    def render(self) -> str:
        ref = f"C{self.customer_id} " if self.customer_id is not None else ""
        extra = f"（{'、'.join(self.fields)}）" if self.fields else ""
        return f"第 {self.row} 行 row {self.row}: {ref}{self.name}{extra}"


@dataclass(slots=True)
class DealOutcome(RowOutcome):
    """A row that creates or updates a deal (`dealbot import deals`); `deal_id` as `customer_id` above."""

    deal_id: int | None = None

    def render(self) -> str:
        ref = f"#{self.deal_id} " if self.deal_id is not None else ""
        extra = f"（{'、'.join(self.fields)}）" if self.fields else ""
        return f"第 {self.row} 行 row {self.row}: {ref}{self.name}{extra}"


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A row skipped because an earlier row of the same file already stands for that customer."""

    row: int
    first_row: int
    name: str
    reason: str  # a key of DUPLICATE_REASONS

    def render(self) -> str:
        zh, en = DUPLICATE_REASONS[self.reason]
        return (f"第 {self.row} 行 {self.name}：与第 {self.first_row} 行重复（{zh}），已跳过 / "
                f"row {self.row} {self.name}: duplicate of row {self.first_row} ({en}), skipped")


@dataclass(slots=True)
class ImportReport:
    file: str
    dry_run: bool
    rows_read: int = 0
    created: list[RowOutcome] = field(default_factory=list)
    updated: list[RowOutcome] = field(default_factory=list)
    unchanged: list[RowOutcome] = field(default_factory=list)  # matches an existing customer, adds nothing
    duplicates: list[Duplicate] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # more counts, one line each in both languages
    fatal_zh: str = ""
    fatal_en: str = ""

    @property
    def fatal(self) -> bool:
        """The file could not be read at all; nothing was looked at or written."""
        return bool(self.fatal_zh or self.fatal_en)

    @property
    def error_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def fail(self, zh: str, en: str) -> ImportReport:
        self.fatal_zh, self.fatal_en = zh, en
        return self

    @classmethod
    def reading(cls, path: str | Path, commit: bool, read: Callable[[str | Path], Table]) -> tuple[ImportReport,
                                                                                               Table | None]:
        """A report on the file at `path`, and its table (None: unreadable, the report says why)."""
        report = cls(file=Path(path).name, dry_run=not commit)
        try:
            table = read(path)
        except UnreadableFile as err:
            report.fail(err.zh, err.en)
            return report, None
        report.rows_read, report.ignored_columns = len(table.rows), table.ignored
        return report, table

    def render(self) -> str:
        if self.fatal:
            return f"无法导入 {self.file}：{self.fatal_zh}\nCannot import {self.file}: {self.fatal_en}"
        counts = (len(self.created), len(self.updated), len(self.unchanged), len(self.duplicates),
                  len(self.error_rows))
        lines = [
            self._title(),
            "读取 {} 行：新建 {}，更新 {}，无变化 {}，重复 {}，错误 {} 行".format(self.rows_read, *counts),
            "{} rows read: {} new, {} updated, {} unchanged, {} duplicates, {} with errors".format(
                self.rows_read, *counts),
            *self.notes,
        ]
        if self.ignored_columns:
            lines.append(f"忽略的列 / Ignored columns: {', '.join(self.ignored_columns)}")
        lines += _section("新建", "New", [o.render() for o in self.created])
        lines += _section("更新", "Updated", [o.render() for o in self.updated])
        lines += _section("重复", "Duplicates", [d.render() for d in self.duplicates])
        lines += _section("错误", "Errors", [e.render() for e in self.errors], limit=None)
        lines.append(self._footer())
        return "\n".join(line for line in lines if line)

    def _title(self) -> str:
        if self.dry_run:
            return f"预演导入 {self.file}（没有写入任何数据）/ Dry run of {self.file} (nothing was written)"
        return f"已导入 {self.file} / Imported {self.file}"

    def _footer(self) -> str:
        if self.dry_run:
            return ("确认无误后加 --commit 再运行一次，只会写入没有错误的行。/ "
                    "Run again with --commit to write the rows without errors.")
        if self.errors:
            return ("有错误的行没有写入，改正后可再次导入。/ "
                    "Rows with errors were not written: fix them and import again.")
        return ""


def _section(zh: str, en: str, items: list[str], limit: int | None = DETAIL_LIMIT) -> list[str]:
    if not items:
        return []
    shown = items if limit is None else items[:limit]
    lines = [f"{zh} / {en}:"] + [f"  {item}" for item in shown]
    if len(items) > len(shown):
        rest = len(items) - len(shown)
        lines.append(f"  …还有 {rest} 条 / … {rest} more")
    return lines
