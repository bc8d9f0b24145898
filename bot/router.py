"""Route one message: explicit command first, then free text (NLP), else "did you mean"."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from bot.args import Args, normalize
from bot.context import Context
from bot.errors import MessageTooLong, UnknownCommand
from bot.registry import Command, Registry
from bot.reply import Reply
from connectors.base import Location
from domain.usage import ANSWER, COMMAND, FALLBACK, QUESTION

FreeTextRoute = Callable[[Context, str], Awaitable[Reply | None]]
LocationRoute = Callable[[Context, Location], Awaitable[Reply]]

_BARE_REF = re.compile(r"^#\d+$")
# A task or milestone ref opening the message with what to do to it: "T12 完成 80%", "T12完成", "M5 验收"
_REF_VERB = (
    (re.compile(r"^([Tt]\d+)(?:$|\s*(?=完成|进度|指派|分配|阻塞|受阻|解除阻塞|取消阻塞|依赖|截止)|"
                r"\s+(?=(?i:done|progress|assign|block|blocked|unblock|depends?|due)(?:\s|$)))"), "任务"),
    (re.compile(r"^([Mm]\d+)(?:\s*(?=验收|延期|改期)|\s+(?=(?i:accept|accepted|move|postpone)(?:\s|$)))"), "里程碑"),
)
_QUESTION = re.compile(r"[吗嗎呢没?？]\s*$")  # "T12 完成了吗", "T12 完成了没": a question, for free text
_SENTENCE = re.compile(r"[,，。;；!?！？:：、]")


class Router:
    def __init__(self, registry: Registry, free_text: FreeTextRoute | None = None,
                 answers: tuple[FreeTextRoute, ...] = (), questions: FreeTextRoute | None = None,
                 own_questions: frozenset[str] = frozenset(), located: LocationRoute | None = None) -> None:
        self.registry = registry
        self.free_text = free_text
        self.answers = answers  # open questions (a plan asking for the rest), tried before free text
        # A question about the numbers opening with another command's word (win rate…, deals of 张伟,
        # 成交率怎么样) is answered as a question; commands named in `own_questions` (业绩, 漏斗…) answer theirs.
        self.questions = questions
        self.own_questions = own_questions
        self.located = located  # a shared location (visit check-in, bot.visits.location)

    def resolve(self, text: str) -> tuple[Command, str] | None:
        words = text.split(" ")
        for n in (2, 1):
            if cmd := self.registry.lookup(" ".join(words[:n])):
                return cmd, " ".join(words[n:])
        word, rest = words[0], " ".join(words[1:])
        if _BARE_REF.match(word) and not rest and (card := self.registry.lookup("deal")):
            return card, word
        for pattern, name in _REF_VERB:
            if (ref := pattern.match(text)) and not _QUESTION.search(text) and (cmd := self.registry.lookup(name)):
                return cmd, f"{ref.group(1)} {text[ref.end():]}".strip()
        if _SENTENCE.search(text):  # "新线索：青岛海纳…，联系人…" is a sentence for the NLP route
            return None
        return self.registry.match_prefix(text)

    async def locate(self, ctx: Context, location: Location) -> Reply:
        if self.located is None:
            return Reply.text(ctx.t("目前只支持文字消息。", "Only text messages are supported for now."), error=True)
        return await self.located(ctx, location)

    async def route(self, ctx: Context, raw: str) -> Reply:
        if len(raw) > ctx.settings.max_message_chars:
            raise MessageTooLong(size=len(raw), limit=ctx.settings.max_message_chars)
        text = normalize(raw)
        if not text:
            return Reply.text(ctx.t("没有收到文字内容。发送「帮助」查看可以做什么。",
                                    "No text received. Send 'help' to see what I can do."), error=True)
        if found := self.resolve(text):
            cmd, rest = found
            if self.questions is not None and cmd.name not in self.own_questions and \
                    (reply := await self.questions(ctx, text)) is not None:
                ctx.usage.note(QUESTION, "question")
                return reply
            ctx.usage.note(COMMAND, cmd.name)
            return await cmd.handler(ctx, Args(rest, cmd.usage, ctx.now))
        for route in (*self.answers, self.free_text):
            ctx.usage.note(QUESTION if route is self.free_text else ANSWER, "free-text")  # the route may say more
            if route is not None and (reply := await route(ctx, text)) is not None:
                return reply
        ctx.usage.note(FALLBACK, "free-text")
        word = text.split(" ", 1)[0][:30]
        suggestions = self.registry.suggest(word)
        hint = ("你是不是想用：" + "、".join(suggestions) + "？") if suggestions else ""
        hint_en = ("Did you mean: " + ", ".join(suggestions) + "? ") if suggestions else ""
        raise UnknownCommand(word=word, hint=hint, hint_en=hint_en)
