"""send_digests: each manager's digest queued once per local day at the digest time, held by quiet hours;
an email manager gets HTML with the two charts inline. SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.digest.settings import DigestSettings
from connectors.base import OutboundMessage
from connectors.email.smtp import SmtpConfig, SmtpSender
from domain.messaging import OutboxItem
from scheduler.digest import send_digests
from storage.uow import SqlAlchemyUnitOfWork
from tests.analytics_company import Company, at, build_company

Factory = Callable[[], SqlAlchemyUnitOfWork]
EMAIL = "zhaomin@example.cn"


@pytest.fixture
async def company(uow_factory: Factory) -> Company:
    company = await build_company(uow_factory, identities=True)
    async with uow_factory() as uow:  # 赵敏 (华东一组) reads mail; 钱进 and the admin use the console
        manager = await uow.reps.get(company.reps["赵敏"])
        manager.identities = {"email": EMAIL}
        await uow.reps.save(manager)
        await uow.commit()
    return company


async def queued(uow_factory: Factory, channel: str, recipient: str) -> list[OutboxItem]:
    async with uow_factory() as uow:
        return list(await uow.outbox.pending_for(channel, recipient))


async def test_nothing_before_the_digest_time_then_each_manager_once(uow_factory: Factory, company: Company) -> None:
    settings = DigestSettings()
    assert await send_digests(uow_factory, at(12, 10, 17) + timedelta(minutes=59), settings) == 0
    assert await send_digests(uow_factory, at(12, 10, 18), settings) == 3
    assert await send_digests(uow_factory, at(12, 10, 18) + timedelta(minutes=5), settings) == 0
    north = await queued(uow_factory, "console", "钱进")
    admin = await queued(uow_factory, "console", "管理员")
    mail = await queued(uow_factory, "email", EMAIL)
    assert [item.dedupe_key for item in north] == [f"digest:{company.reps['钱进']}:2026-12-10"]
    assert "华北组 每日简报 2026-12-10" in north[0].text and "仓储" in north[0].text
    assert "全公司 每日简报" in admin[0].text and len(mail) == 1
    assert all(item.not_before is None for item in north + admin + mail)  # 18:00 is outside quiet hours
    assert await send_digests(uow_factory, at(12, 11, 18), settings) == 3  # the next day again


async def test_a_digest_due_in_quiet_hours_waits_for_the_morning(uow_factory: Factory, company: Company) -> None:
    assert await send_digests(uow_factory, at(12, 10, 22), DigestSettings()) == 3
    north = await queued(uow_factory, "console", "钱进")
    assert north[0].not_before == at(12, 11, 8)


async def test_a_disabled_digest_sends_nothing(uow_factory: Factory, company: Company) -> None:
    assert await send_digests(uow_factory, at(12, 10, 19), DigestSettings(enabled=False)) == 0


async def test_the_email_digest_is_html_with_both_charts_inline(uow_factory: Factory, company: Company) -> None:
    await send_digests(uow_factory, at(12, 10, 18), DigestSettings())
    [item] = await queued(uow_factory, "email", EMAIL)
    assert item.subject == "华东一组 每日简报 2026-12-10" and item.extra["automatic"] is True
    images = item.extra["inline_images"]
    assert [image["filename"] for image in images] == ["funnel.png", "trend.png"]
    assert all(base64.b64decode(image["data"]).startswith(b"\x89PNG") for image in images)
    for image in images:
        assert f'src="cid:{image["cid"]}"' in item.extra["html"]
    mail = SmtpSender(SmtpConfig(host="127.0.0.1", from_address="bot@dealbot.cn")).build(OutboundMessage(
        channel="email", recipient=item.recipient, text=item.text, subject=item.subject, extra=item.extra))
    parts = {part.get_content_type(): part for part in mail.walk()}
    assert mail.get_content_type() == "multipart/alternative"
    assert "数据中台" in parts["text/plain"].get_content() and "数据中台" in parts["text/html"].get_content()
    cids = [part["Content-ID"] for part in mail.walk() if part.get_content_type() == "image/png"]
    assert cids == [f"<{image['cid']}>" for image in images]
    assert mail["Auto-Submitted"] == "auto-generated"
