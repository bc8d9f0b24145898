"""E-signature end to end against the fake e签宝, on SQLite and PostgreSQL: `合同 C1 签署` → the outbox worker
uploads the contract PDF and creates the flow with correctly signed requests → the fake's signed callback
marks the contract signed and tells the owner once; forged and duplicate callbacks change nothing."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.esign.worker import EsignChannel
from domain.esign import ContractSignature, SignatureStatus
from storage.models import OutboxRow
from tests.esign.conftest import EsignWorld

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def latest(world: EsignWorld) -> ContractSignature:
    async with world.console.app.uow_factory() as uow:
        found = await uow.signatures.latest_for(1)
    assert found is not None
    return found


async def console_messages(world: EsignWorld, needle: str) -> list[str]:
    async with world.console.app.uow_factory() as uow:
        texts = (await uow.session.scalars(select(OutboxRow.text).where(OutboxRow.channel == "console"))).all()
    return [text for text in texts if needle in text]


async def test_send_for_signature_then_signed_callback_marks_the_contract_and_tells_the_owner(
        esign_world: EsignWorld) -> None:
    world, fake = esign_world, esign_world.fake
    out = await world.console.say("合同 C1 签署 签署人 何总 13800138000")
    assert "已提交电子签署" in out and "138****8000" in out
    sent = await latest(world)
    assert sent.status == SignatureStatus.SENT and sent.flow_id == "sf000001" and sent.signer_mobile == "13800138000"
    assert fake.calls[0] == ("POST", "/v3/files/file-upload-url")
    assert ("POST", "/v3/sign-flow/create-by-file") in fake.calls
    assert fake.refused == []
    pdf = fake.uploads["f0001"]["data"]
    assert pdf.startswith(b"%PDF-") and b"HT-001" in pdf
    flow = fake.flows["sf000001"].request
    signer = flow["signers"][0]["psnSignerInfo"]
    assert signer == {"psnAccount": "13800138000", "psnInfo": {"psnName": "何总"}}
    assert flow["signFlowConfig"]["notifyUrl"] == world.callback_url and flow["signFlowConfig"]["autoFinish"] is True

    assert await fake.fire("sf000001", "signed") == 200
    await world.console.app.dispatcher.drain()  # the owner's message, and the signed file's fetch
    signed = await latest(world)
    assert signed.status == SignatureStatus.SIGNED and signed.finished_at is not None
    async with world.console.app.uow_factory() as uow:
        contract = await uow.contracts.get(1)
    assert contract.signed_on == signed.finished_at.astimezone(SHANGHAI).date()
    kept = await world.console.app.bot.settings.files.store().read(signed.signed_file)
    assert kept == fake.signed_bytes(fake.flows["sf000001"])  # the signed PDF, fetched into the file store
    assert len(await console_messages(world, "已由 何总 完成电子签署（")) == 1

    assert await fake.fire("sf000001", "signed") == 200  # e签宝 redelivers: nothing changes twice
    await world.console.app.dispatcher.drain()
    assert len(await console_messages(world, "已由 何总 完成电子签署（")) == 1
    assert (await latest(world)).finished_at == signed.finished_at
    assert "已签署" in await world.console.say("合同 C1")
    assert "已经签署完成" in await world.console.say("合同 C1 签署 签署人 何总 13800138000")


async def test_a_forged_callback_is_refused_and_changes_nothing(esign_world: EsignWorld) -> None:
    world, fake = esign_world, esign_world.fake
    await world.console.say("合同 C1 签署 签署人 何总 13800138000")
    body = fake.notice("sf000001", "signed")
    assert await fake.post(world.callback_url, body, fake.headers(body, secret="not-the-secret")) == 403
    stale = fake.headers(body, timestamp=1_600_000_000_000)
    assert await fake.post(world.callback_url, body, stale) == 403
    assert await fake.post(world.callback_url, b"{not json", fake.headers(b"{not json")) == 400
    assert (await latest(world)).status == SignatureStatus.SENT
    assert await console_messages(world, "电子签署（") == []


async def test_rejected_and_expired_callbacks_tell_the_owner_why(esign_world: EsignWorld) -> None:
    world, fake = esign_world, esign_world.fake
    await world.console.say("合同 C1 签署 签署人 何总 13800138000")
    assert await fake.fire("sf000001", "rejected", "金额有误") == 200
    rejected = await latest(world)
    assert rejected.status == SignatureStatus.REJECTED and rejected.reason == "金额有误"
    assert len(await console_messages(world, "被 何总 拒签：金额有误")) == 1
    await world.console.say("合同 C1 签署 签署人 何总 13800138000")
    assert await fake.fire("sf000002", "expired") == 200
    assert (await latest(world)).status == SignatureStatus.EXPIRED
    assert len(await console_messages(world, "已过期")) == 1


async def test_a_lost_callback_is_made_up_for_by_asking_the_provider_once(esign_world: EsignWorld) -> None:
    world, fake = esign_world, esign_world.fake
    await world.console.say("合同 C1 签署 签署人 何总 13800138000")
    channel = world.console.app.connectors["esign"]
    assert isinstance(channel, EsignChannel)
    assert await channel.reconcile(timedelta(hours=1)) == 0  # sent just now: not asked yet
    fake.flows["sf000001"].status = 2  # signed at e签宝, its callback lost
    assert await channel.reconcile(timedelta(0)) == 1
    assert ("GET", "/v3/sign-flow/sf000001/detail") in fake.calls
    assert (await latest(world)).status == SignatureStatus.SIGNED
    assert await channel.reconcile(timedelta(0)) == 0 and await fake.fire("sf000001", "signed") == 200
    await world.console.app.dispatcher.drain()
    assert len(await console_messages(world, "已由 何总 完成电子签署（")) == 1
    assert (await latest(world)).signed_file  # fetched once the poll found it signed


async def test_the_signed_file_is_filed_on_the_deals_delivery_project(esign_world: EsignWorld) -> None:
    world, fake = esign_world, esign_world.fake
    for step in ("阶段 #1 方案提案", "阶段 #1 谈判", "赢单 #1"):  # the win opens the project (default template)
        await world.console.say(step)
    async with world.console.app.uow_factory() as uow:
        [project] = await uow.projects.for_opportunity(1)
        assert project.id is not None and await uow.project_files.for_project(project.id) == []
    await world.console.say("合同 C1 签署 签署人 何总 13800138000")
    assert await fake.fire("sf000001", "signed") == 200
    await world.console.app.dispatcher.drain()
    signed = await latest(world)
    async with world.console.app.uow_factory() as uow:
        [filed] = await uow.project_files.for_project(project.id)
        events = [e for e in await uow.project_events.for_project(project.id) if e.kind == "file"]
    assert (filed.filename, filed.content_type, filed.source, filed.sha256) == (
        "HT-001-signed.pdf", "application/pdf", "esign", signed.signed_file)
    assert filed.size == len(fake.signed_bytes(fake.flows["sf000001"])) and not filed.public
    assert [e.text for e in events] == ["合同 C1 已完成电子签署，签署文件「HT-001-signed.pdf」已归档"]
    assert not events[0].public  # the internal timeline, not the customer portal
    listed = await world.console.say(f"附件 P{project.id}")
    assert f"F{filed.id} HT-001-signed.pdf" in listed and "电子签署" in listed and f"/team/files/{filed.id}" in listed
    await world.console.app.dispatcher.drain()  # nothing filed twice
    async with world.console.app.uow_factory() as uow:
        assert len(await uow.project_files.for_project(project.id)) == 1
