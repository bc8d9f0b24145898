"""Customer search and lookups, and contacts."""

from __future__ import annotations

from datetime import datetime

from storage_helpers import Factory

from domain.customer import Contact, Customer, normalize_name


async def _customers(uow_factory: Factory, *customers: Customer) -> list[Customer]:
    async with uow_factory() as uow:
        stored = [await uow.customers.add(customer) for customer in customers]
        await uow.commit()
    return stored


async def _names(uow_factory: Factory, text: str, limit: int = 10) -> list[str]:
    async with uow_factory() as uow:
        return [customer.name for customer in await uow.customers.search(text, limit)]


async def test_search_matches_substrings_of_name_short_name_and_aliases_ignoring_case(
        uow_factory: Factory) -> None:
    await _customers(uow_factory,
                     Customer("明途科技有限公司", short_name="明途", aliases=["MingTu", "明途信息"]),
                     Customer("Blue Sea Logistics Ltd.", short_name="BSL", industry="物流"),
                     Customer("华为技术有限公司", aliases=["HUAWEI"]))
    assert await _names(uow_factory, "明途") == ["明途科技有限公司"]
    assert await _names(uow_factory, "mingtu") == ["明途科技有限公司"]
    assert await _names(uow_factory, "途信息") == ["明途科技有限公司"]
    assert await _names(uow_factory, "信息") == []  # two characters: by name or prefix only (trigram index)
    assert await _names(uow_factory, "bsl") == ["Blue Sea Logistics Ltd."]
    assert await _names(uow_factory, "SEA LOG") == ["Blue Sea Logistics Ltd."]
    assert await _names(uow_factory, "Huawei") == ["华为技术有限公司"]
    assert await _names(uow_factory, "有限公司") == ["明途科技有限公司", "华为技术有限公司"]
    assert await _names(uow_factory, "物流") == []  # industry is not searched


async def test_search_folds_unicode_case_and_treats_wildcards_literally(uow_factory: Factory) -> None:
    await _customers(uow_factory, Customer("Müller Straße GmbH"), Customer("100% Pure_Water"),
                     Customer("100 Pure Water"))
    assert await _names(uow_factory, "MÜLLER STRASSE") == ["Müller Straße GmbH"]
    # Names are compared without punctuation ("100%" and "100 " are the same prefix, as for duplicates);
    # substrings literally: % and _ are no wildcards.
    assert await _names(uow_factory, "100%") == ["100% Pure_Water", "100 Pure Water"]
    assert await _names(uow_factory, "0% p") == ["100% Pure_Water"]
    assert await _names(uow_factory, "e_w") == ["100% Pure_Water"]
    assert await _names(uow_factory, "%%%") == []


async def test_search_respects_the_limit(uow_factory: Factory) -> None:
    await _customers(uow_factory, *(Customer(f"测试客户{i}") for i in range(5)))
    assert await _names(uow_factory, "测试客户", limit=3) == ["测试客户0", "测试客户1", "测试客户2"]


async def test_search_follows_renames(uow_factory: Factory) -> None:
    [customer] = await _customers(uow_factory, Customer("旧名字公司"))
    async with uow_factory() as uow:
        customer.name, customer.aliases = "新名字公司", ["NewCo"]
        await uow.customers.save(customer)
        await uow.commit()
    assert await _names(uow_factory, "旧名字") == []
    assert await _names(uow_factory, "newco") == ["新名字公司"]
    async with uow_factory() as uow:
        assert await uow.customers.by_name_key(normalize_name("新名字")) == customer


async def test_by_name_key_matches_the_normalized_name(uow_factory: Factory) -> None:
    [mingtu, acme] = await _customers(uow_factory, Customer("明途科技有限公司"), Customer("ACME Co., Ltd."))
    async with uow_factory() as uow:
        assert await uow.customers.by_name_key(normalize_name("明途科技 公司")) == mingtu
        assert await uow.customers.by_name_key(normalize_name("acme")) == acme
        assert await uow.customers.by_name_key(normalize_name("明途")) is None


async def test_by_contact_point_matches_customer_phone_and_email_then_contacts(uow_factory: Factory) -> None:
    [mingtu, bluesea] = await _customers(
        uow_factory, Customer("明途科技", phone="+86 138-0013-8000", email="Info@MingTu.com"),
        Customer("蓝海物流"))
    async with uow_factory() as uow:
        await uow.contacts.add(
            Contact(bluesea.id or 0, "王经理", phone="139 1234 5678", email="Wang@BlueSea.cn"))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.customers.by_contact_point(phone="13800138000") == mingtu
        assert await uow.customers.by_contact_point(email="info@mingtu.com") == mingtu
        assert await uow.customers.by_contact_point(phone="8613912345678") == bluesea
        assert await uow.customers.by_contact_point(email="wang@bluesea.cn") == bluesea
        assert await uow.customers.by_contact_point(phone="10086", email="nobody@example.cn") is None
        assert await uow.customers.by_contact_point() is None


async def test_by_domain_ignores_case_and_a_leading_at(uow_factory: Factory) -> None:
    [mingtu, _] = await _customers(uow_factory, Customer("明途科技", domain="mingtu.com"), Customer("无域名"))
    async with uow_factory() as uow:
        assert await uow.customers.by_domain("MingTu.com") == mingtu
        assert await uow.customers.by_domain("@mingtu.com") == mingtu
        assert await uow.customers.by_domain("") is None
        assert await uow.customers.by_domain("other.com") is None


async def test_list_pages_in_creation_order_and_count_counts_all(uow_factory: Factory, now: datetime) -> None:
    await _customers(uow_factory, *(Customer(f"客户{i}", created_at=now) for i in range(7)))
    async with uow_factory() as uow:
        assert [c.name for c in await uow.customers.list(offset=2, limit=3)] == ["客户2", "客户3", "客户4"]
        assert len(await uow.customers.list()) == 7
        assert await uow.customers.count() == 7


async def test_contacts_are_listed_per_customer_and_found_by_email_ignoring_case(
        uow_factory: Factory) -> None:
    [mingtu, bluesea] = await _customers(uow_factory, Customer("明途科技"), Customer("蓝海物流"))
    async with uow_factory() as uow:
        li = await uow.contacts.add(Contact(mingtu.id or 0, "李工", email="li@mingtu.com"))
        wang = await uow.contacts.add(Contact(mingtu.id or 0, "王总", email="Wang@MingTu.com"))
        await uow.contacts.add(Contact(bluesea.id or 0, "陈经理"))
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.contacts.for_customer(mingtu.id or 0)) == [li, wang]
        assert await uow.contacts.by_email("WANG@mingtu.com") == wang
        assert await uow.contacts.by_email("") is None
        assert await uow.contacts.by_email("nobody@mingtu.com") is None
