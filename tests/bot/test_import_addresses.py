"""Customer import with an address and coordinates column (visit check-in, issue #14)."""

from __future__ import annotations

from pathlib import Path

from bot.importing import import_customers_file
from domain.customer import Customer
from tests.bot.test_importing import NOW, add_customer, stored_customers, write_csv
from tests.fakes import FakeStore


async def test_addresses_and_coordinates_are_imported_and_bad_coordinates_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [
        "客户名称,地址,坐标",
        "杭州明途信息技术有限公司,上海市浦东新区世纪大道100号,\"31.2304,121.4737\"",
        "青岛海纳科技有限公司,青岛市崂山区,",
        "广州某某科技有限公司,广州市天河区,\"121.4,31.2\"",
        "深圳某某有限公司,,东经114度"])
    store = FakeStore()
    report = await import_customers_file(store.uow, path, commit=True, now=NOW)
    assert [e.row for e in report.errors] == [4, 5]
    assert "坐标应写成 纬度,经度" in report.errors[1].zh and "latitude,longitude" in report.errors[1].en
    found = {c.name: (c.address, c.latitude, c.longitude) for c in await stored_customers(store)}
    assert found == {"杭州明途信息技术有限公司": ("上海市浦东新区世纪大道100号", 31.2304, 121.4737),
                     "青岛海纳科技有限公司": ("青岛市崂山区", None, None)}


async def test_a_stored_customer_gets_an_empty_address_filled_never_replaced(tmp_path: Path) -> None:
    store = FakeStore()
    blank = await add_customer(store, Customer("杭州明途信息技术有限公司"))
    kept = await add_customer(store, Customer("青岛海纳科技有限公司", address="青岛市市南区", latitude=36.06,
                                              longitude=120.38))
    path = write_csv(tmp_path / "c.csv", ["name,address,coordinates",
                                          "杭州明途信息技术有限公司,上海市浦东新区,\"31.2304,121.4737\"",
                                          "青岛海纳科技有限公司,青岛市崂山区,\"36.1,120.5\""])
    report = await import_customers_file(store.uow, path, commit=True, now=NOW)
    assert [(o.customer_id, set(o.fields)) for o in report.updated] == [(blank.id, {"address", "coordinates"})]
    assert [o.customer_id for o in report.unchanged] == [kept.id]
    found = {c.id: (c.address, c.latitude) for c in await stored_customers(store)}
    assert found == {blank.id: ("上海市浦东新区", 31.2304), kept.id: ("青岛市市南区", 36.06)}
