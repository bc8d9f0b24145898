"""Customer health: each component on hand-made facts (exact points), bands, reasons zh/en, the lexicon."""

from datetime import date, datetime, timedelta, timezone

import pytest

from domain.complaints import count_complaints, mentions_complaint
from domain.health import (
    Band,
    HealthFacts,
    SentMail,
    assess,
    complaints,
    delivery,
    frequency,
    payments,
    recency,
    renewal,
    response,
)

SHANGHAI = timezone(timedelta(hours=8))
NOW = datetime(2026, 12, 10, 18, 0, tzinfo=SHANGHAI)


def facts(**values: object) -> HealthFacts:
    return HealthFacts(7, **values)  # type: ignore[arg-type]


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_recency_is_full_within_two_weeks_and_fades_to_nothing_at_120_days() -> None:
    assert recency(facts(last_contact=days_ago(3)), NOW).points == 20
    fading = recency(facts(last_contact=datetime(2026, 10, 26, 9, 0, tzinfo=SHANGHAI)), NOW)  # 45 days
    assert fading.points == round(20 * 75 / 106) == 14
    assert fading.zh == "已 45 天没有跟进（上次 10月26日）"
    assert fading.en == "No contact for 45 days (last Oct 26)"
    assert recency(facts(last_contact=days_ago(200)), NOW).points == 0
    never = recency(facts(), NOW)
    assert (never.points, never.neutral, never.zh) == (0, False, "还没有任何跟进或来信")
    new = recency(facts(created_at=days_ago(3)), NOW)  # added three days ago: not judged on silence yet
    assert (new.points, new.zh) == (10, "新客户，还没有跟进（按中性计）")
    assert recency(facts(created_at=days_ago(30)), NOW).points == 0


def test_frequency_counts_contacts_of_the_last_90_days() -> None:
    assert [frequency(facts(contacts=n), NOW).points for n in (0, 1, 3, 6, 20)] == [0, 2, 8, 15, 15]
    assert frequency(facts(contacts=4), NOW).zh == "近 90 天跟进 4 次"
    assert frequency(facts(created_at=days_ago(3)), NOW).points == 7


def test_response_time_averages_answers_and_counts_old_unanswered_mails_as_slow() -> None:
    mails = (SentMail(days_ago(30), days_ago(27)),  # 3 days
             SentMail(days_ago(20), days_ago(19)),  # 1 day
             SentMail(days_ago(10)),  # unanswered for 10 days: counts as 7
             SentMail(days_ago(2)))  # too young to judge
    part = response(facts(sent_mails=mails), NOW)
    # judged: 3, 1, 7 -> 11/3 = 3.67 days; (7 - 3.67) / 6 x 15 = 8.33 -> 8
    assert part.points == 8
    assert part.zh == "我们的邮件平均 2 天才得到回复，另有 1 封超过 7 天没有回复"
    assert part.en == "Our mails get an answer after 2 days on average; 1 more unanswered for over 7 days"
    assert response(facts(sent_mails=(SentMail(days_ago(5), days_ago(4.9)),)), NOW).points == 15


def test_response_without_mail_is_neutral_and_says_so() -> None:
    part = response(facts(sent_mails=(SentMail(days_ago(1)),)), NOW)
    assert (part.points, part.neutral) == (7, True)
    assert "中性" in part.zh and "neutral" in part.en


def test_complaints_cost_five_points_each() -> None:
    notes = ("客户投诉交付太慢", "对方很不满意，要求退款", "这次没有投诉，进展顺利")
    part = complaints(facts(contacts=5, notes=notes))
    assert part.points == 15 - 2 * 5
    assert part.zh == "近 90 天 2 条跟进或邮件提到投诉/不满"
    assert complaints(facts(contacts=5)).points == 15
    silent = complaints(facts())
    assert (silent.points, silent.neutral) == (7, True)


