"""Error pages: translated (zh/en), status 403/404/410, never repeating a name or id from the request.

`error_pages` is a middleware: it turns `Refused` raised by page handlers, and the router's own 404/405
for unknown addresses, into the `error.html` page. Errors raised by channel callbacks (aiohttp's
HTTPException subclasses) pass through untouched: platforms expect their plain answers.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.web.base import Refused, page_locale, render

# kind -> (title zh, title en, text zh, text en)
MESSAGES: dict[str, tuple[str, str, str, str]] = {
    "not_found": ("页面不存在", "Page not found",
                  "这个页面不存在，或你没有查看它的权限。", "This page does not exist, or you may not see it."),
    # links anyone may hold (customer portal): ask whoever sent it
    "forbidden": ("链接无效", "Link not valid",
                  "这个链接无效（可能不完整或已被撤销）。请向发给你链接的人索取新链接。",
                  "This link is not valid (it may be incomplete or revoked). Ask whoever sent it for a new one."),
    "expired": ("链接已过期", "Link expired",
                "这个链接已过期。请向发给你链接的人索取新链接。",
                "This link has expired. Ask whoever sent it for a new one."),
    # staff sign-in links (bot.web.sessions): ask the bot again
    "login_forbidden": ("链接无效", "Link not valid",
                        "这个登录链接无效（可能不完整或已被撤销）。请在聊天中发送「看板」获取新链接。",
                        "This sign-in link is not valid (it may be incomplete or revoked). Send 'dashboard' in "
                        "chat for a new one."),
    "login_expired": ("链接已过期", "Link expired",
                      "这个登录链接已过期。请在聊天中发送「看板」获取新链接。",
                      "This sign-in link has expired. Send 'dashboard' in chat for a new one."),
    "login": ("请先登录", "Please sign in",
              "请在聊天中发送「看板」获取登录链接，登录后再打开此页面。",
              "Send 'dashboard' in chat to get a sign-in link, then open this page again."),
    "csrf": ("请求未被接受", "Request not accepted",
             "表单已过期或不是从本站提交的，没有做任何更改。请刷新页面后重试。",
             "The form expired or was not sent from this site; nothing was changed. Reload the page and try again."),
    "method": ("不支持的操作", "Not allowed", "这个地址不支持此操作。", "This address does not allow that."),
}


def error_page(request: web.Request, status: int, kind: str, default: str | None = None) -> web.Response:
    locale = page_locale(request, default)
    title_zh, title_en, text_zh, text_en = MESSAGES.get(kind, MESSAGES["not_found"])
    title, text = (title_en, text_en) if locale == "en" else (title_zh, text_zh)
    return render(request, "error.html", {"title": title, "text": text, "status": status}, locale, status)


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Refused as refused:
        return error_page(request, refused.status, refused.kind, refused.locale)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as err:
        if request.match_info.http_exception is None:
            raise  # a matched route's own answer (a channel callback's)
        return error_page(request, err.status, "not_found" if err.status == 404 else "method")
