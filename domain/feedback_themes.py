"""Feedback grouped by theme, by keywords in Chinese and English (the monthly summary to admins).

Rules, not a model: a piece of feedback belongs to the first theme one of whose words it contains, else to
"other". The order matters: "提醒太慢" is about reminders before it is about speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.usage import Feedback


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    zh: str
    en: str
    words: tuple[str, ...]

    def label(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


THEMES: tuple[Theme, ...] = (
    Theme("reminders", "提醒", "Reminders", ("提醒", "通知", "推送", "remind", "notif", "alert")),
    Theme("understanding", "识别与理解", "Understanding",
          ("识别", "理解", "听不懂", "看不懂", "没懂", "误解", "understand", "recogni", "parse", "misread")),
    Theme("reports", "报表与看板", "Reports and dashboard",
          ("报表", "看板", "日报", "周报", "统计", "图表", "report", "dashboard", "chart", "digest")),
    Theme("speed", "速度", "Speed", ("速度", "太慢", "慢", "卡顿", "延迟", "slow", "speed", "lag", "latency")),
    Theme("bugs", "错误", "Bugs", ("错误", "报错", "出错", "崩溃", "失败", "bug", "error", "crash", "broken", "fail")),
    Theme("features", "功能建议", "Feature requests",
          ("建议", "希望", "能不能", "可不可以", "增加", "新功能", "suggest", "feature", "wish", "would be nice",
           "please add", "could you add")),
)
OTHER = Theme("other", "其他", "Other", ())
EXAMPLES = 3  # quotes per theme in the summary
QUOTE_CHARS = 80


def theme_of(text: str) -> Theme:
    folded = text.casefold()
    return next((theme for theme in THEMES if any(word in folded for word in theme.words)), OTHER)


@dataclass(frozen=True, slots=True)
class ThemeGroup:
    theme: Theme
    count: int
    examples: tuple[str, ...]


def group_by_theme(items: Sequence[Feedback], examples: int = EXAMPLES) -> list[ThemeGroup]:
    """The themes that have feedback, most first (ties in the themes' order), with the newest quotes."""
    found: dict[str, list[Feedback]] = {}
    for item in items:
        found.setdefault(theme_of(item.text).key, []).append(item)
    order = [*(t.key for t in THEMES), OTHER.key]
    themes = {t.key: t for t in (*THEMES, OTHER)}
    groups = [ThemeGroup(themes[key], len(found[key]),
                         tuple(quote(f.text) for f in sorted(found[key], key=lambda f: f.at, reverse=True)[:examples]))
              for key in order if key in found]
    return sorted(groups, key=lambda g: (-g.count, order.index(g.theme.key)))


def quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[:QUOTE_CHARS - 1] + "…"
