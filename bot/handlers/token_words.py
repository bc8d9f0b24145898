"""Reading `令牌 新建 <name> <只读|读写> [资源 a,b] [团队 X]` / `token new "<name>" <read|write> [resources a,b]
[team X]`: every mistake is a UsageError that says what was wrong and how to write it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.args import Args
from bot.context import Context
from bot.name_args import leading_quoted
from domain.api_tokens import RESOURCES, Access, resource_named

ACCESS_WORDS = {"只读": Access.READ, "读": Access.READ, "read": Access.READ, "readonly": Access.READ,
                "read-only": Access.READ, "读写": Access.WRITE, "可写": Access.WRITE, "write": Access.WRITE,
                "read-write": Access.WRITE, "readwrite": Access.WRITE}
RESOURCE_KEYS = ("资源", "resources", "resource")
TEAM_KEYS = ("团队", "team")
MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class TokenRequest:
    name: str
    access: Access
    resources: tuple[str, ...] = ()
    team_id: int | None = None


def parse_new(ctx: Context, args: Args) -> TokenRequest:
    text = " ".join(args.tokens)
    quoted = leading_quoted(text)
    name, _, rest = text.partition(" ")
    if quoted is not None:
        name, rest = quoted
    if not name or name.casefold() in ACCESS_WORDS:
        raise args.fail("缺少令牌名称（如 财务系统）", "missing the token's name (like \"ERP\")")
    if name.isdigit():  # `令牌 撤销 1` reads it as a token's number
        raise args.fail("令牌名称不能只是数字（撤销时会当作编号），请加上文字，如 财务系统1",
                        "the name cannot be a number alone (revoke would read it as a token's number); add a "
                        "word, like \"ERP 1\"")
    if len(name) > MAX_NAME:
        raise args.fail(f"令牌名称最多 {MAX_NAME} 个字", f"the name may be at most {MAX_NAME} characters")
    words = rest.split()
    if not words or words[0].casefold() not in ACCESS_WORDS:
        raise args.fail("请写权限：只读 或 读写", "write the access: read or write")
    access, options = ACCESS_WORDS[words[0].casefold()], _options(args, words[1:])
    return TokenRequest(name, access, _resources(args, options.get("resources", "")),
                        _team(ctx, args, options.get("team", "")))


def _options(args: Args, words: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    while words:
        key = words.pop(0).casefold()
        kind = "resources" if key in RESOURCE_KEYS else "team" if key in TEAM_KEYS else None
        if kind is None or not words or kind in found:
            raise args.fail(f"看不懂「{key}」", f"cannot read '{key}'")
        found[kind] = words.pop(0)
    return found


def _resources(args: Args, text: str) -> tuple[str, ...]:
    if not text:
        return ()
    names = []
    for word in text.replace("，", ",").replace("、", ",").split(","):
        name = resource_named(word) if word else None
        if name is None:
            choices = "、".join(words[0] for words in RESOURCES.values())
            raise args.fail(f"不认识资源「{word}」，可选：{choices}", f"unknown resource '{word}'; choose from "
                            + ", ".join(RESOURCES))
        names.append(name)
    return tuple(dict.fromkeys(names))


def _team(ctx: Context, args: Args, text: str) -> int | None:
    if not text:
        return None
    teams = ctx.directory.teams
    exact = [t for t in teams if t.name == text]
    found = exact or [t for t in teams if text in t.name or t.region == text]
    if len(found) != 1 or found[0].id is None:
        names = "、".join(t.name for t in teams)
        problem = "不认识团队" if not found else "多个团队符合"
        raise args.fail(f"{problem}「{text}」，团队有：{names}", f"{'no' if not found else 'more than one'} team "
                        f"matches '{text}'; teams: {names}")
    return found[0].id
