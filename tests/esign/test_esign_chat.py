"""The e-signature chat commands on SQLite and PostgreSQL: bad input gets a translated how-to and stores
nothing, a contract one may not see answers like a missing one, withdrawing before and after it went out,
and a provider that is down for a while (the outbox tries again)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from domain.esign import SignatureStatus
from storage.models import ContractSignatureRow, OutboxRow
from tests.esign.conftest import EsignWorld
from tests.esign.test_esign_flow import console_messages, latest


async def stored(world: EsignWorld) -> tuple[int, int]:
    """(signature requests, esign outbox items)."""
    async with world.console.app.uow_factory() as uow:
        requests = await uow.session.scalar(select(func.count()).select_from(ContractSignatureRow))
        items = await uow.session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.channel == "esign"))
    return int(requests or 0), int(items or 0)


async def test_bad_input_says_how_to_write_it_and_stores_nothing(esign_world: EsignWorld) -> None:
    say = esign_world.console.say
    assert "找不到合同 C9" in await say("合同 C9 签署 签署人 何总 13800138000")
    out = await say("合同 C1 签署 签署人 何总")
    assert "手机号" in out and "13800138000" in out
    assert "手机号「12345」无效" in await say("合同 C1 签署 签署人 何总 12345")
    out = await say("合同 C1 盖章")
    assert "看不懂「盖章」" in out and "合同 C1 后面写 签署 [签署人 姓名 手机号] 或 撤回签署" in out and "用法" in out
    assert await stored(esign_world) == (0, 0)
    assert esign_world.fake.flows == {}


async def test_a_colon_after_signer_is_not_part_of_the_name(esign_world: EsignWorld) -> None:
    out = await esign_world.console.say("合同 C1 签署 签署人：何总 13800138000")
    assert "已提交电子签署，签署人 何总 138****8000" in out
    assert (await latest(esign_world)).signer_name == "何总"
    assert esign_world.fake.flows["sf000001"].request["signers"][0]["psnSignerInfo"]["psnInfo"]["psnName"] == "何总"


async def test_english_replies_and_the_deal_contact_as_default_signer(esign_world: EsignWorld) -> None:
    out = await esign_world.console.say("contract C1 sign")  # 张伟 reads Chinese: the deal's contact signs
    assert "签署人 何 138****8000" in out  # the contact as stored: 何, title 总
    assert (await latest(esign_world)).signer_mobile == "13800138000"
    assert esign_world.fake.flows["sf000001"].request["signers"][0]["psnSignerInfo"]["psnAccount"] == "13800138000"


async def test_a_contract_one_may_not_see_answers_like_a_missing_one(esign_world: EsignWorld) -> None:
    say = esign_world.console.say
    hidden = await say("合同 C1 签署 签署人 何总 13800138000", as_user="lina")  # same team, not shared
    missing = await say("合同 C7 签署 签署人 何总 13800138000", as_user="lina")
    assert hidden.replace("C1", "C7") == missing and "找不到合同 C7" in missing
    assert hidden.replace("C1", "C7") == (await say("合同 C7", as_user="lina"))
    assert "找不到合同 C1" in await say("合同 C1", as_user="lina")
    assert await stored(esign_world) == (0, 0)
    assert "签署中" not in await say("合同 C1", as_user="wang")  # his manager sees it
    assert "电子签署：未发起" in await say("合同 C1", as_user="wang")


async def test_a_provider_down_for_a_while_gets_the_request_later(esign_world: EsignWorld) -> None:
    world = esign_world
    world.fake.fail_next = [503]
    out = await world.console.say("合同 C1 签署 签署人 何总 13800138000")
    assert "已提交电子签署" in out
    assert (await latest(world)).status == SignatureStatus.QUEUED and world.fake.flows == {}
    assert "待发送" in await world.console.say("合同 C1")
    await world.console.tick(timedelta(minutes=5))
    assert (await latest(world)).status == SignatureStatus.SENT and list(world.fake.flows) == ["sf000001"]
    assert "签署中" in await world.console.say("合同 C1")
    assert "已在签署中" in await world.console.say("合同 C1 签署 签署人 何总 13800138000")
    assert await stored(world) == (1, 1)


async def test_withdraw_before_and_after_it_went_out(esign_world: EsignWorld) -> None:
    world, say = esign_world, esign_world.console.say
    world.fake.fail_next = [503]
    await say("合同 C1 签署 签署人 何总 13800138000")
    assert "已撤回（尚未发出）" in await say("合同 C1 撤回签署")
    await world.console.tick(timedelta(minutes=5))
    assert (await latest(world)).status == SignatureStatus.REVOKED and world.fake.flows == {}
    assert "电子签署：已撤回 · 签署人 何总 138****8000 · " in await say("合同 C1")  # no English in a Chinese reply
    assert "没有进行中的签署" in await say("合同 C1 撤回签署")

    await say("contract C1 sign signer 何总 13800138000")
    assert world.fake.flows["sf000001"].status == 1
    assert "正在撤回" in await say("contract C1 withdraw")
    assert world.fake.flows["sf000001"].status == 3  # revoked at e签宝
    revoked = await latest(world)
    assert revoked.status == SignatureStatus.REVOKED and revoked.flow_id == "sf000001" and revoked.reason == ""
    assert "电子签署：已撤回 · 签署人 何总 138****8000 · " in await say("合同 C1")
    assert len(await console_messages(world, "的签署已撤回。")) == 1
    assert await world.fake.fire("sf000001", "revoked") == 200  # e签宝's own notice of it: nothing twice
    assert len(await console_messages(world, "的签署已撤回。")) == 1
    assert await console_messages(world, "电子签署已撤销") == []


async def test_a_request_the_provider_refuses_for_good_fails_and_the_requester_is_told(
        esign_world: EsignWorld) -> None:
    world = esign_world
    world.fake.refuse_create = (1437328, "传入的签署人用户信息与e签宝用户信息不一致")
    await world.console.say("合同 C1 签署 签署人 何总 13800138000")
    failed = await latest(world)
    assert failed.status == SignatureStatus.FAILED and "1437328" in failed.reason and failed.flow_id is None
    assert len(await console_messages(world, "发起电子签署失败")) == 1
    assert "发送失败" in await world.console.say("合同 C1")
    world.fake.refuse_create = None
    assert "已提交电子签署" in await world.console.say("合同 C1 签署 签署人 何总 13800138000")  # may be sent again
    assert (await latest(world)).status == SignatureStatus.SENT


async def test_undo_after_sending_does_not_pretend_to_withdraw_it(esign_world: EsignWorld) -> None:
    await esign_world.console.say("合同 C1 签署 签署人 何总 13800138000")
    assert "没有可以撤销的操作" in await esign_world.console.say("撤销")
    assert (await latest(esign_world)).status == SignatureStatus.SENT
    async with esign_world.console.app.uow_factory() as uow:
        assert await uow.contracts.find(1) is not None  # the contract recorded before it is untouched
