"""Chinese date and time expressions: 明早9点, 大后天, 下周三上午10点, 周五下午三点半, 本月底, 5天后,
下个月10号, 12月8日前, 2026年12月15日, 过两天, 2小时后."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.nlp.days import (
    WEEKDAY_CHARS,
    add_months,
    first_of_month,
    month_end,
    next_weekday,
    safe_date,
    upcoming_day_of_month,
    upcoming_month_day,
    weekday_in_week,
)
from bot.nlp.moments import Context, DatePart, Part, RuleBook, TimePart, clock
from bot.nlp.numerals import small_number
from bot.nlp.text import Scanned, rx

_N = r"\d{1,2}|[零〇一二两三四五六七八九十]{1,3}"
_PFX = r"下下[个個]?|下[个個]?|上上[个個]?|上[个個]?|本|[这這][个個]?|今"
_WEEKS = {"下": 1, "下个": 1, "下下": 2, "下下个": 2, "上": -1, "上个": -1, "上上": -2, "上上个": -2}
_WEEK_WORD = r"(?:周|週|星期|礼拜|禮拜)"  # traditional forms too, in case they reach us unconverted
_REL_DAYS = {
    "大后天": (3, ""), "后天": (2, ""), "大後天": (3, ""), "後天": (2, ""),
    "明天": (1, ""), "明日": (1, ""), "明儿": (1, ""),
    "明早": (1, "am"), "明晨": (1, "am"), "明晚": (1, "night"), "今天": (0, ""), "今日": (0, ""),
    "今儿": (0, ""), "今早": (0, "am"), "今晚": (0, "night"), "今夜": (0, "night"), "昨天": (-1, ""),
    "昨日": (-1, ""), "昨晚": (-1, "night"), "前天": (-2, ""), "大前天": (-3, ""),
}
_PERIODS = {
    "凌晨": "am", "清晨": "am", "早上": "am", "早晨": "am", "上午": "am", "早": "am", "中午": "noon",
    "午后": "pm", "下午": "pm", "傍晚": "pm", "晚上": "night", "夜里": "night", "夜间": "night", "晚": "night",
}
_DAY_PART = rx(r"\s?(上午|中午|下午|傍晚|晚上|早上)")
_HOUR_NEXT = rx(r"\s?[\d零一二两三四五六七八九十]")
_MINUTES = {"半": 30, "一刻": 15, "三刻": 45, "整": 0}
_DEADLINE = rx(r"\s?(?:之前|以前|前|之内|以内|内|截止)")


def _with_deadline(text: str, end: int) -> int:
    """Extend a date over a following 前/之内 (12月8日前): same day, but part of the expression."""
    m = _DEADLINE.match(text, end)
    return m.end() if m else end


def _weeks(pfx: str | None) -> int:
    return _WEEKS.get((pfx or "").replace("個", "个").replace("這", "这"), 0)


def _day_part(text: str, end: int) -> tuple[int, str]:
    """The part of the day written after a date (下周二下午, 12月9日 上午): the date's end and period.
    The date covers it unless an hour follows, which makes it a clock time of its own (下午3点)."""
    later = _DAY_PART.match(text, end)
    if later is None:
        return end, ""
    return (end if _HOUR_NEXT.match(text, later.end()) else later.end()), _PERIODS[later.group(1)]


def _dated(m: re.Match[str], day: date | None, back: date | None = None) -> DatePart:
    """A date ending at the match (and a following 前/之内), with its part of the day (_day_part)."""
    end, period = _day_part(m.string, _with_deadline(m.string, m.end()))
    problem = "" if day is not None else "date_invalid"
    return DatePart(m.start(), end, day, period, problem=problem, back=back)


def _rel_day(m: re.Match[str], ctx: Context) -> Part:
    """明天 / 后天 / 今晚; a bare 今天 only dates the report ("今天见了王总") unless a deadline or a
    part of the day follows (今天下午去拜访, 今天之内回复)."""
    offset, period = _REL_DAYS[m.group(0)]
    end = _with_deadline(m.string, m.end())
    with_part, later = _day_part(m.string, end)
    anchor = m.group(0) in ("今天", "今日", "今儿") and end == m.end() and not later
    return DatePart(m.start(), with_part, ctx.today + timedelta(days=offset), later or period, anchor)


def _weekday(m: re.Match[str], ctx: Context) -> Part | None:
    pfx, weekday = m.group("pfx"), WEEKDAY_CHARS[m.group("d")]
    if pfx is None:
        if m.start() and m.string[m.start() - 1] in "一二两三四五六七八九十几半0123456789":
            return None  # 一周一次 / 两周
        day = next_weekday(ctx.today, weekday)
        back = day - timedelta(days=7) if day != ctx.today else None
        return _dated(m, day, back=back)
    return _dated(m, weekday_in_week(ctx.today, weekday, _weeks(pfx)))


# 下周八 / 礼拜九: a weekday that does not exist (not 下周8点, 下周十点: an hour follows)
_NOT_A_WEEKDAY = rx(r"[零〇八九十0890](?![\d零一二两三四五六七八九十]*\s?[点點时時:：])")


def _no_weekday(m: re.Match[str], ctx: Context) -> Part:
    """星期八 / 礼拜九 without 下/本: no such day, asked back."""
    return DatePart(m.start(), m.end(), None, problem="date_unreadable")


def _week(m: re.Match[str], ctx: Context) -> Part:
    if _NOT_A_WEEKDAY.match(m.string, m.end()):  # 下周八: a weekday that does not exist, asked back
        return DatePart(m.start(), m.end() + 1, None, problem="date_unreadable")
    weeks = _weeks(m.group("pfx"))
    # 下周 = next Monday; 本周(内) = by Friday
    day = weekday_in_week(ctx.today, 0, weeks) if weeks else max(ctx.today, weekday_in_week(ctx.today, 4, 0))
    return DatePart(m.start(), _with_deadline(m.string, m.end()), day)


def _part_of_month(first: date, part: str) -> date:
    if part in ("底", "末"):
        return month_end(first.year, first.month)
    return first.replace(day={"初": 1, "上旬": 1, "中": 15, "中旬": 15, "下旬": 21}[part])


def _month_numbered_part(m: re.Match[str], ctx: Context) -> Part | None:
    """12月底 / 2027年3月初: the given month, next year's once this year's is over."""
    month = small_number(m.group("m"))
    if month is None or not 1 <= month <= 12:
        return DatePart(m.start(), m.end(), None, problem="date_invalid")
    year = int(m.group("y")) if m.group("y") else ctx.today.year
    if m.group("y") is None and month_end(year, month) < ctx.today - timedelta(days=31):
        year += 1
    day = _part_of_month(date(year, month, 1), m.group("part"))
    return DatePart(m.start(), _with_deadline(m.string, m.end()), day)


def _month_relative_part(m: re.Match[str], ctx: Context) -> Part:
    """本月底 / 下个月初 / 月中: 月初 said after the 1st means next month's."""
    pfx = m.group("pfx")
    day = _part_of_month(first_of_month(ctx.today, _WEEKS.get(pfx, 0) if pfx else 0), m.group("part"))
    if pfx is None and day < ctx.today:
        day = _part_of_month(first_of_month(ctx.today, 1), m.group("part"))
    return DatePart(m.start(), _with_deadline(m.string, m.end()), day)


