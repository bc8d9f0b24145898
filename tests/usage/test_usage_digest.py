"""The admins' daily digest carries a "usage" section (issue #16); managers' digests do not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select

import bot.handlers  # noqa: F401  (registers the commands the features are named after)
from bot.digest.settings import DigestSettings
from bot.usage.digest_section import UsageDigest, usage_section
from domain.usage import ChannelLatency, UsageMonth
from scheduler.digest import send_digests
from storage.models import OutboxRow
from tests.e2e.harness import Console
from tests.usage.conftest import SHANGHAI

EVENING = datetime(2026, 11, 24, 18, 5, tzinfo=SHANGHAI)


async def digest_text(console: Console, recipient: str) -> str:
    async with console.app.uow_factory() as uow:
        stmt = select(OutboxRow).where(OutboxRow.recipient == recipient, OutboxRow.dedupe_key.like("digest:%"))
        rows = (await uow.session.scalars(stmt.order_by(OutboxRow.id))).all()  # type: ignore[attr-defined]
        return "\n".join(r.markdown or r.text for r in rows)


async def test_the_admin_digest_shows_the_days_usage(console: Console) -> None:
    for name in ("杭州明途信息技术有限公司", "青岛海纳电子有限公司", "苏州远航物流有限公司"):
        await console.say(f"新客户 {name} 区域 华东")
    await console.say("新商机 明途 MES 80万")
    await console.say("新商机 海纳 ERP 30万")
    await console.say("今天拜访了明途的王总，聊了MES项目，预算80万，下周三再约")
    await console.say("撤销")
    assert await send_digests(console.app.uow_factory, EVENING, DigestSettings()) >= 2
    admin = await digest_text(console, "admin")
    assert ("**使用情况**\n- 当日最常用：新客户 3 次、新商机 2 次、撤销 1 次\n"
            "- 本月最常用：新客户 3 次、新商机 2 次、撤销 1 次\n"
            "- 本月自由文本撤销/更正率 100.0%（1/1）\n- 本月回复延迟中位数：控制台 0 ms") in admin
    manager = await digest_text(console, "wang")  # the team manager's digest: no usage section
    assert "华东一组" in manager and "使用情况" not in manager


def test_the_usage_section_in_english_names_the_features_in_english() -> None:
    day = UsageMonth(date(2026, 11, 1), (("新客户", 3), ("跟进", 1)), 1, 1, 1, 0, (ChannelLatency("console", 2, 40),),
                     ())
    month = replace(day, features=(("新客户", 9), ("跟进", 4), ("撤销", 2), ("报价", 1)))
    assert usage_section(UsageDigest(day, month), "en") == (
        "**Usage**\n- Most used today: customer add ×3, follow-up ×1\n"
        "- Most used this month: customer add ×9, follow-up ×4, undo ×2\n"
        "- Undo rate of free-text capture this month: 100.0% (1/1)\n- Median reply latency this month: console 40 ms")
