"""`资源` / `resources` end to end on both engines: per person per ISO week, over 100 % flagged; a manager sees
their team's people (projects they may not view only counted, never named), an admin everyone, a rep themself;
a project or team one may not see answers not found; bad input changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from storage.models import OutboxRow, TaskRow
from tests.e2e.delivery_world import delivery_project, other_team_project
from tests.e2e.harness import Console

# NOW is Tuesday 2026-11-24: the weeks shown are W48 (11-23), W49, W50, W51.
WEEKS_ZH = "每周 5 人天 = 100%；W48 11-23 · W49 11-30 · W50 12-07 · W51 12-14"
ZHANG = "张伟（P1）：W48 100% · W49 50% · W50 0% · W51 0%"


async def last_reply(console: Console) -> str:
    async with console.app.uow_factory() as uow:
        session: Any = uow.session  # type: ignore[attr-defined]
        return str(await session.scalar(select(OutboxRow.text).order_by(OutboxRow.id.desc()).limit(1)))


async def test_a_rep_sees_only_their_own_load(console: Console) -> None:
    await delivery_project(console)
    await other_team_project(console)
    await console.say("资源")
    assert (await last_reply(console)).splitlines() == [
        "资源负荷 · 你能看到的人 · 4 周", WEEKS_ZH, ZHANG, "没有人超过 100%"]


async def test_the_manager_sees_the_team_with_over_allocation_flagged_and_other_teams_projects_unnamed(
        console: Console) -> None:
    await delivery_project(console)
    await other_team_project(console)
    await console.say("资源", as_user="wang")
    lines = (await last_reply(console)).splitlines()
    assert lines[2:] == ["李娜（P1 另 1 个项目）：W48 0% · W49 150% ⚠ · W50 150% ⚠ · W51 100%", ZHANG,
                         "王经理（无任务）：W48 0% · W49 0% · W50 0% · W51 0%", "⚠ 超过 100%：1 人"]
    assert "华强" not in "\n".join(lines) and "P2" not in "\n".join(lines)


async def test_the_admin_sees_everyone_with_tasks_and_every_project(console: Console) -> None:
    await delivery_project(console)
    await other_team_project(console)
    await console.say("资源", as_user="admin")
    assert (await last_reply(console)).splitlines() == [
        "资源负荷 · 全部 · 4 周", WEEKS_ZH, "李娜（P1 P2）：W48 0% · W49 150% ⚠ · W50 150% ⚠ · W51 100%", ZHANG,
        "⚠ 超过 100%：1 人"]
    await console.say("resources 2 weeks")  # P2's task falls after these two weeks: neither counted nor named
    assert (await last_reply(console)).splitlines() == [
        "资源负荷 · 全部 · 2 周", "每周 5 人天 = 100%；W48 11-23 · W49 11-30", "李娜（P1）：W48 0% · W49 150% ⚠",
        "张伟（P1）：W48 100% · W49 50%", "⚠ 超过 100%：1 人"]


async def test_one_project_lists_its_people_and_is_not_found_for_those_who_may_not_see_it(console: Console) -> None:
    await delivery_project(console)
    await other_team_project(console)
    await console.say("资源 P1", as_user="wang")
    assert [line.split("（")[0] for line in (await last_reply(console)).splitlines()[2:4]] == ["李娜", "张伟"]
    hidden = await console.say("resources P1", as_user="chen")
    missing = await console.say("resources P9", as_user="chen")
    assert hidden.replace("P1", "P9") == missing
    team = await console.say("资源 华南一组", as_user="wang")
    assert team == (await console.say("资源 火星组", as_user="wang")).replace("火星组", "华南一组")


async def test_bad_input_says_how_to_write_it_and_changes_nothing(console: Console) -> None:
    await delivery_project(console)
    async with console.app.uow_factory() as uow:
        before = await uow.session.scalar(select(func.count()).select_from(TaskRow))  # type: ignore[attr-defined]
    assert "周数要在 1 到 12 之间" in await console.say("资源 20周")
    assert "项目和团队只写一个" in await console.say("资源 P1 华东一组")
    async with console.app.uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(TaskRow)) == before  # type: ignore[attr-defined]
