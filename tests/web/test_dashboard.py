"""The managers' dashboard (/dash) on the fixture company (tests/analytics_company.py; now Tuesday
2026-12-15 10:00 Shanghai), on SQLite and PostgreSQL: the 看板 command, sign-in, the numbers the fixture
implies for each scope and period, who may see what, size and headers."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

from bot.web.links import verify
from connectors.base import InboundMessage
from domain.analytics import Target
from tests.analytics_company import NOW
from tests.web.conftest import LINK, Web, outbox_texts

MAX_PAGE = 100 * 1024


def values(body: str) -> dict[str, str]:
    """Every `data-key` figure of the page."""
    return dict(re.findall(r'data-key="([a-z-]+)">([^<]*)<', body))


def listed(body: str, list_id: str) -> list[str]:
    """The names of a list (leaderboard, stalled deals)."""
    block = body.split(f'id="{list_id}"', 1)[1].split("</ol>" if list_id == "leaders" else "</ul>", 1)[0]
    return re.findall(r'<span class="name">([^<]*)</span>', block)


async def page(web: Web, query: str = "") -> tuple[int, str]:
    response = await web.client.get("/dash" + query)
    return response.status, await response.text()


async def test_the_command_stores_a_private_login_link_that_verifies(web: Web) -> None:
    reply = await web.console.say("看板", as_user="赵敏")
    texts = await outbox_texts(web.console, "赵敏")
    assert len(texts) == 1 and texts[0].strip() in reply
    found = LINK.search(texts[0])
    assert found and found.group(0).startswith("http://127.0.0.1:8080/dash/login/")
    claims = verify(web.console.app.bot.settings.web.secret, found.group(1), "login", NOW)
    assert claims.subject_id == web.company.reps["赵敏"] and claims.locale == "zh"
    assert claims.expires_at == NOW + timedelta(minutes=15)
    english = await web.console.say("dashboard", as_user="王强")
    assert "Your dashboard sign-in link (valid 15 minutes" in english


async def test_asked_in_a_group_the_link_goes_to_the_asker_alone(web: Web) -> None:
    app = web.console.app
    await app.bot.receive(InboundMessage(channel="console", external_id=uuid.uuid4().hex, conversation_id="group-east",
                                         sender_id="赵敏", sender_name="赵敏", text="看板", received_at=NOW))
    await app.dispatcher.drain()
    group = await outbox_texts(web.console, "group-east")
    private = await outbox_texts(web.console, "赵敏")
    assert group == ["看板登录链接已私信发给你。"]
    assert len(private) == 1 and LINK.search(private[0]) and not LINK.search(group[0])


async def test_a_manager_sees_their_teams_month(web: Web) -> None:
    await web.sign_in("赵敏")
    status, body = await page(web)
    assert status == 200 and '<html lang="zh-CN">' in body
    assert 'action="/dash/logout"' in body and 'class="who"' in body  # rep_page.html's header
    assert 'id="scope-name">华东一组<' in body and 'id="period-name">2026 年 12 月<' in body
    # December: won D1 300k + D2 200k, lost D3; new deal D5; leads 12-02 and 12-12.
    # Forecast: D4 500k x 0.6 + D6 50k x 0.1 = 305k over 2 deals. Stalled: D6, D4, D5.
    assert values(body) == {"won": "2", "won-amount": "¥50万", "lost": "1", "win-rate": "67%", "new-deals": "1",
                            "new-leads": "2", "weighted": "¥30.5万", "open-deals": "2", "forecast-won": "¥50万",
                            "stalled-count": "3"}
    assert listed(body, "leaders") == ["张伟", "李娜"]
    assert listed(body, "stalled") == ["培训", "数据中台", "安全"]
    assert "<li>谈判 → 赢单: 2/3 (67%)</li>" in body and "平均成交周期 56 天" in body
    assert "王强" not in body and "物流" not in body and "仓储" not in body  # 华北组's people and deals
    picker = body.split('<select id="team" name="team">', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', picker) == [
        (str(web.company.teams["华东一组"]), " selected", "华东一组")]


async def test_the_quarter_and_a_target_change_the_page(web: Web) -> None:
    team = web.company.teams["华东一组"]
    async with web.console.app.uow_factory() as uow:
        await uow.targets.set(Target("team", team, "2026Q4", Decimal(2_000_000)), by=None, at=NOW)
        await uow.commit()
    await web.sign_in("赵敏")
    _, month = await page(web)
    assert "本期没有设定目标" in month
    status, body = await page(web, "?period=quarter")
    assert status == 200 and 'id="period-name">2026 年第 4 季度<' in body
    # Q4: new deals D2 D3 D4 D5 D6, leads 11-15 12-02 12-12; won 500k of a 2,000k target (25%);
    # 76 of 92 days gone (83%).
    got = values(body)
    assert (got["won"], got["new-deals"], got["new-leads"]) == ("2", "5", "3")
    assert (got["target"], got["achieved"]) == ("¥200万", "¥50万")
    assert "(25%)" in body and "时间已过 83%" in body and "落后于进度" in body


async def test_an_admin_picks_the_company_or_any_team(web: Web) -> None:
    await web.sign_in("管理员")
    _, company = await page(web)
    assert 'id="scope-name">全公司<' in company and '<option value="all" selected>全公司</option>' in company
    # December, everyone: won D1 D2; new deals D5 D10; leads 12-02 12-03 12-12.
    got = values(company)
    assert (got["won"], got["new-deals"], got["new-leads"]) == ("2", "2", "3")
    north = web.company.teams["华北组"]
    _, quarter = await page(web, f"?team={north}&period=quarter&lang=en")
    assert 'id="scope-name">华北组<' in quarter and '<html lang="en">' in quarter and "Stalled deals" in quarter
    # Q4 华北组: won D8 400k; new deals D8 D9 D10; the USD deal shows in its own currency.
    got = values(quarter)
    assert (got["won"], got["won-amount"], got["new-deals"]) == ("1", "¥400,000", "3")
    assert listed(quarter, "leaders") == ["王强"] and "$20,000" in quarter


async def test_a_manager_cannot_open_a_team_they_do_not_manage(web: Web) -> None:
    await web.sign_in("赵敏")
    north = web.company.teams["华北组"]
    status, other = await page(web, f"?team={north}")
    missing_status, missing = await page(web, "?team=999")
    assert status == missing_status == 404
    assert other == missing  # answered exactly like a team that does not exist
    assert "华北" not in other and "王强" not in other and "钱进" not in other and "999" not in missing


async def test_a_rep_sees_only_their_own_numbers(web: Web) -> None:
    await web.sign_in("张伟")
    status, body = await page(web)
    assert status == 200 and 'id="scope-name">张伟<' in body and 'name="team"' not in body
    # 张伟 in December: won D1 300k, lost D3; stalled: D4 only; first of two reps with wins in 华东一组.
    got = values(body)
    assert (got["won"], got["won-amount"], got["lost"], got["win-rate"]) == ("1", "¥30万", "1", "50%")
    assert got["stalled-count"] == "1" and listed(body, "stalled") == ["数据中台"]
    assert "团队排行第 1 名（共 2 人有赢单）" in body
    assert "李娜" not in body and "培训" not in body
    own_team = web.company.teams["华东一组"]
    assert (await page(web, f"?team={own_team}"))[0] == 404


async def test_pages_are_small_and_carry_the_csp(web: Web) -> None:
    await web.sign_in("管理员")
    for query in ("", "?period=quarter", "?lang=en", f"?team={web.company.teams['华东一组']}"):
        response = await web.client.get("/dash" + query)
        body = await response.read()
        assert response.status == 200 and len(body) < MAX_PAGE
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert b"<script" not in body and b"style=" not in body and b"http://" not in body.replace(
            b"http://www.w3.org", b"")


async def test_an_english_speaking_rep_gets_english_unless_asking_otherwise(web: Web) -> None:
    await web.sign_in("王强")
    _, body = await page(web)
    assert '<html lang="en">' in body and "Results in the period" in body and "December 2026" in body
    _, zh = await page(web, "?lang=zh")
    assert '<html lang="zh-CN">' in zh and "期间业绩" in zh
