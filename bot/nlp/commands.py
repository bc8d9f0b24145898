"""Command forms typed to the parser (`阶段 #18 初步接触`, `quote #23 528000`, `deal add "Zenith Robotics"
"WMS phase 2" 600k`): the intent comes from the command word, the fields from the arguments read the way
the command reads them (bot.args, bot.name_args). Everything else stays as the free-text rules read it.

COMMAND_INTENTS is the one table from command words (bot.registry) to parse intents; NOT_MAPPED lists the
command words that deliberately keep the free-text reading (tests/nlp/test_commands.py checks both
against the registry)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot import args as command_args  # a module: bot.args imports bot.nlp, which imports this
from bot import name_args  # a module: it imports bot.nlp.companies, which loads this
from bot.errors import UsageError
from bot.i18n import Text
from bot.nlp.questions import read_question
from bot.nlp.result import ParseResult
from bot.nlp.text import fold
from domain.errors import DomainError
from domain.money import Money

# Intents with a special reading of the arguments: "stage" (a target stage), "won"/"lost" (a stage
# given by the word), "quote"/"payment" (an amount; a payment without one asks for the list: query),
# "new_lead" (deal add: the customer opening the arguments, an amount), "lead" (lead add / customer add:
# options such as 电话 139… and 预算 60万 are read by the sentence rules; only a missing customer is added).
_BY_INTENT: dict[str, tuple[str, ...]] = {
    "stage": ("阶段", "stage", "推进"),
    "won": ("赢单", "won", "win", "成交"),
    "lost": ("输单", "lost", "lose", "丢单"),
    "quote": ("报价", "quote"),
    "payment": ("回款", "payment", "paid", "收款"),
    "new_lead": ("新商机", "deal add", "添加商机"),
    "lead": ("新线索", "lead add", "添加线索", "add lead", "新客户", "customer add", "添加客户", "add customer"),
    "follow_up": ("跟进", "follow", "followup", "follow-up"),
    "query": ("我的商机", "my deals", "商机列表", "deals", "商机", "deal", "查看", "回款明细", "payments",
              "回款情况", "payment status", "发票列表", "invoices", "报价历史", "quotes", "quote history",
              "线索", "leads", "我的线索", "my leads", "客户", "customer", "查客户", "find customer",
              "回款计划历史", "plan history", "payment plan history",
              "业绩", "results", "漏斗", "funnel", "预测", "forecast", "排行", "leaderboard", "排行榜",
              "reminders", "我的提醒", "提醒列表", "风险", "risks", "风险提醒", "risk warnings",
              "建议", "suggest", "下一步建议", "next best action", "赢单概率", "赢单率", "成交概率",
              "win probability", "win chance", "chance of winning"),
    "help": ("帮助", "help", "?", "？"),
}
COMMAND_INTENTS: dict[str, str] = {word: kind for kind, words in _BY_INTENT.items() for word in words}
# Command words whose messages keep the free-text reading: mail handling, invoices, contracts, payment
# plans, sharing, undo, daily reports, targets, quiet hours and reminder actions have no intent of their
# own in the parse contract.
NOT_MAPPED = frozenset({
    "预计签约", "签约日期", "预计成交", "close date", "expected close",
    "邮件", "email", "发邮件", "send email", "转给", "handover", "hand over", "归档", "file", "归档邮件", "file mail",
    "忽略", "ignore", "忽略邮件", "ignore mail", "核实邮箱", "verify email", "发票", "invoice", "红冲",
    "red reverse", "reverse invoice", "作废发票", "void invoice", "线索 转商机", "lead convert", "转商机",
    "隔离邮件", "quarantined mail", "mail quarantine", "合同", "contract", "回款计划", "payment plan", "plan",
    "共享", "share", "取消共享", "unshare", "撤销", "undo", "撤回", "日报", "daily report", "目标", "target",
    "免打扰", "quiet", "quiet hours", "提醒 取消", "提醒 完成", "提醒 延后", "提醒 延后一天", "提醒 改时间",
    "提醒 查看",
    "reminder cancel", "reminder done", "reminder reschedule", "reminder show", "reminder snooze", "提醒 删除",
    "reminder delete",
    "离职交接", "交接客户", "leaver handover", "staff handover",
    "审批", "待审批", "同意", "驳回", "approval", "approvals", "pending approvals", "approve", "reject",  # approvals
    "withdraw",
    "发报价", "send quote", "mail quote",
    "公海", "客户公海", "领取", "认领", "放弃", "放回公海", "保留", "保护", "保护客户", "取消保护",  # the lead pool
    "退回", "give back",
    "pool", "lead pool", "claim", "release", "give up", "keep", "protect", "unprotect",
    "签到", "拜访签到", "check in", "checkin", "check-in", "客户地址", "customer address",  # visit check-in (issue #14)
    "项目", "交付项目", "projects", "project", "项目 新建", "新建项目", "project new", "new project",  # delivery (#15)
    "里程碑", "milestone", "milestones", "任务", "task", "子任务", "subtask", "我的任务", "my tasks", "mytasks",
    "附件", "files", "attachments",  # a project's files (#15)
    "团队任务", "team tasks", "teamtasks",
})
# issue #15: customer portal links and change requests
NOT_MAPPED |= {"门户", "客户门户", "portal", "变更", "变更请求", "change request", "change requests"}
# issue #15: the dashboard link, Gantt images and the resource view
NOT_MAPPED |= {"看板", "dashboard", "甘特", "甘特图", "gantt", "资源", "资源负荷", "resource", "resources", "workload"}
NOT_MAPPED |= {"令牌", "token", "tokens"}  # issue #16: API tokens (admins)
# issue #16: webhooks (admins), SMS opt-in and customer SMS, feedback
NOT_MAPPED |= {"推送", "webhook", "webhooks", "短信", "短信提醒", "sms", "customer sms", "反馈", "feedback"}
_STAGE_OF = {"won": "won", "lost": "lost"}
_OPENINGS = frozenset(word[:2] for word in (*COMMAND_INTENTS, *NOT_MAPPED))  # how a command can begin
HEAD = 40  # characters that can hold the longest two command words (every parse reads them: keep it short)
_NO_FIELDS = ("query", "help")
_USAGE = Text("", "")


def command_word(text: str) -> tuple[str, str] | None:
    """(the command word's kind, the arguments) when the message opens with a mapped command word, as
    the router finds it (two words, then one); None for a sentence."""
    if not _may_open_command(text[:2] if text[:1] and not text[0].isspace() else text.lstrip()[:2]):
        return None  # most sentences: two characters read, not the head
    words = fold(command_args.normalize(text[:HEAD])).split(" ")  # command words are short: read the head only
    for n in (2, 1):
        word = " ".join(words[:n]).casefold()
        if word in NOT_MAPPED:  # payment plan #3: not the payment command
            return None
        kind = COMMAND_INTENTS.get(word)
        if kind is not None and len(words) >= n:
            return kind, " ".join(command_args.normalize(text).split(" ")[n:])
    return None


_HEADS: dict[str, bool] = {}  # first two characters -> whether a command word can begin with them
_HEADS_KEPT = 4096


def _may_open_command(head: str) -> bool:
    """Whether a message whose first two non-space characters are `head` can open with a command word
    (normalised and folded as the router reads it); remembered per pair of characters."""
    known = _HEADS.get(head)
    if known is None:
        known = fold(command_args.normalize(head)).casefold()[:2] in _OPENINGS
        if len(_HEADS) >= _HEADS_KEPT:
            _HEADS.clear()
        _HEADS[head] = known
    return known


def read_command(text: str, result: ParseResult, now: datetime) -> ParseResult:
    """`result` (the free-text reading of `text`) with the intent and fields a command form gives; a
    question about the numbers opening with a command word (win rate…, 成交率…) stays a question, as the
    router answers it."""
    found = command_word(text)
    if found is None or (found[0] != "query" and result.intent == "query" and read_question(text) is not None):
        return result
    kind, rest = found
    args = command_args.Args(rest, _USAGE, now)
    ref = args.optional_opportunity()
    opportunity = result.opportunity if result.opportunity is not None else ref
    if kind in _NO_FIELDS:
        return _settled(result, kind, opportunity=opportunity, amount=None, currency=None, stage=None,
                        next_at=None)
    if kind == "stage":
        try:
            stage = args.stage().value
        except UsageError:
            return result
        return _settled(result, "stage_change", opportunity=opportunity, stage=stage)
    if kind == "lead":
        company = result.company or name_args.opening_name(args.rest())
        return _settled(result, "new_lead", opportunity=opportunity, company=company or None)
    money = _amount(args)
    fields: dict[str, object] = {"amount": money.amount, "currency": money.currency} if money else {}
    if kind in _STAGE_OF:
        return _settled(result, "stage_change", opportunity=opportunity, stage=_STAGE_OF[kind], **fields)
    if kind == "payment" and money is None and not args.tokens:
        return _settled(result, "query", opportunity=opportunity, next_at=None)
    if kind == "new_lead" and ref is None and (company := name_args.opening_name(args.rest())):
        if result.company and (result.known_customer is not None or result.company.startswith(company)):
            company = result.company  # a known customer, or the sentence rules read more of the name
        fields["company"] = company
        if result.contact and company and (result.contact in company or company in result.contact):
            fields["contact"] = None  # deal add "Zenith Robotics" …: the customer, not a person
    return _settled(result, kind, opportunity=opportunity, **fields)


def _amount(args: command_args.Args) -> Money | None:
    try:
        return args.amount(required=False)
    except (UsageError, DomainError):
        return None


def _settled(result: ParseResult, intent: str, **fields: object) -> ParseResult:
    """The command's reading: the intent is no longer in doubt."""
    problems = tuple(p for p in result.problems if p.code not in ("intent_unclear", "opportunity_missing"))
    confidence = result.confidence if any(p.severity == "error" for p in problems) else max(result.confidence, 0.9)
    return replace(result, intent=intent, problems=problems, confidence=confidence,
                   **fields)  # type: ignore[arg-type]