def test_payments_overdue_and_on_time() -> None:
    overdue = payments(facts(payments_due=3, overdue=(date(2026, 11, 20), date(2026, 11, 26))), NOW)
    # 20 and 14 days late: 17 on average; 15 - 2 x 5
    assert (overdue.points, overdue.zh) == (5, "2 笔回款逾期，平均晚 17 天")
    assert overdue.en == "2 payments overdue, 17 days late on average"
    long_late = payments(facts(payments_due=1, overdue=(date(2026, 9, 1),)), NOW)
    assert long_late.points == 15 - 5 - 5
    on_time = payments(facts(payments_due=3), NOW)
    assert (on_time.points, on_time.zh) == (15, "到期的 3 笔回款都已收到")
    assert payments(facts(), NOW).points == 7 and payments(facts(), NOW).neutral


def test_delivery_uses_the_latest_rating_and_open_change_requests() -> None:
    part = delivery(facts(ratings=(2, 5), open_change_requests=1))
    # rating 2 -> 10 x 1/4 = 2.5 -> 2 (half to even); minus 2 for the open request
    assert (part.points, part.zh) == (0, "最近一次里程碑评分 2 分，有 1 个未处理的变更请求")
    assert part.en == "Latest milestone rating 2 of 5; 1 open change request"
    assert delivery(facts(open_change_requests=2)).en == "2 open change requests"
    assert delivery(facts(ratings=(5,))).points == 10
    assert delivery(facts(open_change_requests=1)).points == 3
    assert delivery(facts()).neutral and delivery(facts()).points == 5


def test_renewal_signals() -> None:
    won = datetime(2025, 6, 1, tzinfo=SHANGHAI)
    again = renewal(facts(first_won_at=won, last_won_at=won, newest_deal_at=datetime(2026, 3, 1, tzinfo=SHANGHAI)),
                    NOW)
    assert (again.points, again.zh) == (10, "去年赢单后今年有新商机（续约信号）")
    assert again.en == "Won last year, a new deal this year (renewal signal)"
    silent = renewal(facts(first_won_at=won, last_won_at=won, last_contact=days_ago(200)), NOW)
    assert (silent.points, silent.zh) == (0, "赢单后已 200 天没有联系，也没有新商机")
    waiting = renewal(facts(first_won_at=won, last_won_at=won, last_contact=days_ago(20)), NOW)
    assert (waiting.points, waiting.neutral) == (5, True)
    assert renewal(facts(), NOW).neutral


def test_a_customer_without_any_data_scores_the_neutral_parts_and_is_at_risk() -> None:
    health = assess(facts(), NOW)
    assert health.score == 0 + 0 + 7 + 7 + 7 + 5 + 5
    assert health.band is Band.AT_RISK
    assert health.reasons("zh", 2) == ["还没有任何跟进或来信", "近 90 天没有任何跟进"]


def test_bands_and_reasons_of_a_healthy_customer() -> None:
    good = facts(last_contact=days_ago(2), contacts=8, notes=("一切顺利",), payments_due=2,
                 sent_mails=(SentMail(days_ago(9), days_ago(8.5)),))
    health = assess(good, NOW)
    assert health.score == 20 + 15 + 15 + 15 + 15 + 5 + 5
    assert health.band is Band.HEALTHY and health.band.label("zh") == "健康"
    assert health.reasons("en", 2) == ["Last contact 2 days ago (Dec 8)", "8 contacts in the last 90 days"]


@pytest.mark.parametrize(("score", "band"), [(70, Band.HEALTHY), (69, Band.FAIR), (40, Band.FAIR),
                                             (39, Band.AT_RISK)])
def test_band_thresholds(score: int, band: Band) -> None:
    assert Band.of(score) is band


def test_lexicon_finds_zh_and_en_phrases_and_skips_negations() -> None:
    assert mentions_complaint("客户说交付一直没解决")
    assert mentions_complaint("They are disappointed with the rollout")
    assert mentions_complaint("This is UNACCEPTABLE")
    assert not mentions_complaint("客户没有投诉，很满意")
    assert not mentions_complaint("no complaints so far")
    assert not mentions_complaint("We haven't had a complaint")
    assert not mentions_complaint("方案评审顺利")
    assert count_complaints(["差评", "无差评", "not disappointed at all", "a refund was asked"]) == 2
