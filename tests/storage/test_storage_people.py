"""Reps with channel identities, and teams."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from storage_helpers import Factory

from domain.people import Rep, Team
from storage.models import IdentityRow


async def test_a_rep_is_found_by_any_of_its_channel_identities(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        rep = await uow.reps.add(Rep("张三", identities={"wecom": "zhangsan", "email": "zs@example.cn"}))
        await uow.reps.add(Rep("李四", identities={"wecom": "lisi"}))
        await uow.commit()
    async with uow_factory() as uow:
        by_wecom = await uow.reps.by_identity("wecom", "zhangsan")
        by_email = await uow.reps.by_identity("email", "zs@example.cn")
        assert by_wecom is not None and by_email is not None
        assert by_wecom.id == by_email.id == rep.id
        assert by_wecom.identities == {"wecom": "zhangsan", "email": "zs@example.cn"}
        assert await uow.reps.by_identity("dingtalk", "zhangsan") is None
        assert await uow.reps.by_identity("wecom", "nobody") is None


async def test_saving_identities_updates_adds_and_removes_channels(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        rep = await uow.reps.add(Rep("张三", identities={"wecom": "zs", "email": "zs@example.cn"}))
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.reps.get(rep.id or 0)
        loaded.identities = {"wecom": "zhangsan", "dingtalk": "0123"}
        await uow.reps.save(loaded)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.reps.get(rep.id or 0)).identities == {"wecom": "zhangsan", "dingtalk": "0123"}
        assert await uow.reps.by_identity("email", "zs@example.cn") is None
        assert await uow.reps.by_identity("wecom", "zs") is None
        count = await uow.session.scalar(select(func.count()).select_from(IdentityRow))
    assert count == 2


async def test_one_channel_identity_cannot_belong_to_two_reps(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        await uow.reps.add(Rep("张三", identities={"wecom": "zhangsan"}))
        with pytest.raises(IntegrityError):
            await uow.reps.add(Rep("张三二号", identities={"wecom": "zhangsan"}))


async def test_deleting_a_rep_deletes_its_identities(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        rep = await uow.reps.add(Rep("张三", identities={"wecom": "zhangsan"}))
        await uow.commit()
    async with uow_factory() as uow:
        await uow.reps.delete(rep)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.reps.by_identity("wecom", "zhangsan") is None
        assert await uow.session.scalar(select(func.count()).select_from(IdentityRow)) == 0
        await uow.reps.add(Rep("新张三", identities={"wecom": "zhangsan"}))  # the identity is free again
        await uow.commit()


async def test_by_name_prefers_the_exact_name_then_ignores_case(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        alice = await uow.reps.add(Rep("Alice Wu"))
        await uow.reps.add(Rep("ALICE WU"))
        chinese = await uow.reps.add(Rep("王五"))
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.reps.by_name("ALICE WU") or alice).name == "ALICE WU"
        assert (await uow.reps.by_name("alice wu") or chinese).id == alice.id
        assert (await uow.reps.by_name("王五") or alice).id == chinese.id
        assert await uow.reps.by_name("王") is None


async def test_reps_and_teams_are_listed_in_creation_order(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        for name in ("丙", "甲", "乙"):
            await uow.reps.add(Rep(name))
            await uow.teams.add(Team(f"{name}组"))
        await uow.commit()
    async with uow_factory() as uow:
        assert [rep.name for rep in await uow.reps.list()] == ["丙", "甲", "乙"]
        assert [team.name for team in await uow.teams.list()] == ["丙组", "甲组", "乙组"]


async def test_team_by_name_is_exact_then_case_insensitive(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        east = await uow.teams.add(Team("East Team", region="华东"))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.teams.by_name("East Team") == east
        assert await uow.teams.by_name("east team") == east
        assert await uow.teams.by_name("West Team") is None


async def test_deleting_a_team_leaves_its_reps_without_a_team(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        team = await uow.teams.add(Team("华北组"))
        rep = await uow.reps.add(Rep("赵六", team_id=team.id))
        await uow.commit()
    async with uow_factory() as uow:
        await uow.teams.delete(team)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.reps.get(rep.id or 0)).team_id is None
