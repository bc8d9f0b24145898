"""`合同 C3 …` / `contract C3 …`: a recorded contract's e-signature (issue #16; the use cases: bot.esign.chat).
`合同 #12 96万 …` (recording a contract) stays in bot.handlers.money, which hands a C-number here."""

from __future__ import annotations

import re

from bot.args import Args
from bot.context import Context
from bot.esign import chat
from bot.reply import Reply

CONTRACT_REF = re.compile(r"^[Cc](\d{1,9})$")
SIGN_WORDS = frozenset({"签署", "签约", "发起签署", "电子签", "sign", "esign", "e-sign"})
REVOKE_WORDS = frozenset({"撤回签署", "撤回", "撤销签署", "withdraw", "revoke", "cancel"})
SIGNER_WORDS = frozenset({"签署人", "签字人", "signer", "by"})


def contract_number(args: Args) -> int | None:
    """The C-number the words start with (`合同 C3 …`), taken off the words; None for `合同 #12 …`."""
    if args.tokens and (match := CONTRACT_REF.match(args.tokens[0])):
        del args.tokens[0]
        return int(match.group(1))
    return None


def _signer_word_apart(first: list[str]) -> list[str]:
    """`签署人：何总` / `signer:He` -> the word and the name (a colon is how many write it)."""
    word, colon, rest = first[0].replace("：", ":").partition(":") if first else ("", "", "")
    if not colon or word.casefold() not in SIGNER_WORDS:
        return first
    return [word, rest] if rest else [word]


async def contract_action(ctx: Context, args: Args, contract_id: int) -> Reply:
    words = list(args.tokens)
    if not words:
        return Reply.text((await chat.show_contract(ctx, contract_id)).get(ctx.locale))
    action, rest = words[0].casefold(), words[1:]
    if action in SIGN_WORDS:
        rest[:1] = _signer_word_apart(rest[:1])
        if rest and rest[0].casefold() in SIGNER_WORDS:
            rest = rest[1:]
        return Reply.text((await chat.send_for_signature(ctx, contract_id, rest)).get(ctx.locale))
    if action in REVOKE_WORDS and not rest:
        return Reply.text((await chat.revoke_signature(ctx, contract_id)).get(ctx.locale))
    raise args.fail(f"看不懂「{' '.join(words)}」：合同 C{contract_id} 后面写 签署 [签署人 姓名 手机号] 或 撤回签署",
                    f"cannot read '{' '.join(words)}': after contract C{contract_id} write "
                    "sign [signer <name> <mobile>] or withdraw")
