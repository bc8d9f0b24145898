"""`令牌` / `token`: API tokens for other systems (issue #16), admins only.

`令牌 新建 财务系统 只读 [资源 客户,商机] [团队 华东一组]` / `token new "ERP" read [resources customers,deals]
[team East]` answers the secret once (privately when asked in a group, like the dashboard link); only its
hash is kept. `令牌 列表` / `token list` shows name, prefix, scope and last use; `令牌 撤销 <name or id>` /
`token revoke <name or id>` ends exactly one token at once. Names are unique among active tokens (a revoked
token's name may be used again). Bad input changes nothing and says how to write it.
"""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.errors import UsageError
from bot.handlers.token_words import TokenRequest, parse_new
from bot.registry import command
from bot.reply import Reply
from domain.api_tokens import RESOURCES, ApiToken, hash_secret, new_secret
from domain.errors import DomainError
from domain.messaging import OutboxItem
from domain.people import Role
from storage.repositories.api_tokens import SqlAlchemyApiTokenRepository
from storage.uow import SqlAlchemyUnitOfWork

USAGE_ZH = "令牌 新建 财务系统 只读 [资源 客户,商机] [团队 华东一组]；令牌 列表；令牌 撤销 财务系统"
USAGE_EN = "token new \"ERP\" read|write [resources customers,deals] [team East]; token list; token revoke ERP"


class AdminsOnly(DomainError):
    zh = "只有管理员可以管理 API 令牌。"
    en = "Only admins may manage API tokens."


class TokenNotFound(DomainError):
    zh = "没有名为或编号为「{ref}」的有效令牌。发送「令牌 列表」查看。"
    en = "No active token named or numbered '{ref}'. Send 'token list' to see them."


class TokenNameTaken(DomainError):
    zh = ("已有名为「{name}」的有效令牌（{prefix}…），令牌名称不能重复，未新建。请换一个名称，"
          "或先发送「令牌 撤销 {name}」再新建。")
    en = ("An active token is already named '{name}' ({prefix}…), and names must be unique; nothing was created. "
          "Choose another name, or first send 'token revoke {name}' and then create it again.")


class TokenNameAmbiguous(DomainError):
    zh = "有 {count} 个有效令牌名为「{name}」（编号 {ids}），未撤销。请按编号撤销其中一个，如「令牌 撤销 {first}」。"
    en = ("{count} active tokens are named '{name}' (numbers {ids}); none was revoked. Revoke one by its number, "
          "like 'token revoke {first}'.")


class NoPrivateChannel(DomainError):
    zh = "令牌只能私信发送，但找不到你的私聊方式。请单独给我发送这条命令。"
    en = "A token can only be sent privately, and I cannot reach you one to one. Send the command to me directly."


def _tokens(ctx: Context) -> SqlAlchemyApiTokenRepository:
    assert isinstance(ctx.uow, SqlAlchemyUnitOfWork)
    return SqlAlchemyApiTokenRepository(ctx.uow.session)


@command("令牌", "token", "tokens", section="general",
         help_zh="管理开放 API 的令牌（管理员）：新建、列表、撤销",
         help_en="Manage API tokens (admins): new, list, revoke", usage_zh=USAGE_ZH, usage_en=USAGE_EN)
async def manage_tokens(ctx: Context, args: Args) -> Reply:
    if ctx.rep.role is not Role.ADMIN or not ctx.rep.active:
        raise AdminsOnly()
    verb = args.tokens.pop(0).casefold() if args.tokens else ""
    if verb in ("新建", "创建", "new", "create", "add"):
        return await _create(ctx, parse_new(ctx, args))
    if verb in ("列表", "查看", "list", "ls"):
        return await _list(ctx)
    if verb in ("撤销", "吊销", "revoke", "delete"):
        return await _revoke(ctx, args)
    raise UsageError(problem="请写「新建」「列表」或「撤销」", problem_en="write new, list or revoke",
                     usage=USAGE_ZH, usage_en=USAGE_EN)


