"""`免打扰` / `quiet hours`: one's own quiet hours, when non-urgent pushes wait (domain.quiet)."""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.registry import command
from bot.reply import Reply
from domain.errors import InvalidValue
from domain.quiet import OFF_WORDS, QuietHours

DEFAULT_WORDS = ("默认", "default", "reset", "恢复默认")


@command("免打扰", "quiet hours", "quiet", section="general",
         help_zh="设置自己的免打扰时段（你的时区）：期间摘要、风险提醒等非紧急推送等到结束再发；"
                 "「免打扰 关闭」随时推送，「免打扰 默认」用公司默认",
         help_en="Set your quiet hours (your time zone): non-urgent pushes such as digests and risk warnings "
                 "wait until they end; 'quiet hours off' to get them any time, 'quiet hours default' to reset",
         usage_zh="免打扰 21:00-08:00 | 免打扰 关闭 | 免打扰 默认 | 免打扰",
         usage_en="quiet hours 22:00-07:30 | quiet hours off | quiet hours default | quiet hours")
async def set_quiet_hours(ctx: Context, args: Args) -> Reply:
    text = args.rest().strip()
    rep = await ctx.uow.reps.get(ctx.rep_id)
    if not text:
        return Reply.text(_describe(ctx, rep.quiet_hours, rep.timezone))
    own = "" if text.casefold() in DEFAULT_WORDS else _own(text)  # bad input: InvalidValue, nothing changed
    if own != rep.quiet_hours:
        rep.quiet_hours = own
        await ctx.uow.reps.save(rep)  # a new directory version: every process sees it
    return Reply.text(_describe(ctx, own, rep.timezone, changed=True))


def _own(text: str) -> str:
    """What to store for `text`; a span that starts where it ends (08:00-08:00) is refused: it means none."""
    hours = QuietHours.parse(text)
    if hours.off and text.strip().casefold() not in OFF_WORDS:
        raise InvalidValue("免打扰时段", f"「{text}」开始和结束相同，等于没有免打扰时段；要关闭请发「免打扰 关闭」，"
                                          "要设置请写成 22:00-07:30",
                           field_en="quiet hours", reason_en=f"'{text}' starts where it ends, which means no quiet "
                           "hours; to turn them off send 'quiet hours off', to set them write 22:00-07:30")
    return hours.render()


def _describe(ctx: Context, own: str, timezone: str, changed: bool = False) -> str:
    hours = QuietHours.parse(own or ctx.settings.quiet_hours)
    whose = ctx.t("公司默认" if not own else "你的", "the default" if not own else "yours")
    if hours.off:
        state = ctx.t(f"免打扰已关闭（{whose}）：推送随时送达。",
                      f"Quiet hours are off ({whose}): messages arrive any time.")
    else:
        span, end = hours.render(), f"{hours.end:%H:%M}"
        state = ctx.t(f"免打扰时段 {span}（{timezone}，{whose}）：这段时间的非紧急推送等到 {end} 再发，"
                      "你定的提醒照常按时送达。",
                      f"Quiet hours {span} ({timezone}, {whose}): non-urgent messages in that time wait until "
                      f"{end}; reminders you set still arrive on time.")
    if changed:
        return ctx.t("已设置。", "Done. ") + state
    return state + ctx.t("（修改：免打扰 21:00-08:00 / 免打扰 关闭 / 免打扰 默认）",
                         " (change: quiet hours 22:00-07:30 / quiet hours off / quiet hours default)")