def _month_only(m: re.Match[str], ctx: Context) -> Part | None:
    """下个月 -> the 1st of next month; 本月 -> its last day; 明年3月份 -> 1 March next year."""
    pfx = m.groupdict().get("pfx")
    if pfx is not None:
        ahead = _WEEKS.get(pfx, 0)
        first = first_of_month(ctx.today, ahead)
        day = first if ahead else month_end(first.year, first.month)
        return DatePart(m.start(), _with_deadline(m.string, m.end()), day)
    month = small_number(m.group("m"))
    if month is None or not 1 <= month <= 12:
        return DatePart(m.start(), m.end(), None, problem="date_invalid")
    year = ctx.today.year + (1 if m.group("y") == "明" else 0)
    day = date(year, month, 1)
    if not m.group("y") and month_end(year, month) < ctx.today:
        day = date(year + 1, month, 1)
    return DatePart(m.start(), _with_deadline(m.string, m.end()), max(day, ctx.today))


# Holidays reps plan around; Spring Festival and Mid-Autumn follow the lunar calendar.
_SPRING_FESTIVAL = {2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
                    2030: date(2030, 2, 3), 2031: date(2031, 1, 23)}
_MID_AUTUMN = {2026: date(2026, 9, 25), 2027: date(2027, 9, 15), 2028: date(2028, 10, 3), 2029: date(2029, 9, 22),
               2030: date(2030, 9, 12), 2031: date(2031, 10, 1)}


def _holiday_on(name: str, year: int) -> date | None:
    if name in ("春节", "过年"):
        return _SPRING_FESTIVAL.get(year)
    if name.startswith("中秋"):
        return _MID_AUTUMN.get(year)
    month, day = {"元旦": (1, 1), "五一": (5, 1), "劳动节": (5, 1)}.get(name, (10, 1))  # 国庆
    return date(year, month, day)


