"""`短信提醒` / `sms`: reminders by SMS too (opt-in with one's mobile), and customers' payment reminder SMS
stopped or resumed per customer (issue #16). Bad input changes nothing and says how to write it."""

from __future__ import annotations

from typing import cast
from zoneinfo import ZoneInfo

from bot.args import Args
from bot.capture.customers import resolve_customer
from bot.context import Context
from bot.registry import command
from bot.reply import Reply
from domain.customer import Customer
from domain.errors import PermissionDenied
from domain.sms import SmsSubscription, masked, mobile_of
from domain.sms_ports import SmsUnitOfWork

ON, OFF = ("开启", "打开", "开", "on", "enable"), ("关闭", "关", "off", "disable")
STOP, RESUME, LOG = ("停止", "stop"), ("恢复", "resume"), ("记录", "log")
CUSTOMER = ("客户", "customer")


@command("短信提醒", "sms", section="general", name_en="sms reminders",
         help_zh="提醒同时发短信到你的手机（开启时写手机号）；客户回款短信：按客户停止 / 恢复 / 查看记录",
         help_en="Get your reminders by SMS too (give your mobile when turning it on); customers' payment "
                 "reminder SMS: stop / resume / log per customer",
         usage_zh="短信提醒 开启 13800138000 | 短信提醒 关闭 | 短信提醒 | 短信 停止 客户 明途 | 短信 恢复 客户 明途 "
                  "| 短信 记录 客户 明途",
         usage_en="sms on +8613800138000 | sms off | sms | sms stop customer mingtu | sms resume customer mingtu "
                  "| sms log customer mingtu")
async def sms_command(ctx: Context, args: Args) -> Reply:
    words = _colon_apart(args.rest().split())
    verb = words[0].casefold() if words else ""
    if verb in STOP + RESUME + LOG:
        return await _customer(ctx, args, verb, words[1:])
    if ctx.settings.sms is None:
        return Reply.text(ctx.t("本公司未开通短信（管理员在配置 [sms] 中开启）。",
                                "SMS is not set up here (an admin turns it on in the [sms] config)."))
    if verb in ON and not ctx.settings.sms.reminders:  # nothing would go out: say so, store nothing
        return Reply.text(ctx.t("本公司未开通提醒短信（管理员在配置 [sms] 中设置 reminders = true）。",
                                "Reminders by SMS are not on here (an admin sets reminders = true under [sms])."))
    if verb in ON:
        return await _turn_on(ctx, args, " ".join(words[1:]))
    if verb in OFF and len(words) == 1:
        return await _turn_off(ctx)
    if not words:
        return await _status(ctx)
    raise args.fail(f"不认识「{' '.join(words)[:40]}」", f"'{' '.join(words)[:40]}' is not understood")


def _colon_apart(words: list[str]) -> list[str]:
    """`开启：13800138000` / `on:13800138000` -> the verb and the number (a colon is how many write it)."""
    verb, colon, rest = words[0].replace("：", ":").partition(":") if words else ("", "", "")
    if not colon or verb.casefold() not in ON:
        return words
    return [verb, *([rest] if rest else []), *words[1:]]


@command("短信", "customer sms", section="general", prefix=False,
         help_zh="客户回款提醒短信：按客户停止 / 恢复 / 查看记录（自己的短信提醒：短信提醒）",
         help_en="Customers' payment reminder SMS: stop / resume / log per customer (your own: sms on / off)",
         usage_zh="短信 停止 客户 明途 | 短信 恢复 客户 明途 | 短信 记录 客户 明途",
         usage_en="customer sms stop mingtu | customer sms resume mingtu | customer sms log mingtu")
async def customer_sms_command(ctx: Context, args: Args) -> Reply:
    """`短信 …`, only as a word of its own: "短信联系了张总" stays free text (a follow-up)."""
    words = args.rest().split()
    if not words or words[0].casefold() not in STOP + RESUME + LOG:
        raise args.fail("请写「停止」「恢复」或「记录」，再写客户", "write stop, resume or log, then the customer")
    return await _customer(ctx, args, words[0].casefold(), words[1:])


