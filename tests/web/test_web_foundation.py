"""The web layer's foundation on the bot's real aiohttp application (SQLite and PostgreSQL): security
headers, translated error pages that repeat nothing of the request, static assets with cache headers,
the shared link secret, sign-in links becoming sessions, revocation, expiry and CSRF on POST forms."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.web.links import sign
from bot.web.sessions import COOKIE
from bot.web.settings import SECRET_KEY, load_web_settings, revoke_links
from tests.web.conftest import SIGNED_IN, Web

SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
            "Server": "dealbot"}


def assert_secure_headers(headers: object) -> None:
    assert isinstance(headers, dict) or hasattr(headers, "get")
    for name, value in SECURITY.items():
        assert headers.get(name) == value, name  # type: ignore[attr-defined]
    csp = headers.get("Content-Security-Policy", "")  # type: ignore[attr-defined]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


async def test_every_response_carries_the_security_headers(web: Web) -> None:
    await web.sign_in("赵敏")
    for path in ("/dash", "/healthz", "/no/such/page", "/static/dealbot.css", "/dash/login/x.y"):
        response = await web.client.get(path)
        assert_secure_headers(response.headers)
        assert "aiohttp" not in response.headers.get("Server", "").lower()
        assert (response.headers["Cache-Control"] == "no-store") is not path.startswith("/static/")


async def test_an_unknown_address_answers_a_translated_page_repeating_nothing(web: Web) -> None:
    zh = await web.client.get("/dash/客户张三的项目/4711")
    body = await zh.text()
    assert zh.status == 404 and "页面不存在" in body and '<html lang="zh-CN">' in body
    en = await web.client.get("/portal/张三/4711?lang=en")
    body_en = await en.text()
    assert en.status == 404 and "Page not found" in body_en and '<html lang="en">' in body_en
    for text in (body, body_en):
        assert "张三" not in text and "4711" not in text and "%E5%BC%A0" not in text
        assert len(text.encode()) < 100 * 1024 and "<script" not in text
    browser_en = await web.client.get("/nothing", headers={"Accept-Language": "en-US,en;q=0.9,zh;q=0.5"})
    assert "Page not found" in await browser_en.text()


async def test_the_stylesheet_is_served_with_cache_headers_and_revalidates(web: Web) -> None:
    page = await (await web.client.get("/no/such/page")).text()
    href = page.split('rel="stylesheet" href="')[1].split('"')[0]
    assert href.startswith("/static/dealbot.css?v=")
    css = await web.client.get(href)
    assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "max-age=" in css.headers["Cache-Control"] and "public" in css.headers["Cache-Control"]
    assert "body" in await css.text()
    again = await web.client.get(href, headers={"If-None-Match": css.headers["ETag"]})
    assert again.status == 304
    missing = await web.client.get("/static/../bot/web/links.py")
    assert missing.status == 404
    assert (await web.client.get("/static/nothing.css")).status == 404


async def test_the_generated_secret_is_stored_once_and_shared(web: Web) -> None:
    factory = web.console.app.uow_factory
    first = await load_web_settings({}, factory)
    second = await load_web_settings({"public_url": "https://crm.example.cn"}, factory)
    async with factory() as uow:
        stored = await uow.settings.get(SECRET_KEY)
    assert first.secret == second.secret == stored == web.console.app.bot.settings.web.secret
    assert len(first.secret) >= 32 and second.secure and not first.secure
    assert (await load_web_settings({"secret": "configured-one"}, factory)).secret == "configured-one"
    assert first.secret not in repr(first)


async def test_a_login_link_sets_a_strict_http_only_session_cookie(web: Web) -> None:
    token = await web.link_for("赵敏")
    response = await web.client.get(f"/dash/login/{token}", allow_redirects=False)
    assert response.status == 200 and SIGNED_IN in await response.text()
    assert token not in await response.text()
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert int(cookie["max-age"]) == 8 * 3600 and not cookie["secure"]
    assert token not in cookie.value and response.headers["Cache-Control"] == "no-store"
    page = await web.client.get("/dash")
    assert page.status == 200 and "赵敏" in await page.text()


async def test_expired_and_tampered_login_links_are_refused(web: Web) -> None:
    token = await web.link_for("赵敏")
    web.console.clock.now += timedelta(minutes=15)
    expired = await web.client.get(f"/dash/login/{token}", allow_redirects=False)
    assert expired.status == 410 and COOKIE not in expired.cookies
    assert "链接已过期" in (said := await expired.text()) and "发送「看板」获取新链接" in said
    web.console.clock.now -= timedelta(minutes=15)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    refused = await web.client.get(f"/dash/login/{tampered}", allow_redirects=False)
    assert refused.status == 403 and COOKIE not in refused.cookies
    assert "链接无效" in (text := await refused.text()) and tampered not in text and "赵敏" not in text
    other_purpose = sign(web.console.app.bot.settings.web.secret, "portal", web.company.reps["赵敏"],
                         web.console.clock.now + timedelta(days=1))
    assert (await web.client.get(f"/dash/login/{other_purpose}", allow_redirects=False)).status == 403
    anonymous = await web.client.get("/dash")
    assert anonymous.status == 403 and "请先登录" in await anonymous.text()


async def test_revoking_a_reps_links_ends_their_links_and_sessions(web: Web) -> None:
    await web.sign_in("赵敏")
    token = await web.link_for("赵敏")
    async with web.console.app.uow_factory() as uow:
        await revoke_links(uow, "login", web.company.reps["赵敏"])
        await uow.commit()
    assert (await web.client.get("/dash")).status == 403
    assert (await web.client.get(f"/dash/login/{token}", allow_redirects=False)).status == 403
    await web.sign_in("赵敏")  # a new link carries the new counter
    assert (await web.client.get("/dash")).status == 200


async def test_a_session_ends_after_session_hours(web: Web) -> None:
    await web.sign_in("赵敏")
    web.console.clock.now += timedelta(hours=7, minutes=59)
    assert (await web.client.get("/dash")).status == 200
    web.console.clock.now += timedelta(minutes=1)
    assert (await web.client.get("/dash")).status == 403


async def test_sign_out_needs_the_forms_csrf_token(web: Web) -> None:
    await web.sign_in("赵敏")
    page = await (await web.client.get("/dash")).text()
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    for data in ({}, {"csrf": "forged"}, {"csrf": csrf + "x"}):
        refused = await web.client.post("/dash/logout", data=data, allow_redirects=False)
        assert refused.status == 403 and "没有做任何更改" in await refused.text()
        assert (await web.client.get("/dash")).status == 200  # still signed in
    done = await web.client.post("/dash/logout", data={"csrf": csrf}, allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == "/dash/signed-out"
    assert done.cookies[COOKIE].value == ""
    web.client.session.cookie_jar.update_cookies(done.cookies)
    assert (await web.client.get("/dash")).status == 403


@pytest.mark.parametrize(("line", "key"), [('public_url = "crm.example.cn"', "public_url"),
                                          ("login_minutes = 0", "login_minutes"),
                                          ('session_hours = "8"', "session_hours"), ("link_days = -1", "link_days"),
                                          ('secrte = "x"', "secrte")])
def test_bad_web_config_is_refused_naming_the_key(tmp_path: Path, line: str, key: str) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text(f"[web]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"\[web\].*{key}|{key}.*\[web\]"):
        load_config(path, environ={})


def test_the_example_config_documents_every_web_key() -> None:
    example = Path(__file__).parents[2] / "config" / "dealbot.example.toml"
    web = load_config(example, environ={}).section("web")
    assert set(web) == {"public_url", "secret", "link_days", "login_minutes", "session_hours"}


async def test_an_expired_english_login_link_answers_in_english(web: Web) -> None:
    secret = web.console.app.bot.settings.web.secret
    token = sign(secret, "login", web.company.reps["赵敏"], web.console.clock.now + timedelta(minutes=15), 1, "en")
    web.console.clock.now += timedelta(minutes=16)
    expired = await web.client.get(f"/dash/login/{token}", allow_redirects=False)
    assert expired.status == 410 and COOKIE not in expired.cookies
    text = await expired.text()
    assert "Link expired" in text and "dashboard" in text and "链接已过期" not in text
    web.console.clock.now -= timedelta(minutes=16)
