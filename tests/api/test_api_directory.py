"""The API reads the people directory's version with the token (one statement) and rereads the directory only
when it changed, like chat's batches do (bot.directory_cache)."""

from __future__ import annotations

from storage.repositories.people import bump_directory_version
from storage.uow import SqlAlchemyUnitOfWork
from tests.api.conftest import Api


async def test_the_directory_is_reread_only_when_its_version_changed(api: Api) -> None:
    secret = await api.token("全局 只读")
    cache = api.console.app.bot.directory
    assert (await api.call("GET", "/customers", secret))[0] == 200
    hits, misses = cache.hits, cache.misses
    for _ in range(3):
        assert (await api.call("GET", "/customers", secret))[0] == 200
    assert (cache.hits, cache.misses) == (hits + 3, misses)  # the version read with the token: unchanged
    async with api.console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        await bump_directory_version(uow.session)  # what every change of people, teams or identities does
        await uow.commit()
    assert (await api.call("GET", "/customers", secret))[0] == 200
    assert cache.misses == misses + 1
    assert (await api.call("GET", "/customers", secret))[0] == 200
    assert cache.misses == misses + 1


async def test_an_unknown_token_reads_no_directory(api: Api) -> None:
    cache = api.console.app.bot.directory
    misses = cache.misses
    status, _, _ = await api.call("GET", "/customers", "dbt_00000000_" + "x" * 43)
    assert status == 401 and cache.misses == misses
