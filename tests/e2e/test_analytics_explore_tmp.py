from __future__ import annotations
from collections.abc import AsyncIterator
import pytest
from tests.analytics_company import CONFIG_TEAMS, CONFIG_USERS, NOW, build_company
from tests.e2e.harness import Console, start_console

@pytest.fixture
async def company_console(db_url: str) -> AsyncIterator[Console]:
    session = await start_console(db_url, "赵敏", NOW, teams=CONFIG_TEAMS, users=CONFIG_USERS, assignment=[])
    await build_company(session.app.uow_factory, people=False)
    yield session
    await session.app.close()

async def test_explore(company_console: Console, db_backend: str) -> None:
    c = company_console
    out = []
    for user, text in [("赵敏","这个月业绩如何"),("赵敏","华北组这个季度赢单多少"),("管理员","华东团队这个季度赢单多少"),
                       ("王强","how did Q4 go"),("张伟","李娜这个月业绩"),("赵敏","张伟的商机"),("王强","张伟的商机"),
                       ("赵敏","明途信息的历史"),("管理员","哪些商机卡住了"),("赵敏","逾期的跟进"),("管理员","预测"),
                       ("管理员","2026Q5业绩"),("赵敏","火星组业绩如何"),("赵敏","目标 华东一组 2026Q4 150万"),
                       ("赵敏","业绩 本季度"),("张伟","目标 张伟 2026Q4 100万"),("赵敏","目标 华北组 2026Q4 100万"),
                       ("管理员","漏斗"),("管理员","排行 本季度"),("王强","forecast"),("王强","overdue payments"),
                       ("管理员","逾期的回款"),("王强","leaderboard this quarter"),("赵敏", "业绩")]:
        out.append(f">>> {user}: {text}\n" + await c.say(text, as_user=user))
    open(f"/tmp/ana/explore_{db_backend}.txt","w").write("\n".join(out))
