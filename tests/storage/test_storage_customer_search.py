"""Customer search by index on both engines: what it finds, in which order, and what it does not find."""

from __future__ import annotations

from sqlalchemy import text
from storage_helpers import Factory

from domain.customer import Customer
from storage.migrate import downgrade, upgrade
from tests.fakes import FakeStore

COMPANY = [
    Customer("杭州明途信息技术有限公司", short_name="明途", aliases=["MingTu", "明途软件"]),
    Customer("华为技术有限公司", short_name="华为", aliases=["HUAWEI"]),
    Customer("华为海洋网络有限公司", short_name="华为海洋"),
    Customer("深圳华为终端代理商行", short_name="华终"),
    Customer("明途"),  # a company whose full name is what the first one is called for short
    Customer("Blue Sea Logistics Ltd.", short_name="BSL", industry="物流", aliases=["蓝海物流"]),
]


async def _search(uow_factory: Factory, written: str, limit: int = 10) -> list[str]:
    async with uow_factory() as uow:
        return [c.name for c in await uow.customers.search(written, limit)]


async def _store(uow_factory: Factory, customers: list[Customer]) -> None:
    async with uow_factory() as uow:
        for customer in customers:
            await uow.customers.add(Customer(customer.name, customer.short_name, aliases=list(customer.aliases),
                                             industry=customer.industry))
        await uow.commit()


CASES = {
    "杭州明途信息技术有限公司": ["杭州明途信息技术有限公司"],  # full name
    "杭州明途信息技术": ["杭州明途信息技术有限公司"],  # full name without the legal form
    "明途": ["明途", "杭州明途信息技术有限公司"],  # full name of one, short name of the other
    "mingtu": ["杭州明途信息技术有限公司"],  # alias, any case
    "华为": ["华为技术有限公司", "华为海洋网络有限公司"],  # short name, then two-character prefix
    "华为海": ["华为海洋网络有限公司"],  # prefix (and substring)
    "为技术": ["华为技术有限公司"],  # substring of 3 characters
    "华为终端": ["深圳华为终端代理商行"],  # substring, not a prefix
    "sea log": ["Blue Sea Logistics Ltd."],  # substring with a space, any case
    "蓝海": ["Blue Sea Logistics Ltd."],  # two-character prefix of an alias
    "物流": [],  # two characters inside an alias: no prefix, too short for a substring; industry not searched
    "为技": [],  # two characters inside a name
    "网络有限": ["华为海洋网络有限公司"],
    "有限公司": ["杭州明途信息技术有限公司", "华为技术有限公司", "华为海洋网络有限公司"],
    "小米": [],
    "%": [],
}


async def test_search_ranks_full_name_then_short_name_or_alias_then_prefix_then_substring(
        uow_factory: Factory) -> None:
    await _store(uow_factory, COMPANY)
    for written, expected in CASES.items():
        assert await _search(uow_factory, written) == expected, written
    assert await _search(uow_factory, "有限公司", limit=2) == ["杭州明途信息技术有限公司", "华为技术有限公司"]


async def test_the_fake_repository_ranks_like_the_databases() -> None:
    store = FakeStore()
    async with store.uow() as uow:
        for customer in COMPANY:
            await uow.customers.add(Customer(customer.name, customer.short_name, aliases=list(customer.aliases)))
        await uow.commit()
    async with store.uow() as uow:
        for written, expected in CASES.items():
            assert [c.name for c in await uow.customers.search(written)] == expected, written


async def test_search_follows_renames_and_deletions(uow_factory: Factory) -> None:
    await _store(uow_factory, COMPANY[:2])
    async with uow_factory() as uow:
        [mingtu] = await uow.customers.search("明途")
        mingtu.short_name, mingtu.aliases = "新明", ["NewMing"]
        await uow.customers.save(mingtu)
        [huawei] = await uow.customers.search("华为")
        await uow.customers.delete(huawei)
        await uow.commit()
    assert await _search(uow_factory, "明途") == []  # no longer a short name; two characters inside the name
    assert await _search(uow_factory, "明途软件") == []
    assert await _search(uow_factory, "新明") == ["杭州明途信息技术有限公司"]
    assert await _search(uow_factory, "newming") == ["杭州明途信息技术有限公司"]
    assert await _search(uow_factory, "华为") == [] and await _search(uow_factory, "为技术") == []
    async with uow_factory() as uow:
        names = (await uow.session.execute(text(  # key: a reserved word in MySQL, plain after a dot
            "SELECT kind, customer_names.key FROM customer_names ORDER BY kind"))).all()
    assert [tuple(row) for row in names] == [("alias", "newming"), ("name", "杭州明途信息技术"), ("short", "新明")]


async def test_upgrading_a_database_with_customers_makes_them_searchable(db_url: str, uow_factory: Factory) -> None:
    await _store(uow_factory, COMPANY)
    await downgrade(db_url, "0007")
    await upgrade(db_url)
    for written, expected in CASES.items():
        assert await _search(uow_factory, written) == expected, written


async def test_quotes_backslashes_and_wildcards_in_search_text_are_plain_characters(uow_factory: Factory) -> None:
    await _store(uow_factory, [Customer("O'Brien \\ Sons 100%"), Customer("OBrien Sons")])
    assert await _search(uow_factory, "'brien \\ s") == ["O'Brien \\ Sons 100%"]
    assert await _search(uow_factory, "n \\ sons 1") == ["O'Brien \\ Sons 100%"]
    assert await _search(uow_factory, "x'); DROP TABLE customers; --") == []
    assert await _search(uow_factory, '"brien') == []
    assert await _search(uow_factory, "s 100%") == ["O'Brien \\ Sons 100%"]
