"""What feedback and the usage report say, in zh and en."""

from __future__ import annotations

from bot.i18n import Text
from bot.registry import registry

THANKS = Text("谢谢你的反馈！已记录（F{id}），管理员每月会汇总查看。",
              "Thank you for your feedback! Recorded as F{id}; the admins review it every month.")
HOW_TO = Text("反馈内容是空的，什么都没有记录。请写：反馈 你的意见或建议，例如：反馈 希望提醒可以提前一天",
              "The feedback was empty; nothing was recorded. Write: feedback <your comment>, "
              "e.g. feedback please remind me a day earlier")
LIST_TITLE = Text("最近的反馈 {n} 条（{period}）", "Recent feedback: {n} ({period})")
NO_FEEDBACK = Text("{period}没有收到反馈。", "No feedback {period}.")
THIS_MONTH = Text("本月", "this month")
RECENT = Text("最近 {days} 天", "last {days} days")
GROUP, PRIVATE = Text("群聊", "group"), Text("私聊", "private")
BAD_LIST = Text("「反馈 列表」后面只能跟「本月」。例如：反馈 列表 本月",
                "'feedback list' takes only 'this month' after it, e.g. feedback list this month")
SUMMARY_TITLE = Text("{month} 用户反馈汇总：共 {n} 条", "Feedback for {month}: {n} in all")
SUMMARY_THEME = Text("{theme}：{n} 条", "{theme}: {n}")
CHANNELS = {"console": Text("控制台", "console"), "wecom": Text("企业微信", "WeCom"),
            "dingtalk": Text("钉钉", "DingTalk"), "email": Text("邮件", "email"), "web": Text("网页", "web")}


def channel_name(channel: str, locale: str) -> str:
    label = CHANNELS.get(channel)
    return label.get(locale) if label is not None else channel


def feature_name(feature: str, locale: str) -> str:
    """A feature (a command's name, as usage events keep it) in `locale`: 新客户 -> "customer add" in English
    (bot.registry: the command's `name_en`); a name no longer registered as kept."""
    cmd = registry.lookup(feature) if locale == "en" else None
    return cmd.name_en if cmd is not None and cmd.name == feature else feature