def _holiday(m: re.Match[str], ctx: Context) -> Part | None:
    """春节前 / 国庆后 / 元旦: the holiday's next (first) day."""
    for year in (ctx.today.year, ctx.today.year + 1):
        day = _holiday_on(m.group("h"), year)
        if day is not None and day >= ctx.today:
            return DatePart(m.start(), _with_deadline(m.string, m.end()), day)
    return None


def _year_part(m: re.Match[str], ctx: Context) -> Part:
    year = ctx.today.year + (1 if m.group("y") == "明" else 0)
    day = date(year, 12, 31) if m.group("part") in ("底", "末") else date(year, 1, 1)
    if day < ctx.today and m.group("y") is None:
        day = day.replace(year=year + 1)
    return DatePart(m.start(), _with_deadline(m.string, m.end()), day)


def _full_date(m: re.Match[str], ctx: Context) -> Part:
    return _dated(m, safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d"))))


def _month_day(m: re.Match[str], ctx: Context) -> Part | None:
    month, day = small_number(m.group("m")), small_number(m.group("d"))
    if month is None or day is None:
        return None
    if m.group("y"):
        found = safe_date(ctx.today.year + (1 if m.group("y") == "明" else 0), month, day)
    else:
        found = upcoming_month_day(ctx.today, month, day)
    return _dated(m, found)


def _month_rel_day(m: re.Match[str], ctx: Context) -> Part | None:
    day = small_number(m.group("d"))
    if day is None:
        return None
    first = first_of_month(ctx.today, _weeks(m.group("pfx")))
    return _dated(m, safe_date(first.year, first.month, day))


def _day_only(m: re.Match[str], ctx: Context) -> Part | None:
    day = small_number(m.group("d"))
    if day is None:
        return None
    found = upcoming_day_of_month(ctx.today, day)
    back = safe_date(ctx.today.year, ctx.today.month, day) if found and found > ctx.today else None
    return _dated(m, found, back=back)


def _duration(m: re.Match[str], ctx: Context) -> Part | None:
    unit, word = m.group("unit"), m.group("n")
    count = 0.5 if word == "半" else small_number(word)
    if count is None or (unit == "月" and not m.group("ge") and word != "半"):
        return None  # 3月后 is "after March", not "in three months"
    count += 0.5 if m.group("half") else 0
    sign = -1 if m.group("dir") in ("前", "以前", "之前") else 1
    if unit in ("小时", "钟头", "分钟"):
        delta = timedelta(hours=count) if unit != "分钟" else timedelta(minutes=count)
        at = ctx.now + sign * delta
        return DatePart(m.start(), m.end(), at.date(), at=at)
    days = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7}.get(unit)
    if days is not None:
        return DatePart(m.start(), m.end(), ctx.today + timedelta(days=sign * count * days))
    months = count * (12 if unit == "年" else 1)
    whole = int(months)
    day = add_months(ctx.today, sign * whole) + timedelta(days=sign * round((months - whole) * 30))
    return DatePart(m.start(), m.end(), day)


def _clock(m: re.Match[str], ctx: Context) -> Part | None:
    hour = small_number(m.group("h"))
    if hour is None:
        return None
    words = m.group("m")
    minute = int(m.group("mm") or 0) if words is None else _MINUTES.get(words, small_number(words) or 0)
    period = _PERIODS.get(m.group("period") or "", "")
    cn_hour = not m.group("h").isdigit()
    weak = cn_hour and hour <= 2 and not period and words is None and not m.group("zhong")  # 一点 / 两点
    if clock(hour, minute, period) is None:
        return TimePart(m.start(), m.end(), 0, 0, period, problem="time_invalid")
    return TimePart(m.start(), m.end(), hour, minute, period, weak)


# Where a clock time can begin (see text.scan): a part of the day, a space before the hour, or the hour.
_CLOCK_START = rx(r"[凌清早上中午下傍晚夜\s\d零一二两三四五六七八九十](?:(?<=[凌清早上中午下傍晚夜])"
                  r"|(?<=\s)(?=[\d零一二两三四五六七八九十])|(?<=[\d零一二两三四五六七八九十])(?<![\d.:第][\s\S]))")

_CLOCK = Scanned(_CLOCK_START, rx(
    r"(?P<period>凌晨|清晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|(?<![今明昨])早|(?<![今明昨])晚)?"
    r"\s?(?<![\d.:第])(?P<h>\d{1,2}|[零一二两三四五六七八九十]{1,3})\s?"
    r"(?:[点點时時](?P<m>半|一刻|三刻|整|\d{1,2}|[零一二三四五六七八九十]{1,3})?(?:分|(?P<zhong>钟))?"
    r"|:(?P<mm>\d{2}))"
    r"(?![万亿元块%\d零一二三四五六七八九十]|建议|意见|要求|原因|内容|问题|需求|注意|看法|想法)"))

