"""Fixtures for the real-process tests: a database per test (SQLite file or a throw-away PostgreSQL
database), the fake WeCom API in a thread, and a factory of `dealbot serve` processes that are all
killed at teardown, whatever happened. Every test in this folder carries the `process` marker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ServerDatabases
from tests.process.harness import ServeProcess, WeComApi
from tests.process.load import Database

HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "process: real `dealbot serve` processes killed, stopped and run side "
                            "by side (tests/process; run alone with -m process)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.process)


@pytest.fixture
def process_db_url(empty_db_url: str) -> str:
    """An empty database of its own (the first serve process migrates it)."""
    return empty_db_url


@pytest.fixture
def pg_process_db_url(pg_databases: ServerDatabases) -> Iterator[str]:
    url = pg_databases.create()
    yield url
    pg_databases.drop(url)


@pytest.fixture
def wecom_api() -> Iterator[WeComApi]:
    api = WeComApi().start()
    try:
        yield api
    finally:
        api.stop()


ServeFactory = Callable[..., ServeProcess]


@pytest.fixture
def serve(tmp_path: Path, wecom_api: WeComApi) -> Iterator[ServeFactory]:
    """`serve(name, db_url, **extra_sections)` -> a configured, not yet started serve process."""
    made: list[ServeProcess] = []

    def make(name: str, db_url: str, **extra: dict[str, Any]) -> ServeProcess:
        process = ServeProcess(tmp_path, name, db_url, wecom_api.url, extra)
        made.append(process)
        return process

    try:
        yield make
    finally:
        for process in made:
            process.stop()


@pytest.fixture
async def database() -> AsyncIterator[Callable[[str], Database]]:
    opened: list[Database] = []

    def open_db(url: str) -> Database:
        db = Database(url)
        opened.append(db)
        return db

    yield open_db
    for db in opened:
        await db.close()
