"""Reading a spreadsheet (.xlsx or .csv) into a header and numbered rows of text cells (customers, deals)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

# Field -> accepted header names, compared after `header_key` (case, width, spaces, notes ignored).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("客户名称", "公司名称", "名称", "客户", "公司", "客户全称", "公司全称",
             "name", "company", "companyname", "customer", "customername"),
    "short_name": ("简称", "客户简称", "公司简称", "shortname", "short"),
    "industry": ("行业", "所属行业", "industry"),
    "region": ("区域", "地区", "所属区域", "region", "area"),
    "tags": ("标签", "tags", "tag"),
    "phone": ("电话", "联系电话", "手机", "手机号", "phone", "tel", "telephone", "mobile"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "mail"),
    "contact": ("联系人", "联系人姓名", "contact", "contactname"),
    "title": ("职位", "职务", "联系人职位", "title", "jobtitle", "position"),
    "aliases": ("别名", "曾用名", "aliases", "alias"),
    "address": ("地址", "客户地址", "公司地址", "详细地址", "address"),  # for visit check-in (issue #14)
    "coordinates": ("坐标", "经纬度", "coordinates", "latlng"),  # "31.2304,121.4737" (latitude first)
}


class UnreadableFile(Exception):
    """The file cannot be imported at all; `zh`/`en` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True, slots=True)
class Table:
    """Data rows as text cells keyed by field, each with its spreadsheet row number (header = its own row)."""

    header_row: int
    columns: dict[str, int]  # field -> column index
    ignored: list[str] = field(default_factory=list)  # header cells that name no known field
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def header_key(text: str) -> str:
    """'客户名称（必填）' → '客户名称'; 'Short_Name' → 'shortname'; full-width letters folded."""
    key = unicodedata.normalize("NFKC", text).casefold()
    key = re.sub(r"\(.*?\)|\[.*?\]", "", key)
    return re.sub(r"[\s_\-*:.·]+", "", key)


def header_lookup(headers: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """header_key(accepted name) -> field, for `to_table`."""
    return {header_key(name): fld for fld, names in headers.items() for name in names}


_LOOKUP = header_lookup(HEADERS)


def read_table(path: str | Path, lookup: Mapping[str, str] | None = None) -> Table:
    """Read the first sheet of an .xlsx, or a .csv (UTF-8, else GB18030). Raises UnreadableFile.

    `lookup` (header_lookup) names the columns; None reads a customer sheet, which needs a name column."""
    return to_table(read_rows(path), lookup)


def read_rows(path: str | Path) -> list[Sequence[object]]:
    """The raw rows of the first sheet of an .xlsx, or of a .csv (any spreadsheet: customers, targets)."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"找不到文件：{path}", f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if suffix in (".csv", ".txt"):
        return _csv_rows(path)
    if suffix == ".xls":
        raise UnreadableFile("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv",
                             "old .xls files are not supported: save the file as .xlsx or .csv in Excel")
    shown = suffix or "（无扩展名）"
    raise UnreadableFile(f"不支持的文件格式 {shown}，请使用 .xlsx 或 .csv",
                         f"unsupported file type {suffix or '(none)'}: use .xlsx or .csv")


def _xlsx_rows(path: Path) -> list[Sequence[object]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise UnreadableFile("无法读取 Excel 文件（文件已损坏或不是 .xlsx 格式）",
                             f"cannot read the Excel file (damaged or not .xlsx): {err}") from None
    try:
        if not book.worksheets:
            raise UnreadableFile("Excel 文件里没有工作表", "the Excel file has no worksheet")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size; read every row that is there
        return [tuple(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()


def _csv_rows(path: Path) -> list[Sequence[object]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    raise UnreadableFile("无法识别 CSV 文件的编码（请保存为 UTF-8 或 GB18030）",
                         "cannot decode the CSV file: save it as UTF-8 or GB18030")


def _delimiter(text: str) -> str:
    """Comma unless the header line clearly uses tabs or semicolons (European Excel)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", "\t", ";"), key=lambda d: (header.count(d), d == ","))


def cell_text(value: object) -> str:
    """A cell as text: whole floats lose '.0' (phones typed as numbers), dates become ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).replace("\u3000", " ").strip()


def to_table(raw: Iterable[Sequence[object]], lookup: Mapping[str, str] | None = None) -> Table:
    """The first non-blank row is the header; rows are numbered from 1 as a spreadsheet shows them.

    Columns are named by `lookup` (header_lookup); None means the customer columns (HEADERS), and then a
    name column is required. Other callers check their own required columns (`Table.columns`)."""
    numbered = [(number, [cell_text(v) for v in row]) for number, row in enumerate(raw, start=1)]
    filled = [(number, cells) for number, cells in numbered if any(cells)]
    if not filled:
        raise UnreadableFile("文件是空的（没有表头）", "the file is empty (no header row)")
    header_row, header = filled[0]
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        fld = (_LOOKUP if lookup is None else lookup).get(header_key(title))
        if fld is None:
            if title:
                ignored.append(title)
        else:
            columns.setdefault(fld, index)
    if lookup is None and "name" not in columns:
        raise UnreadableFile(
            f"第 {header_row} 行表头中没有客户名称列（可用：客户名称、公司名称、名称、name、company）",
            f"the header (row {header_row}) has no name column "
            "(use 客户名称, 公司名称, 名称, name or company)")
    rows = [(number, {fld: cells[i] if i < len(cells) else "" for fld, i in columns.items()})
            for number, cells in filled[1:]]
    return Table(header_row, columns, ignored, rows)
