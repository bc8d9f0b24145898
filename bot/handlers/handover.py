"""`离职交接 张伟 → 李娜` / `handover 张伟 to 李娜`: a leaver's whole book goes to a successor (bot.handover).

Also written with `->`, `=>`, `给` (离职交接 张伟给李娜); `保留账号` / `keep account` at the end keeps the leaver's
account active (by default the handover closes it; undo reopens it). `handover #12 李娜` (one deal or lead)
stays the `转给` command, which passes a sentence without a deal or lead number here.
"""

from __future__ import annotations

import difflib
import re

from bot.args import Args
from bot.context import Context
from bot.handover import hand_over_book
from bot.name_args import unquote
from bot.registry import command
from bot.reply import Reply
from domain.handover import HandoverRefused
from domain.handover_text import summary
from domain.people import Rep

_ARROW = re.compile(r"\s*(?:→|⟶|->|=>|＞|>|给)\s*|\s+to\s+", re.IGNORECASE)
_KEEP = re.compile(r"\s*(?:保留账号|保留帐号|不停用|keep (?:the )?(?:account|login))\s*$", re.IGNORECASE)
USAGE_ZH = "离职交接 张伟 → 李娜（或 离职交接 张伟给李娜 保留账号）"
USAGE_EN = "handover 张伟 to 李娜 (add 'keep account' to keep the login)"


def has_arrow(text: str) -> bool:
    return _ARROW.search(text) is not None


def person(ctx: Context, name: str) -> Rep:
    """Anyone in the directory by name (case-insensitive), active or not; unknown: the reason, with a guess."""
    found = next((r for r in ctx.directory.reps if r.name.casefold() == name.casefold()), None)
    if found is not None and found.id is not None:
        return found
    close = difflib.get_close_matches(name, [r.name for r in ctx.directory.reps], n=1, cutoff=0.5)
    guess = close[0] if close else None  # two-character names: one character in common is a fair guess
    raise HandoverRefused(f"找不到同事「{name}」" + (f"（是不是「{guess}」？）" if guess else ""),
                          f"No colleague '{name}' found" + (f" (did you mean '{guess}'?)" if guess else ""))


def read(args: Args) -> tuple[str, str, bool]:
    """(leaver, successor, keep the leaver's account) from `张伟 → 李娜 [保留账号]`."""
    text, keep = args.raw, False
    if found := _KEEP.search(text):
        text, keep = text[:found.start()], True
    parts = _ARROW.split(text, maxsplit=1)
    leaver, successor = (unquote(p) for p in parts) if len(parts) == 2 else (text.strip(), "")
    if not leaver or not successor:
        raise args.fail("请写出离职的人和接手的人，中间用 → 或「给」隔开",
                        "name the person leaving and the successor, with 'to' or → between them")
    return leaver, successor, keep


@command("离职交接", "交接客户", "leaver handover", "staff handover", section="general",
         help_zh="把离职同事的全部客户、线索、商机、提醒和审批一次转给接手人（管理员，或双方所在团队的经理）",
         help_en="Move everything of a person who leaves (customers, leads, deals, reminders, approvals) to a "
                 "successor in one step (an admin, or the manager of both people's team)",
         usage_zh=USAGE_ZH, usage_en=USAGE_EN)
async def hand_over_leaver(ctx: Context, args: Args) -> Reply:
    leaver_name, successor_name, keep = read(args)
    leaver, successor = person(ctx, leaver_name), person(ctx, successor_name)
    outcome = await hand_over_book(ctx, leaver, successor, keep)
    return Reply.text(summary(outcome, ctx.locale))
