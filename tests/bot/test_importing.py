"""Customer import from .csv/.xlsx: validation, duplicates, dry run vs commit (in-memory unit of work)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.importing import import_customers_file
from bot.importing_rows import ImportRow, parse_row, split_values
from bot.importing_table import header_key
from domain.customer import Contact, Customer
from tests.fakes import FakeStore

NOW = datetime(2024, 5, 6, 9, 30, tzinfo=UTC)
FIXTURE = Path(__file__).parent / "data" / "customers.csv"


async def stored_customers(store: FakeStore) -> list[Customer]:
    async with store.uow() as uow:
        return list(await uow.customers.list(limit=1000))


async def stored_contacts(store: FakeStore) -> list[Contact]:
    async with store.uow() as uow:
        found: list[Contact] = []
        for customer in await uow.customers.list(limit=1000):
            assert customer.id is not None
            found += await uow.contacts.for_customer(customer.id)
        return found


async def add_customer(store: FakeStore, customer: Customer) -> Customer:
    async with store.uow() as uow:
        customer = await uow.customers.add(customer)
        await uow.commit()
    return customer


def write_csv(path: Path, lines: Sequence[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


async def test_dry_run_reports_what_would_happen_and_writes_nothing() -> None:
    store = FakeStore()
    report = await import_customers_file(store.uow, FIXTURE, commit=False, now=NOW)
    assert not report.fatal
    assert report.dry_run
    assert report.rows_read == 8  # the blank row 9 is not a row of data
    assert [o.row for o in report.created] == [2, 3, 8, 10]
    assert report.error_rows == [4, 5]
    assert [(d.row, d.first_row) for d in report.duplicates] == [(6, 2), (7, 2)]
    assert store.tables["customers"] == {} and store.tables["contacts"] == {} and store.tables["audit"] == {}
    assert "没有写入任何数据" in report.render() and "nothing was written" in report.render()


async def test_commit_writes_the_good_rows_only() -> None:
    store = FakeStore()
    report = await import_customers_file(store.uow, FIXTURE, commit=True, now=NOW)
    customers = {c.name: c for c in await stored_customers(store)}
    assert set(customers) == {"杭州明途信息技术有限公司", "深圳云帆网络科技有限公司",
                              "上海瑞丰医疗器械有限公司", "苏州天成教育科技有限公司"}
    mingtu = customers["杭州明途信息技术有限公司"]
    assert (mingtu.short_name, mingtu.industry, mingtu.region) == ("明途", "制造", "华东")
    assert mingtu.tags == ["重点客户", "央企"]
    assert (mingtu.phone, mingtu.email, mingtu.domain, mingtu.created_at) == (
        "0571-88886666", "info@mingtu.com", "mingtu.com", NOW)
    assert customers["深圳云帆网络科技有限公司"].short_name == "云帆"  # derived when the file has none
    assert customers["深圳云帆网络科技有限公司"].tags == ["民企", "高潜力", "重点客户"]
    assert customers["苏州天成教育科技有限公司"].phone == ""  # "-" means no value
    assert [o.customer_id for o in report.created] == [c.id for c in customers.values()]


async def test_commit_creates_a_contact_for_rows_with_a_contact_column() -> None:
    store = FakeStore()
    await import_customers_file(store.uow, FIXTURE, commit=True, now=NOW)
    contacts = {c.name: c for c in await stored_contacts(store)}
    assert set(contacts) == {"何建国", "宋立", "马工"}
    assert (contacts["何建国"].title, contacts["何建国"].phone) == ("总经理", "0571-88886666")


async def test_commit_records_one_import_audit_batch() -> None:
    store = FakeStore()
    await import_customers_file(store.uow, FIXTURE, commit=True, now=NOW)
    entries = list(store.tables["audit"].values())
    assert {e.action for e in entries} == {"import"}
    assert sorted(e.entity for e in entries) == ["contact"] * 3 + ["customer"] * 4
    assert len({e.batch for e in entries}) == 1 and entries[0].batch
    assert {e.changes["row"] for e in entries if e.entity == "customer"} == {2, 3, 8, 10}


async def test_every_bad_row_is_reported_with_its_row_number_in_both_languages() -> None:
    report = await import_customers_file(FakeStore().uow, FIXTURE, commit=False, now=NOW)
    by_row = {(e.row, e.en) for e in report.errors}
    assert by_row == {(4, "the customer name is missing"),
                      (5, "a phone number needs 7–15 digits: 12345"),
                      (5, "invalid email: not-an-email")}
    text = report.render()
    assert "第 4 行：缺少客户名称 / row 4: the customer name is missing" in text
    assert "第 5 行：邮箱格式不正确：not-an-email" in text


async def test_duplicates_within_the_file_name_the_first_row_and_are_skipped() -> None:
    store = FakeStore()
    report = await import_customers_file(store.uow, FIXTURE, commit=True, now=NOW)
    assert [(d.row, d.first_row, d.reason) for d in report.duplicates] == [(6, 2, "name"), (7, 2, "phone")]
    assert "第 7 行 明途信息（杭州）：与第 2 行重复（电话相同）" in report.render()
    assert not any("明途信息（杭州）" in c.aliases for c in await stored_customers(store))


async def test_duplicate_email_within_the_file_is_skipped(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["name,email", "Initrode Ltd,sales@initrode.com",
                                          "Initrode Systems,SALES@initrode.com"])
    report = await import_customers_file(FakeStore().uow, path, commit=False, now=NOW)
    assert [(d.row, d.first_row, d.reason) for d in report.duplicates] == [(3, 2, "email")]


async def test_stored_customer_gets_empty_fields_filled_and_tags_merged_never_blanked() -> None:
    store = FakeStore()
    stored = await add_customer(store, Customer("上海瑞丰医疗器械有限公司", short_name="瑞丰", region="华南",
                                                tags=["老客户"], email="old@ruifeng-med.cn"))
    report = await import_customers_file(store.uow, FIXTURE, commit=True, now=NOW)
    assert [(o.row, o.customer_id) for o in report.updated] == [(8, stored.id)]
    assert set(report.updated[0].fields) == {"industry", "phone", "domain", "contact"}
    [ruifeng] = [c for c in await stored_customers(store) if c.id == stored.id]
    assert ruifeng.region == "华南"  # the file says 华东: stored data wins
    assert ruifeng.email == "old@ruifeng-med.cn"
    assert (ruifeng.industry, ruifeng.phone) == ("医疗", "021-55556666")
    assert len(await stored_customers(store)) == 4  # updated, not created again


async def test_tags_and_aliases_are_merged_into_a_stored_customer(tmp_path: Path) -> None:
    store = FakeStore()
    stored = await add_customer(store, Customer("明途科技", tags=["重点客户"], aliases=["明途"]))
    path = write_csv(tmp_path / "c.csv", ["客户名称,标签,别名", "明途科技,重点客户；央企,明途、MT"])
    report = await import_customers_file(store.uow, path, commit=True, now=NOW)
    assert [o.customer_id for o in report.updated] == [stored.id]
    [customer] = await stored_customers(store)
    assert customer.tags == ["重点客户", "央企"] and customer.aliases == ["明途", "MT"]


async def test_match_by_phone_against_the_database_keeps_the_other_name_as_alias(tmp_path: Path) -> None:
    store = FakeStore()
    stored = await add_customer(store, Customer("杭州明途信息技术有限公司", phone="0571-88886666"))
    path = write_csv(tmp_path / "c.csv", ["name,phone,industry", "Mingtu Tech,057188886666,Manufacturing"])
    report = await import_customers_file(store.uow, path, commit=True, now=NOW)
    assert [o.customer_id for o in report.updated] == [stored.id] and not report.created
    [customer] = await stored_customers(store)
    assert customer.aliases == ["Mingtu Tech"] and customer.industry == "Manufacturing"


async def test_two_rows_for_the_same_stored_customer_count_once(tmp_path: Path) -> None:
    store = FakeStore()
    await add_customer(store, Customer("杭州明途信息技术有限公司", phone="0571-88886666"))
    path = write_csv(tmp_path / "c.csv", ["name,phone,region", "杭州明途信息技术有限公司,,华东",
                                          "明途,0571 8888 6666,华南"])
    report = await import_customers_file(store.uow, path, commit=True, now=NOW)
    assert [(d.row, d.first_row, d.reason) for d in report.duplicates] == [(3, 2, "customer")]
    [customer] = await stored_customers(store)
    assert customer.region == "华东"


async def test_importing_the_same_file_twice_changes_nothing_the_second_time() -> None:
    store = FakeStore()
    await import_customers_file(store.uow, FIXTURE, commit=True, now=NOW)
    before = await stored_customers(store), await stored_contacts(store), len(store.tables["audit"])
    report = await import_customers_file(store.uow, FIXTURE, commit=True, now=NOW)
    assert not report.created and not report.updated
    assert [o.row for o in report.unchanged] == [2, 3, 8, 10]
    assert (await stored_customers(store), await stored_contacts(store), len(store.tables["audit"])) == before


async def test_dry_run_and_commit_report_the_same_outcome() -> None:
    dry = await import_customers_file(FakeStore().uow, FIXTURE, commit=False, now=NOW)
    done = await import_customers_file(FakeStore().uow, FIXTURE, commit=True, now=NOW)
    assert [o.row for o in dry.created] == [o.row for o in done.created]
    assert (dry.duplicates, dry.errors, dry.rows_read) == (done.duplicates, done.errors, done.rows_read)
    assert all(o.customer_id is None for o in dry.created) and all(o.customer_id for o in done.created)


async def test_xlsx_with_english_headers_of_any_case_and_width(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Company", "SHORT_NAME", "ｉｎｄｕｓｔｒｙ", "Region ", "Tags", "Phone", "E-mail",
                  "Contact", "Title", "Notes"])
    sheet.append(["Initrode Systems Ltd", None, "Software", "华东", "key, partner", 13800138000,
                  "bob@initrode.com", "Bob Smith", "CTO", "met at expo"])
    sheet.append([None] * 10)
    sheet.append(["杭州明途信息技术有限公司", "明途", "制造", "华东", None, 57188886666.0, "bad@",
                  None, None, None])
    sheet.append(["Globex", None, None, None, None, "+86 (21) 5555-6666", None, None, None, None])
    path = tmp_path / "customers.xlsx"
    book.save(path)
    store = FakeStore()
    report = await import_customers_file(store.uow, path, commit=True, now=NOW)
    assert report.rows_read == 3 and report.ignored_columns == ["Notes"]
    assert [(o.row, o.name) for o in report.created] == [(2, "Initrode Systems Ltd"), (5, "Globex")]
    assert [(e.row, e.en) for e in report.errors] == [(4, "invalid email: bad@")]
    initrode = next(c for c in await stored_customers(store) if c.name == "Initrode Systems Ltd")
    assert (initrode.short_name, initrode.phone) == ("Initrode", "13800138000")
    assert initrode.tags == ["key", "partner"]
    [bob] = await stored_contacts(store)
    assert (bob.name, bob.title, bob.email) == ("Bob Smith", "CTO", "bob@initrode.com")


async def test_gb18030_csv_exported_by_excel_is_read(tmp_path: Path) -> None:
    lines = ["公司名称,行业,地区,联系人,职位,电话", "广州鼎盛物流有限公司,物流,华南,宋经理,经理,020-83335555",
             "𠀾字号（广州）贸易有限公司,零售,华南,,,"]  # 𠀾 needs GB18030's four-byte range (not in GBK)
    path = write_csv(tmp_path / "excel.csv", lines, encoding="gb18030")
    store = FakeStore()
    report = await import_customers_file(store.uow, path, commit=True, now=NOW)
    assert not report.errors and len(report.created) == 2
    names = {c.name: c for c in await stored_customers(store)}
    assert names["广州鼎盛物流有限公司"].region == "华南"
    assert "𠀾字号（广州）贸易有限公司" in names


async def test_semicolon_separated_csv_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "eu.csv", ["name;tags", "Globex;a,b"])
    report = await import_customers_file(FakeStore().uow, path, commit=False, now=NOW)
    assert [o.name for o in report.created] == ["Globex"]


async def test_file_without_a_name_column_is_fatal_and_says_which_columns_work(tmp_path: Path) -> None:
    store = FakeStore()
    path = write_csv(tmp_path / "c.csv", ["电话,邮箱", "13800138000,a@b.cn"])
    report = await import_customers_file(store.uow, path, commit=True, now=NOW)
    assert report.fatal
    assert "客户名称" in report.fatal_zh and "name column" in report.fatal_en
    assert report.render().startswith("无法导入 c.csv：")
    assert store.tables["customers"] == {}


@pytest.mark.parametrize(("name", "content", "zh", "en"), [
    ("missing.csv", None, "找不到文件", "file not found"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "另存为 .xlsx", "save the file as .xlsx"),
    ("notes.pdf", b"%PDF-1.4", "不支持的文件格式", "unsupported file type .pdf"),
    ("broken.xlsx", b"not a zip file", "无法读取 Excel 文件", "cannot read the Excel file"),
    ("empty.csv", b"\r\n\r\n", "文件是空的", "the file is empty"),
    ("binary.csv", b"\xff\xfe\x00\x81\x00", "无法识别 CSV 文件的编码", "cannot decode the CSV file"),
])
async def test_unreadable_files_are_fatal_with_a_clear_message(
        tmp_path: Path, name: str, content: bytes | None, zh: str, en: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    report = await import_customers_file(FakeStore().uow, path, commit=True, now=NOW)
    assert report.fatal and zh in report.fatal_zh and en in report.fatal_en
    assert zh in report.render() and en in report.render()


def test_headers_ignore_case_width_spaces_and_notes() -> None:
    assert header_key("客户名称（必填）") == header_key("客户名称") == "客户名称"
    assert header_key(" Short Name ") == header_key("SHORT_NAME") == header_key("ｓｈｏｒｔ＿ｎａｍｅ")


def test_tags_split_on_every_list_separator_and_drop_repeats() -> None:
    assert split_values("重点, 央企，华东、重点;外资；KEY,key") == ("重点", "央企", "华东", "外资", "KEY")


@pytest.mark.parametrize(("cells", "en"), [
    ({"name": "x" * 201}, "the customer name is longer than 200 characters (201)"),
    ({"name": "有限公司"}, "the customer name has no letters or digits: 有限公司"),
    ({"name": "A", "phone": "123456"}, "a phone number needs 7–15 digits: 123456"),
    ({"name": "A", "phone": "1234567890123456"}, "a phone number needs 7–15 digits: 1234567890123456"),
    ({"name": "A", "email": "a@b"}, "invalid email: a@b"),
    ({"name": "A", "email": "a b@c.com"}, "invalid email: a b@c.com"),
    ({"name": "A", "region": "区" * 101}, "the region is longer than 100 characters"),
])
def test_invalid_rows_are_refused(cells: dict[str, str], en: str) -> None:
    result = parse_row(7, cells)
    assert isinstance(result, list)
    assert [(e.row, e.en) for e in result] == [(7, en)]
    assert all(e.zh for e in result)


def test_valid_row_bounds_are_accepted() -> None:
    row = parse_row(2, {"name": "名" * 200, "phone": "1234567", "email": "A.B+x@mail.example.cn"})
    assert isinstance(row, ImportRow)
    assert (row.phone_key, row.email_key) == ("1234567", "a.b+x@mail.example.cn")
    assert isinstance(parse_row(3, {"name": "B", "phone": "+86 138-0013-8000 转 123"}), list)
    assert isinstance(parse_row(4, {"name": "C", "phone": "+86 138-0013-8000"}), ImportRow)