def _sms(ctx: Context) -> SmsUnitOfWork:
    return cast(SmsUnitOfWork, ctx.uow)


async def _turn_on(ctx: Context, args: Args, number: str) -> Reply:
    current = await _sms(ctx).sms.subscription(ctx.rep_id)
    if not number and current is None:
        raise args.fail("开启时请写上手机号", "give your mobile number when turning it on")
    mobile = mobile_of(number) if number else current.mobile if current else ""  # bad number: nothing stored
    await _sms(ctx).sms.save_subscription(SmsSubscription(ctx.rep_id, mobile, True, ctx.now))
    return Reply.text(ctx.t(f"已开启短信提醒：到期的提醒会同时发短信到 {masked(mobile)}。关闭：短信提醒 关闭",
                            f"SMS reminders on: due reminders also go by SMS to {masked(mobile)}. To stop: sms off"))


async def _turn_off(ctx: Context) -> Reply:
    current = await _sms(ctx).sms.subscription(ctx.rep_id)
    if current is not None and current.enabled:
        current.enabled, current.updated_at = False, ctx.now
        await _sms(ctx).sms.save_subscription(current)
    return Reply.text(ctx.t("已关闭短信提醒（提醒仍在聊天里送达）。",
                            "SMS reminders off (reminders still arrive in chat)."))


async def _status(ctx: Context) -> Reply:
    current = await _sms(ctx).sms.subscription(ctx.rep_id)
    if current is None or not current.enabled:
        return Reply.text(ctx.t("短信提醒未开启。开启：短信提醒 开启 13800138000",
                                "SMS reminders are off. To turn them on: sms on 13800138000"))
    return Reply.text(ctx.t(f"短信提醒已开启：{masked(current.mobile)}。关闭：短信提醒 关闭",
                            f"SMS reminders are on: {masked(current.mobile)}. To stop: sms off"))


async def _customer(ctx: Context, args: Args, verb: str, words: list[str]) -> Reply:
    name = words[1:] if words and words[0].casefold() in CUSTOMER else words
    if not name:
        raise args.fail("请写上客户名称", "write the customer's name")
    customer = await resolve_customer(ctx, " ".join(name))
    assert customer.id is not None
    if verb in STOP:  # the customer's wish: anyone who deals with them may stop it
        await _sms(ctx).sms.set_opt_out(customer.id, True, ctx.rep_id, ctx.now)
        return Reply.text(ctx.t(f"已停止给 {customer.name} 的联系人发短信（回款提醒短信不再发送）。",
                                f"No more SMS to the contacts of {customer.name} (no payment reminder SMS)."))
    _require_owner(ctx, customer)
    if verb in RESUME:
        await _sms(ctx).sms.set_opt_out(customer.id, False, ctx.rep_id, ctx.now)
        return Reply.text(ctx.t(f"已恢复给 {customer.name} 的联系人发回款提醒短信。",
                                f"Payment reminder SMS to the contacts of {customer.name} resumed."))
    return await _log(ctx, customer)


def _require_owner(ctx: Context, customer: Customer) -> None:
    if customer.owner_id != ctx.rep_id and not ctx.rep.is_manager:
        raise PermissionDenied(f"客户 {customer.name} 的短信设置", f"the SMS settings of {customer.name}")


async def _log(ctx: Context, customer: Customer) -> Reply:
    assert customer.id is not None
    sends = await _sms(ctx).sms.for_customer(customer.id)
    stopped = await _sms(ctx).sms.opted_out(customer.id)
    head = ctx.t(f"{customer.name} 的短信记录" + ("（已停止）" if stopped else ""),
                 f"SMS to {customer.name}" + (" (stopped)" if stopped else ""))
    if not sends:
        return Reply.text(head + ctx.t("：还没有发过。", ": none sent yet."))
    lines = [f"{s.sent_at.astimezone(ZoneInfo(ctx.rep.timezone)):%Y-%m-%d %H:%M} {masked(s.phone)} "
             + ctx.t("回款提醒" if s.kind == "payment" else "提醒", "payment reminder" if s.kind == "payment" else
                     "reminder") for s in sends]
    return Reply.text(head + ctx.t("：\n", ":\n") + "\n".join(lines))
