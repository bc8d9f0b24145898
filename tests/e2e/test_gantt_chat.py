"""`甘特 P1` / `gantt P1` end to end on both engines: the reply in the outbox carries the chart as a PNG image
(extra["image"]) and the link to the project's web view; people who may not view the project get exactly the
answer a missing project gets."""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.models import OutboxRow
from tests.e2e.conftest import NOW
from tests.e2e.delivery_world import delivery_project
from tests.e2e.harness import Console, start_console


@dataclass(frozen=True)
class Sent:
    text: str
    extra: dict[str, Any]


async def replies(console: Console) -> list[Sent]:
    """Every outbox row, oldest first: its text and extra."""
    async with console.app.uow_factory() as uow:
        session: Any = uow.session  # type: ignore[attr-defined]
        rows = await session.execute(select(OutboxRow.text, OutboxRow.extra).order_by(OutboxRow.id))
        return [Sent(text, dict(extra)) for text, extra in rows]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_the_owner_gets_the_chart_as_an_image_with_the_web_link(console: Console) -> None:
    await delivery_project(console)
    out = await console.say("甘特 P1")
    row = (await replies(console))[-1]
    image = row.extra["image"]
    assert (image["filename"], image["content_type"]) == ("gantt-P1.png", "image/png")
    png = base64.b64decode(image["data"])
    assert png_size(png) == (1000, round(100 * (1.5 + 0.32 * 5)))  # 3 tasks + 2 milestones
    assert "http://127.0.0.1:8080/team/projects/1" in row.text
    assert "3 个任务，2 个里程碑（逾期 0，受阻 1）" in row.text
    assert "[图片 image: gantt-P1.png, image/png," in out and "网页版：http://127.0.0.1:8080/team/projects/1" in out


async def test_the_manager_and_an_assignee_may_see_it_others_get_not_found(console: Console) -> None:
    await delivery_project(console)
    for user in ("wang", "lina"):  # manager of 张伟's team; 李娜 holds a task in it
        await console.say("甘特P1", as_user=user)
        assert "image" in (await replies(console))[-1].extra
    missing = await console.say("gantt P9", as_user="chen")
    hidden = await console.say("gantt P1", as_user="chen")  # 陈晨: another team, no task in it
    assert hidden.replace("P1", "P9") == missing and "P9" in missing
    rows = await replies(console)
    assert all("image" not in r.extra for r in rows[-2:])


async def test_a_colleague_without_a_task_in_it_does_not_see_it(db_url: str) -> None:
    console = await start_console(db_url, "zhangwei", NOW)
    try:
        await delivery_project(console, li_task=False)
        answer = await console.say("甘特 P1", as_user="lina")
        assert answer == (await console.say("甘特 P7", as_user="lina")).replace("P7", "P1")
        assert all("image" not in r.extra for r in await replies(console))
    finally:
        await console.app.close()


async def test_the_link_uses_the_configured_public_url_and_no_ref_asks_for_one(db_url: str) -> None:
    console = await start_console(db_url, "zhangwei", datetime(2026, 12, 7, 9, 0, tzinfo=NOW.tzinfo),
                                  web={"public_url": "https://crm.example.cn/"})
    try:
        await delivery_project(console)
        await console.say("gantt P1")
        row = (await replies(console))[-1]
        assert "https://crm.example.cn/team/projects/1" in row.text and "image" in row.extra
        asked = await console.say("甘特")
        assert "甘特 P3" in asked and "image" not in (await replies(console))[-1].extra
    finally:
        await console.app.close()