RULES = RuleBook([
    ("天明今昨",
     rx(r"大后天|后天|大後天|後天|明天|明日|明儿|明早|明晨|明晚|今天|今日|今儿|今早|今晚|今夜|昨天|昨日|昨晚|大前天|前天"),
     _rel_day),
    ("周週星期礼禮拜",
     rx(rf"(?P<pfx>{_PFX})?{_WEEK_WORD}(?P<d>[一二三四五六日天1-7末])"), _weekday),
    ("周週星期礼禮拜",
     rx(rf"(?P<pfx>下下[个個]?|下[个個]?|本|[这這][个個]?){_WEEK_WORD}(?![一二三四五六日天1-7末])"), _week),
    ("周週星期礼禮拜",
     rx(rf"(?<![一二两三四五六七八九十几半每上下本这這个個\d]){_WEEK_WORD}[八九零〇](?![号日月个次天年人万千百十点點时時])"),
     _no_weekday),
    ("月",
     rx(rf"(?:(?P<y>\d{{4}})年)?(?<![\d个])(?P<m>{_N})月份?(?P<part>底|末|初|中旬|中|上旬|下旬)"),
     _month_numbered_part),
    ("月",
     rx(r"(?<![\d个零一二两三四五六七八九十])(?P<pfx>下下个?|下个?|本|这个?|上个?)?月"
                r"(?P<part>底|末|初|中旬|中|上旬|下旬)"), _month_relative_part),
    ("年",
     rx(r"(?:(?P<y>今|明)年|(?<!\d)年)(?P<part>底|末|初)"), _year_part),
    ("元春过五劳国中",
     rx(r"(?P<h>元旦|春节|过年|五一|劳动节|国庆|中秋)节?(?:假期)?(?:前后|前|后|之前|之后|以后)?"), _holiday),
    ("月",
     rx(r"(?<![\d个零一二两三四五六七八九十])(?P<pfx>下下个?|下个?|本|这个?)月(?![底末初中上下旬\d零一二两三四五六七八九十])"),
     _month_only),
    ("年",
     rx(rf"(?P<y>今|明)年(?P<m>{_N})月份?(?![\d零一二两三四五六七八九十])"), _month_only),
    ("月份",
     rx(rf"(?<![\d个年])(?P<y>)(?P<m>{_N})月份(?![\d零一二两三四五六七八九十])"), _month_only),
    ("-/.年",
     rx(r"(?<!\d)(?P<y>\d{4})(?:[-/.]|年)(?P<m>\d{1,2})(?:[-/.]|月)(?P<d>\d{1,2})(?:日|号)?(?!\d)"), _full_date),
    ("月",
     rx(rf"(?<![\d.])(?:(?P<y>今|明)年)?(?P<m>{_N})月(?P<d>{_N})(?:日|号)?"), _month_day),
    ("月",
     rx(rf"(?P<pfx>下下个?|下个?|本|这个?)月(?P<d>{_N})(?:日|号)"), _month_rel_day),
    ("./",
     rx(r"(?<![\d.,/])(?P<y>)(?P<m>1[0-2]|0?[1-9])[./](?P<d>[12]\d|3[01]|0?[1-9])(?=\s?(?:前|之前|以前|号|日|截止)"
        r"|\s?\d{1,2}[:：]\d{2}|\s?(?:上午|中午|下午|晚上|早上))"),
     _month_day),
    ("号",
     rx(rf"(?<![月\d.年#])(?P<d>{_N})号(?!楼|线|门|院|厅|馆|机|位|口|箱|桌|房|车|店|仓|柜|文|件|码|段)"),
     _day_only),
    ("后内前",
     rx(r"(?<![\d.])(?P<n>\d+|[零一二两三四五六七八九十]{1,3}|半)\s?(?P<ge>个)?(?P<half>半)?\s?"
                r"(?P<unit>天|日|周|星期|礼拜|月|年|小时|钟头|分钟)\s?(?P<dir>以后|之后|后|以内|之内|内|以前|之前|前)"),
     _duration),
    ("过",
     rx(r"过(?P<n>\d+|[一二两三四五六七八九十]{1,3})\s?(?P<ge>个)?(?P<half>)(?P<unit>天|周|星期|礼拜|月)(?P<dir>)"),
     _duration),
    ("点點时時:", _CLOCK, _clock),
])


# Without Chinese characters only the numeric forms can occur (2026-12-15, 14:30).
NUMERIC_RULES = RuleBook([rule for rule in RULES.rules if rule[2] in (_full_date, _clock)])
