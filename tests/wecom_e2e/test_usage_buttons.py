"""Reminder button taps in WeCom are usage events of kind "button" (issue #16), named by the command they ran
(its registered name), with their channel and latency."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import UsageEventRow
from tests.wecom_e2e.harness import WeComSession
from tests.wecom_e2e.test_wecom_reminder_buttons import DONE, pushed_card, tap


async def test_a_reminder_tap_is_a_button_event(wecom: WeComSession) -> None:
    card = await pushed_card(wecom)
    await tap(wecom, card, DONE)
    async with wecom.app.uow_factory() as uow:
        stmt = select(UsageEventRow).order_by(UsageEventRow.id)
        rows = (await uow.session.scalars(stmt)).all()  # type: ignore[attr-defined]
        found = [(r.kind, r.feature, r.outcome, r.channel, r.latency_ms is not None) for r in rows]
    assert found == [("command", "新客户", "ok", "wecom", True), ("command", "新商机", "ok", "wecom", True),
                     ("command", "跟进", "ok", "wecom", True), ("button", "提醒 完成", "ok", "wecom", True)]