async def _create(ctx: Context, request: TokenRequest) -> Reply:
    taken = await _tokens(ctx).named(request.name)
    if taken:
        raise TokenNameTaken(name=request.name, prefix=taken[0].prefix)
    secret, prefix = new_secret()
    token = ApiToken(name=request.name, prefix=prefix, secret_hash="", access=request.access,
                     resources=list(request.resources), team_id=request.team_id, created_by=ctx.rep_id,
                     created_at=ctx.now)
    token.secret_hash = hash_secret(secret)
    token = await _tokens(ctx).add(token)
    text = ctx.t(f"API 令牌「{token.name}」（{_scope(ctx, token)}）已创建。令牌只显示这一次，请立即保存：\n{secret}\n"
                 f"使用方式：Authorization: Bearer <令牌>；接口说明：/api/v1/openapi.json",
                 f"API token '{token.name}' ({_scope(ctx, token)}) created. It is shown only this once; store it "
                 f"now:\n{secret}\nUse it as 'Authorization: Bearer <token>'; reference: /api/v1/openapi.json")
    if ctx.conversation_id == ctx.rep.identities.get(ctx.channel):
        return Reply.text(text)
    target = _private_target(ctx)
    if target is None:
        raise NoPrivateChannel()
    ctx.outbox.append(OutboxItem(channel=target[0], recipient=target[1], text=text, created_at=ctx.now))
    return Reply.text(ctx.t(f"令牌「{token.name}」已创建，已私信发给你。",
                            f"Token '{token.name}' created; I sent it to you privately."))


def _private_target(ctx: Context) -> tuple[str, str] | None:
    own = ctx.rep.identities.get(ctx.channel)
    if own:
        return ctx.channel, own
    return ctx.rep.preferred_channel(ctx.settings.channel_order)


def _scope(ctx: Context, token: ApiToken) -> str:
    access = ctx.t("只读", "read") if token.access.value == "read" else ctx.t("读写", "read-write")
    team = next((t.name for t in ctx.directory.teams if t.id == token.team_id), None)
    where = ctx.t(f"团队 {team}", f"team {team}") if team else ctx.t("全公司", "whole company")
    words = "、".join(RESOURCES[r][0] if r in RESOURCES else r for r in token.resources)
    what = ctx.t(words, ",".join(token.resources)) if token.resources else ctx.t("全部资源", "all resources")
    return f"{access} · {what} · {where}"


async def _list(ctx: Context) -> Reply:
    tokens = await _tokens(ctx).active()
    if not tokens:
        return Reply.text(ctx.t("还没有 API 令牌。新建：令牌 新建 财务系统 只读", "No API tokens yet. Create one: "
                                "token new \"ERP\" read"))
    never = ctx.t("从未使用", "never used")
    lines = [f"{t.id} · {t.name} · {t.prefix}… · {_scope(ctx, t)} · "
             f"{t.last_used_at.astimezone(ctx.now.tzinfo).strftime('%Y-%m-%d %H:%M') if t.last_used_at else never}"
             for t in tokens]
    return Reply.card(ctx.t(f"API 令牌（{len(tokens)}）", f"API tokens ({len(tokens)})"), lines=lines)


async def _revoke(ctx: Context, args: Args) -> Reply:
    ref = args.rest().strip().strip("\"'“”「」")
    if not ref:
        raise args.fail("缺少令牌名称或编号", "missing the token's name or number")
    repo = _tokens(ctx)
    found = list(await repo.named(ref))
    if not found and ref.isdigit() and (token := await repo.find(int(ref))) is not None and token.active:
        found = [token]
    if not found:
        raise TokenNotFound(ref=ref)
    if len(found) > 1:  # made before names were unique
        ids = [str(t.id) for t in found]
        raise TokenNameAmbiguous(name=ref, count=len(found), ids=", ".join(ids), first=ids[0])
    [token] = found
    token.revoked_at = ctx.now
    await repo.save(token)
    return Reply.text(ctx.t(f"已撤销令牌：{token.name}（{token.prefix}…）。使用它的请求从现在起会被拒绝。",
                            f"Revoked: {token.name} ({token.prefix}…). Requests with it are refused from now on."))
