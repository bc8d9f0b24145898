"""What the win model knows about a deal: its facts at one moment, as categories, and each category in words.

`features(facts)` turns the facts into the categories `domain.win_model` counts; `describe(feature, facts)`
says a factor the way a manager reads it ("谈判阶段已停留21天，赢单商机平均9天"). The bands are relative to
the company's own won deals where that matters (time in stage), fixed elsewhere. Pure; standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.opportunity import Stage

AMOUNT_BANDS = ((100_000, "under_10w"), (500_000, "10w_50w"), (2_000_000, "50w_200w"))  # CNY; above: "over_200w"


@dataclass(frozen=True, slots=True)
class DealFacts:
    """A deal as known at the moment it is scored (nothing later). `won_days_in_stage`: the median days won
    deals spent in this stage (None: no won deal seen there)."""

    stage: Stage
    days_in_stage: int
    idle_days: int | None  # since the last activity (None: no activity yet)
    activities: int
    amount: int  # CNY
    industry: str = ""
    region: str = ""
    source: str = ""
    quote_versions: int = 0
    close_slips: int = 0  # times the expected close date was moved later
    won_days_in_stage: int | None = None
    owner: str = ""  # who owns the deal (an id): each rep's own record counts


def stay_band(days: int, usual: int | None) -> str:
    """Days in the stage against the median of won deals there: short, long (up to twice), very_long."""
    if usual is None or usual <= 0:
        return "unknown"
    ratio = days / usual
    return "short" if ratio <= 1 else "long" if ratio <= 2 else "very_long"


def _idle(days: int | None) -> str:
    if days is None:
        return "never"
    return "week" if days <= 7 else "month" if days <= 30 else "over_month"


def _activity(count: int) -> str:
    return "none" if count == 0 else "few" if count <= 2 else "some" if count <= 5 else "many"


def _amount(amount: int) -> str:
    return next((band for limit, band in AMOUNT_BANDS if amount < limit), "over_200w")


def features(facts: DealFacts) -> dict[str, str]:
    """The categories of `facts` (empty industry, region or source: "unknown")."""
    return {"stage": facts.stage.value, "stay": stay_band(facts.days_in_stage, facts.won_days_in_stage),
            "idle": _idle(facts.idle_days), "activity": _activity(facts.activities), "amount": _amount(facts.amount),
            "industry": facts.industry or "unknown", "region": facts.region or "unknown",
            "source": facts.source or "unknown", "quotes": "none" if facts.quote_versions == 0 else
            "one" if facts.quote_versions == 1 else "revised",
            "slips": "none" if facts.close_slips == 0 else "slipped", "owner": facts.owner or "unknown"}


def describe(feature: str, facts: DealFacts, locale: str = "zh") -> str:
    """One factor in words."""
    zh = locale != "en"
    stage = facts.stage.label(locale)
    if feature == "stay":
        usual = facts.won_days_in_stage
        if usual is None:
            return f"{stage}阶段已停留{facts.days_in_stage}天" if zh else f"{facts.days_in_stage} days in {stage}"
        return (f"{stage}阶段已停留{_days_zh(facts.days_in_stage)}，赢单商机一般只需{usual}天" if zh else
                f"{_days_en(facts.days_in_stage)} in {stage}; won deals typically took {_days_en(usual)}")
    if feature == "idle":
        if facts.idle_days is None:
            return "还没有任何跟进" if zh else "no follow-up yet"
        if facts.idle_days == 0:
            return "今天刚跟进过" if zh else "followed up today"
        return f"{facts.idle_days}天没有跟进" if zh else f"no follow-up for {_days_en(facts.idle_days)}"
    if feature == "activity":
        return f"共跟进{facts.activities}次" if zh else _count_en(facts.activities, "follow-up") + " so far"
    if feature == "quotes":
        if facts.quote_versions == 0:
            return "还没有报价" if zh else "no quote yet"
        if facts.quote_versions == 1:
            return "已报价1版" if zh else "one quote sent"
        return f"报价已改{facts.quote_versions}版" if zh else f"{facts.quote_versions} quote versions"
    if feature == "slips":
        return (f"预计签约日期推迟过{facts.close_slips}次" if zh else
                f"close date moved {_count_en(facts.close_slips, 'time')}")
    if feature == "owner":
        return "这位负责人以往同类商机的输赢" if zh else "how this owner's deals have ended before"
    if feature == "amount":
        return f"金额{facts.amount / 10_000:g}万" if zh else f"amount ¥{facts.amount:,}"
    value = {"industry": facts.industry, "region": facts.region, "source": facts.source}.get(feature) or "-"
    names = {"industry": ("行业", "industry"), "region": ("区域", "region"), "source": ("来源", "source")}
    zh_name, en_name = names.get(feature, (feature, feature))
    return f"{zh_name}：{value}" if zh else f"{en_name}: {value}"


def _days_zh(days: int) -> str:
    return "不到1天" if days == 0 else f"{days}天"


def _days_en(days: int) -> str:
    return "less than a day" if days == 0 else _count_en(days, "day")


def _count_en(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
