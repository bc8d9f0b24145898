"""`项目 P3 绑定群` / `project P3 bind group`: where the project's weekly summary goes (bot.delivery.weekly).

Sent in a DingTalk group (or on the console) it binds that conversation; with a robot's name
(`项目 P3 绑定群 交付群`) it binds that group robot of [wecom] / [dingtalk] robots; `项目 P3 解绑群` /
`project P3 unbind group` goes back to the manager's chat. Needs the right to work on the project.
Called by the `项目` command (bot.handlers.projects) for `P<n>` followed by these words.
"""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.delivery.access import open_project
from bot.delivery.weekly import GROUP_CHANNELS, GROUP_KEY
from bot.reply import Reply
from domain.permissions import Right

BIND = ("绑定群", "bind group", "bindgroup", "group bind")
UNBIND = ("解绑群", "unbind group", "unbindgroup")
GROUP_PREFIX = "group:"  # a DingTalk group conversation (connectors.dingtalk.inbound)


def _action(words: list[str]) -> tuple[str, list[str]] | None:
    """("bind" | "unbind", the words after it) when `words` start with one of the phrases."""
    for kind, phrases in (("bind", BIND), ("unbind", UNBIND)):
        for phrase in phrases:
            size = len(phrase.split())
            if " ".join(words[:size]).casefold() == phrase:
                return kind, words[size:]
    return None


async def project_group_action(ctx: Context, args: Args) -> Reply | None:
    """The reply when `args` is `P3 绑定群 [robot]` / `P3 解绑群`; None when it is something else."""
    if len(args.tokens) < 2 or (found := _action(args.tokens[1:])) is None:
        return None
    kind, rest = found
    access = await open_project(ctx, args.tokens[0], Right.WORK)
    project = access.project
    key = GROUP_KEY.format(id=project.id)
    if kind == "unbind":
        await ctx.uow.settings.take(key)
        return Reply.text(ctx.t(f"项目 P{project.id} 的周报改为发给项目负责人。",
                                f"Project P{project.id}'s weekly summary now goes to its manager."))
    robot = " ".join(rest)
    if robot and (ctx.channel, robot) not in ctx.settings.weekly.robots:
        known = sorted(name for channel, name in ctx.settings.weekly.robots if channel == ctx.channel)
        raise args.fail(f"没有叫「{robot}」的群机器人（已配置：{'、'.join(known) or '无'}）",
                        f"no group robot named '{robot}' (configured: {', '.join(known) or 'none'})")
    target = _target(ctx, robot)
    if target is None:
        raise args.fail("请在项目群里发送这条命令，或写上群机器人的名字：项目 P3 绑定群 交付群",
                        "send this in the project's group, or name a group robot: project P3 bind group 交付群")
    await ctx.uow.settings.put(key, {"channel": target[0], "conversation": target[1], "by": ctx.rep_id,
                                     "at": ctx.now.isoformat()})
    return Reply.text(ctx.t(f"已绑定：项目 P{project.id}「{project.name}」的周报每周发到{target[2]}。",
                            f"Bound: project P{project.id} ({project.name})'s weekly summary goes to {target[3]}."))


def _target(ctx: Context, robot: str) -> tuple[str, str, str, str] | None:
    """(channel, conversation, where in zh, where in en), or None when neither this conversation nor the
    named robot can receive it."""
    if robot:
        return ctx.channel, f"robot:{robot}", f"群机器人「{robot}」", f"the group robot {robot}"
    if ctx.channel == "console" or (ctx.channel in GROUP_CHANNELS and ctx.conversation_id.startswith(GROUP_PREFIX)):
        return ctx.channel, ctx.conversation_id, "这个群", "this group"
    return None
