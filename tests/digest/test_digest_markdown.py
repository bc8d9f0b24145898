"""Chat rendering: every section present, user text escaped, and messages within each channel's byte limit."""

from __future__ import annotations

from bot.digest.compose import compose_digest
from bot.digest.markdown import CHAT_LIMITS, pack, render_markdown, render_sections, split_for_channel
from bot.digest.messages import chat_pushes, plain
from bot.digest.model import Digest
from bot.digest.settings import DigestSettings
from connectors.wecom.markdown import ROBOT_MARKDOWN_LIMIT, utf8_len
from domain.people import Rep, Team
from tests.digest.stub import AT, DAY, FakeAnalyticsReader, FakeSources
from tests.fakes.uow import FakeUnitOfWork


async def digest(stalled: int = 12, list_limit: int = 10) -> Digest:
    uow = FakeUnitOfWork()
    async with uow:
        await uow.reps.add(Rep("张伟"))
        await uow.reps.add(Rep("李娜"))
        await uow.commit()
    src = FakeSources(uow, FakeAnalyticsReader(stalled_count=stalled))
    return await compose_digest(src, Team("华东一组", id=5), DAY, AT, DigestSettings(list_limit=list_limit))


async def test_markdown_has_every_section_in_both_languages() -> None:
    d = await digest()
    zh, en = render_markdown(d, "zh"), render_markdown(d, "en")
    for word in ("每日简报", "新线索 7", "阶段推进", "赢单 / 输单", "销售漏斗", "近 90 天阶段转化",
                 "平均成交周期 37.5 天", "加权预测", "本月销售排行", "停滞商机 (12)", "…另有 2 个",
                 "逾期跟进 (1)", "价格 — 竞品低价"):
        assert word in zh
    for word in ("daily digest", "new leads 7", "Stage movements", "Funnel", "Average cycle 37.5 days",
                 "Weighted forecast", "Top reps this month", "Stalled deals (12)", "… and 2 more", "price"):
        assert word in en
    assert "逾期回款" not in zh  # an empty list is left out


async def test_deal_names_are_escaped_as_plain_words() -> None:
    zh = render_markdown(await digest(), "zh")
    assert "华信\\*CRM\\*" in zh and "华信*CRM*" not in zh
    assert "华信*CRM*" in plain(zh)


async def test_a_long_digest_splits_within_the_wecom_limit_at_section_boundaries() -> None:
    d = await digest(stalled=300, list_limit=120)
    sections = render_sections(d, "zh")
    parts = split_for_channel(d, "zh", "wecom")
    assert len(parts) > 2
    assert all(utf8_len(p) <= CHAT_LIMITS["wecom"] for p in parts)
    small = [s for s in sections if utf8_len(s) <= CHAT_LIMITS["wecom"]]
    assert all(any(s in p for p in parts) for s in small)  # a section that fits is never cut
    lines = [line for s in sections for line in s.split("\n") if line]
    assert [line for p in parts for line in p.split("\n") if line] == lines  # nothing lost, order kept


def test_pack_cuts_an_over_long_section_at_lines_and_never_inside_a_character() -> None:
    section = "\n".join(f"- 第{i}行：明途信息技术有限公司的长名字" for i in range(400))
    parts = pack(["### 标题", section], ROBOT_MARKDOWN_LIMIT)
    assert all(utf8_len(p) <= ROBOT_MARKDOWN_LIMIT for p in parts)
    assert parts[0].startswith("### 标题") and "\n".join(parts).count("第399行") == 1


async def test_console_and_email_take_the_digest_whole() -> None:
    d = await digest(stalled=300, list_limit=120)
    assert split_for_channel(d, "zh", "console") == [render_markdown(d, "zh")]


async def test_chat_parts_are_digest_pushes_of_the_day() -> None:
    d = await digest(stalled=300, list_limit=120)
    pushes = chat_pushes(d, "en", "wecom")
    assert [p.period for p in pushes][:3] == ["2026-12-04", "2026-12-04#2", "2026-12-04#3"]
    assert {p.kind for p in pushes} == {"digest"}
    assert all(p.markdown and "**" not in p.text for p in pushes)
