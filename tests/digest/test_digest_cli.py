"""`dealbot digest`: --json keys and numbers, --preview, --html, and clear refusals of bad input."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.digest.jsonview import TOP_KEYS
from storage.uow import SqlAlchemyUnitOfWork
from tests.analytics_company import build_company
from tests.db_access import in_uow, with_uow_factory


async def _build(url: str) -> None:
    await with_uow_factory(url, lambda factory: build_company(factory, identities=True))


async def _queued(url: str, recipient: str) -> list[str]:
    async def read(uow: SqlAlchemyUnitOfWork) -> list[str]:
        return [item.text for item in await uow.outbox.pending_for("console", recipient)]
    return await in_uow(url, read)


@pytest.fixture
def config(db_url: str, tmp_path: Path) -> str:
    """The fixture company, everyone reachable on the console under their own name."""
    asyncio.run(_build(db_url))
    path = tmp_path / "dealbot.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["digest", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_gives_every_documented_key_with_the_numbers(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--config", config, "--team", "华东一组", "--date", "2026-12-10", "--json")
    j = json.loads(out)
    assert code == 0 and tuple(j) == TOP_KEYS
    assert j["team"]["name"] == "华东一组" and j["date"] == "2026-12-10"
    assert j["today"]["won_amounts"] == {"CNY": "200000.00"} and j["stalled"]["count"] == 2
    assert j["forecast"]["month"]["weighted"] == {"CNY": "305000.00"}


def test_preview_prints_the_chat_version_and_html_writes_the_email(config: str, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "digest.html"
    code, out, _ = run(capsys, "--config", config, "--team", "all", "--date", "2026-12-10", "--preview",
                       "--html", str(page), "--locale", "en")
    assert code == 0 and "Company daily digest 2026-12-10" in out and "Funnel" in out
    html = page.read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 2 and "仓储" in html


def test_an_unknown_team_or_date_is_refused_saying_what_to_write(config: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--config", config, "--team", "华南组", "--preview")
    assert code == 2 and out == "" and "华南组" in err and "华东一组" in err and "known" in err
    code, out, err = run(capsys, "--config", config, "--team", "华东一组", "--date", "12/10", "--preview")
    assert code == 2 and "2026-12-04" in err and "should look like" in err


def test_without_preview_the_digest_is_queued_to_the_manager_once(config: str, db_url: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--config", config, "--team", "华北组", "--date", "2026-12-10")
    assert code == 0 and "queued: 1" in out and "钱进" in out
    code, out, _ = run(capsys, "--config", config, "--team", "华北组", "--date", "2026-12-10")
    assert code == 0 and "queued already" in out
    [text] = asyncio.run(_queued(db_url, "钱进"))
    assert text.startswith("华北组 每日简报 2026-12-10")
