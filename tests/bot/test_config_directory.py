"""[[users]] at start-up: misspelt teams and taken identities are refused, and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import bootstrap
from bot.config import Config, ConfigError, load_config
from bot.directory import read_users_file, sync_directory

TEAMS = [{"name": "华东一组", "region": "华东"}]


def config_with(tmp_path: Path, users: list[dict[str, Any]]) -> Config:
    config = load_config(environ={})
    config.sections["database"]["url"] = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    config.sections.update({"teams": TEAMS, "users": users})
    return config


async def people(tmp_path: Path) -> tuple[set[str], set[str]]:
    app = await bootstrap(config_with(tmp_path, []), chat=False)
    try:
        async with app.uow_factory() as uow:
            return {r.name for r in await uow.reps.list()}, {t.name for t in await uow.teams.list()}
    finally:
        await app.close()


async def test_a_misspelt_team_is_refused_with_a_hint_and_creates_nobody(tmp_path: Path) -> None:
    users = [{"name": "李娜", "team": "华东一组"}, {"name": "张伟", "team": "华东一祖"}]
    with pytest.raises(ConfigError) as err:
        await bootstrap(config_with(tmp_path, users), chat=False)
    assert "#2" in str(err.value) and "华东一祖" in str(err.value) and "did you mean '华东一组'" in str(err.value)
    assert await people(tmp_path) == (set(), {"华东一组"})


async def test_an_identity_already_held_by_someone_else_is_refused(tmp_path: Path) -> None:
    app = await bootstrap(config_with(tmp_path, [{"name": "张伟", "team": "华东一组", "wecom": "zw"}]), chat=False)
    await app.close()
    users = [{"name": "张伟", "team": "华东一组"}, {"name": "李娜", "team": "华东一组", "wecom": "zw"}]
    with pytest.raises(ConfigError, match="'zw' already belongs to 张伟"):
        await bootstrap(config_with(tmp_path, users), chat=False)
    assert (await people(tmp_path))[0] == {"张伟"}


async def test_a_users_csv_may_still_create_its_teams_but_a_toml_file_is_checked(tmp_path: Path) -> None:
    csv = tmp_path / "users.csv"
    csv.write_text("name,role,team,console\n王芳,rep,华南一组,wf\n", encoding="utf-8")
    app = await bootstrap(config_with(tmp_path, []), chat=False)
    try:
        teams, users = read_users_file(csv)
        report = await sync_directory(app.uow_factory, teams, users, create_teams=True)
        assert report.errors == [] and report.created == ["王芳"]
    finally:
        await app.close()
    assert await people(tmp_path) == ({"王芳"}, {"华东一组", "华南一组"})
    toml = tmp_path / "users.toml"
    toml.write_text('[[users]]\nname = "赵敏"\nteem = "华东一组"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'teem' \\(did you mean 'team'\\?\\)"):
        read_users_file(toml)
