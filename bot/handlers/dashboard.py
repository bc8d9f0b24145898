"""`看板` / `dashboard`: a fresh sign-in link to the web dashboard (bot.web), for the asker only.

In a one-to-one conversation the link is the reply. Asked in a group, the link goes to the asker
privately (their identity on this channel, else their preferred channel) and the group only hears that
it was sent: a sign-in link is a password for `[web] login_minutes`.
"""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.registry import command
from bot.reply import Reply
from bot.web.settings import link_version
from bot.web.signin import LOGIN, login_link
from domain.messaging import OutboxItem


@command("看板", "dashboard", section="queries", writes=False,
         help_zh="获取网页看板的登录链接（漏斗、预测与目标、排行、停滞商机；经理看自己的团队，销售看自己的数字）",
         help_en="Get a sign-in link to the web dashboard (funnel, forecast and target, leaderboard, stalled "
                 "deals; managers see their teams, reps their own numbers)",
         usage_zh="看板", usage_en="dashboard")
async def dashboard_link(ctx: Context, args: Args) -> Reply:
    web = ctx.settings.web
    version = await link_version(ctx.uow, LOGIN, ctx.rep_id)
    link = login_link(web, ctx.rep_id, ctx.now, version, ctx.locale)
    text = ctx.t(f"看板登录链接（{web.login_minutes} 分钟内有效，仅供你本人使用，请勿转发）：\n{link}",
                 f"Your dashboard sign-in link (valid {web.login_minutes} minutes, for you only; do not forward "
                 f"it):\n{link}")
    if ctx.conversation_id == ctx.rep.identities.get(ctx.channel):
        return Reply.text(text)
    target = private_target(ctx)
    if target is None:
        return Reply.text(ctx.t("登录链接只能私信发送，但找不到你的私聊方式。请单独给我发「看板」。",
                                "The sign-in link can only be sent privately, and I cannot reach you one to "
                                "one. Send 'dashboard' to me directly."), error=True)
    ctx.outbox.append(OutboxItem(channel=target[0], recipient=target[1], text=text, created_at=ctx.now))
    return Reply.text(ctx.t("看板登录链接已私信发给你。", "I sent you the dashboard sign-in link privately."))


def private_target(ctx: Context) -> tuple[str, str] | None:
    """Where to reach the asker one to one: their identity on this channel, else their preferred channel."""
    own = ctx.rep.identities.get(ctx.channel)
    if own:
        return ctx.channel, own
    return ctx.rep.preferred_channel(ctx.settings.channel_order)
