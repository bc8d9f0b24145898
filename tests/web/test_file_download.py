"""Downloading a project file (issue #15), on SQLite and PostgreSQL: `GET /team/files/<id>` serves the bytes
stored to a signed-in rep who may see the project, always as an attachment that is never sniffed, with the
type kept only for PNG, JPEG and PDF; a rep of another team gets the same 404 as a file that does not exist;
nobody signed in gets the sign-in page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.delivery.files import FileSettings, Upload, attach_file
from bot.http import make_web_app
from domain.delivery import Project, WorkStatus
from tests.analytics_company import NOW, Company
from tests.e2e.analytics_world import company_session  # noqa: F401  (fixture)
from tests.e2e.harness import Console
from tests.web.conftest import Web

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
PAGE = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
async def web(company_session: tuple[Console, Company], tmp_path: Path) -> AsyncIterator[Web]:  # noqa: F811
    console, company = company_session
    console.app.config.sections["files"] = {"dir": str(tmp_path / "files")}
    client = TestClient(TestServer(make_web_app(console.app)))
    await client.start_server()
    yield Web(client, console, company)
    await client.close()


async def files_of_d1(web: Web, tmp_path: Path) -> tuple[int, int]:
    """张伟's deal D1 (华东一组) gets a project with a PDF and an HTML page attached; their ids."""
    settings = FileSettings(tmp_path / "files")
    async with web.console.app.uow_factory() as uow:
        project = await uow.projects.add(Project(web.company.deals["D1"], "云平台实施", status=WorkStatus.DOING,
                                                 starts_on=date(2026, 12, 1), customer_id=web.company.customer_id))
        assert project.id is not None
        pdf = await attach_file(uow, settings, Upload(project.id, "验收报告.pdf", "application/pdf", PDF, "chat"), NOW)
        page = await attach_file(uow, settings, Upload(project.id, "x.html", "text/html", PAGE, "email"), NOW)
        await uow.commit()
    assert pdf.id is not None and page.id is not None
    return pdf.id, page.id


async def test_a_rep_of_the_team_downloads_the_bytes_as_an_attachment(web: Web, tmp_path: Path) -> None:
    pdf, page = await files_of_d1(web, tmp_path)
    await web.sign_in("张伟")
    response = await web.client.get(f"/team/files/{pdf}")
    assert response.status == 200 and await response.read() == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"____.pdf\"; filename*=UTF-8''%E9%AA%8C%E6%94%B6%E6%8A%A5%E5%91%8A.pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response = await web.client.get(f"/team/files/{page}")
    assert response.status == 200 and await response.read() == PAGE
    assert response.headers["Content-Type"] == "application/octet-stream"  # never served as a page
    assert response.headers["Content-Disposition"].startswith('attachment; filename="x.html"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    await web.sign_in("赵敏")  # the manager of 华东一组
    assert (await web.client.get(f"/team/files/{pdf}")).status == 200


async def test_another_teams_rep_gets_the_404_of_a_missing_file(web: Web, tmp_path: Path) -> None:
    pdf, _ = await files_of_d1(web, tmp_path)
    await web.sign_in("王强")  # 华北组
    theirs = await web.client.get(f"/team/files/{pdf}")
    missing = await web.client.get(f"/team/files/{pdf + 1000}")
    assert theirs.status == missing.status == 404
    body = await theirs.text()
    assert body == await missing.text() and "验收报告" not in body and "PDF" not in body
    web.client.session.cookie_jar.clear()
    anonymous = await web.client.get(f"/team/files/{pdf}")
    assert anonymous.status == 403 and "验收报告" not in await anonymous.text()
