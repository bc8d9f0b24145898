"""Parser behaviour beyond the gold fields: bad input, confidence, problems, known customers, evidence."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import FrozenInstanceError
from datetime import datetime
from decimal import Decimal

import pytest

from bot.nlp import WRITE_THRESHOLD, KnownName, Parser, ParseResult
from bot.nlp.pipeline import FINDINGS, SPAN_KEY, Findings, split_tokens
from bot.nlp.problems import CATALOGUE
from tests.nlp.conftest import NOW

HENGRUI = KnownName("苏州恒瑞智能装备有限公司", ("恒瑞", "恒瑞智能"), ref=7)
HENGRUI_PHARMA = KnownName("江苏恒瑞医药股份有限公司", ("恒瑞",), ref=8)
PASTE = ("今天去苏州拜访了恒瑞智能装备有限公司的周总，预算大概80万，下周三上午10点带方案过去。" * 300)[:10_000]


@pytest.mark.parametrize(("text", "code"), [
    ("", "empty_message"),
    ("   \t ", "empty_message"),
    ("👍👍🎉", "no_text"),
    ("。。。！！", "no_text"),
    ("\u200b\ufeff", "no_text"),
    ("asdfghjkl", "intent_unclear"),
    ("哈哈", "intent_unclear"),
])
def test_input_without_meaning_gives_unknown_with_a_problem_and_no_fields(parser: Parser, text: str,
                                                                         code: str) -> None:
    result = parser.parse(text, NOW)
    assert result.intent == "unknown"
    assert code in result.problem_codes()
    assert {k: v for k, v in result.to_json().items() if v is not None} == {"intent": "unknown"}
    assert result.confidence < WRITE_THRESHOLD and not result.writable


def test_a_ten_thousand_character_paste_is_refused_without_fields(parser: Parser) -> None:
    result = parser.parse(PASTE, NOW)
    assert result.problem_codes() == ["text_too_long"]
    assert {k: v for k, v in result.to_json().items() if v is not None} == {"intent": "unknown"}
    assert "10000" in result.problems[0].zh and not result.writable


def test_a_long_note_under_the_limit_is_read(parser: Parser) -> None:
    note = "今天去苏州拜访了恒瑞智能装备有限公司的周总，预算大概80万，下周三上午10点带方案过去。" + "客户很满意。" * 300
    result = parser.parse(note[:2000], NOW)
    assert (result.company, result.amount) == ("恒瑞智能装备有限公司", Decimal(800000))


@pytest.mark.parametrize("text", [
    "a" * 10_000, "1" * 10_000, "万" * 5_000, "#" * 3_000, "\x00\x01\x02", "بازار 100", "Привет 100 рублей",
    "ᚠᛇᚻ", "in 99999999 days", "99999999999999999999万", "2026-13-45", "1e309万", "#9 赢单 #10 输单",
    "mixed 混合 text 报价 12k RMB 明天 3pm", "😀" * 4_000,
])
def test_hostile_input_never_crashes_and_keeps_the_contract(parser: Parser, text: str) -> None:
    payload = parser.parse(text, NOW).to_json()
    assert set(payload) == {"intent", "opportunity", "company", "contact", "phone", "email", "amount", "currency",
                            "stage", "next_at"}
    assert payload["amount"] is None or 0 < payload["amount"] < 10**13


def test_impossible_dates_and_times_become_problems_not_fields(parser: Parser) -> None:
    for text, code in (("2月30日见客户", "date_invalid"), ("明天25点开会", "time_invalid")):
        result = parser.parse(text, NOW)
        assert result.next_at is None
        assert code in result.problem_codes()
        assert not result.writable


def test_every_problem_carries_a_code_and_text_in_both_languages(parser: Parser) -> None:
    result = parser.parse("预算60，上周二再约", NOW)
    assert {p.code for p in result.problems} == {"amount_unit_missing", "date_in_past"}
    for found in result.problems:
        assert found.code in CATALOGUE
        assert found.message("zh") != found.message("en")
        assert "{" not in found.zh and "{" not in found.en
    assert "60" in result.problems[0].zh


def test_clear_messages_are_confident_enough_to_write(parser: Parser) -> None:
    result = parser.parse("#9 报价调整为36.8万元，含两年维保", NOW)
    assert result.confidence >= 0.8 and result.writable


def test_money_intents_without_a_deal_or_customer_ask_for_one(parser: Parser) -> None:
    result = parser.parse("报价38万", NOW)
    assert result.intent == "quote"
    assert "opportunity_missing" in result.problem_codes()


def test_a_known_customer_is_found_by_its_short_name(parser: Parser) -> None:
    result = parser.parse("下周三去恒瑞送样", NOW, [HENGRUI])
    assert result.company == "苏州恒瑞智能装备有限公司"
    assert result.known_customer is HENGRUI


def test_a_written_full_name_of_a_known_customer_maps_to_it(parser: Parser) -> None:
    result = parser.parse("拜访了恒瑞智能装备有限公司的周总", NOW, [HENGRUI])
    assert (result.company, result.known_customer) == ("苏州恒瑞智能装备有限公司", HENGRUI)


def test_known_customers_may_be_plain_strings(parser: Parser) -> None:
    assert parser.parse("follow up with Initrode next week", NOW, ["Initrode"]).company == "Initrode"


def test_a_short_name_shared_by_two_customers_is_ambiguous(parser: Parser) -> None:
    result = parser.parse("明天去恒瑞", NOW, [HENGRUI, HENGRUI_PHARMA])
    assert result.known_customer is None
    assert "company_ambiguous" in result.problem_codes()
    assert "江苏恒瑞医药股份有限公司" in result.problems[-1].zh


def test_an_alias_inside_another_companys_name_is_not_that_customer(parser: Parser) -> None:
    known = [KnownName("中信银行股份有限公司", ("中信",))]
    result = parser.parse("拜访中信建投证券有限公司的高总", NOW, known)
    assert (result.company, result.known_customer) == ("中信建投证券有限公司", None)


def test_evidence_spans_point_at_what_was_written(parser: Parser) -> None:
    text = "＃９　报价调整为３６．８万，下周三上午10点和周总见面"
    result = parser.parse(text, NOW)
    labels = {e.label: e for e in result.spans}
    assert set(labels) == {"OPP", "MONEY", "WHEN", "CONTACT"}
    for evidence in result.spans:
        assert text[evidence.start : evidence.end] == evidence.text
    assert labels["MONEY"].text == "３６．８万" and labels["MONEY"].value == "368000 CNY"
    assert labels["WHEN"].value == "2026-12-02T10:00:00+08:00"


def test_the_result_is_frozen_and_serialises_numbers_and_dates(parser: Parser) -> None:
    result = parser.parse("#10 赢单，合同金额88.5万，明天下午3点签字", NOW)
    with pytest.raises(FrozenInstanceError):
        result.intent = "unknown"  # type: ignore[misc]
    payload = result.to_json()
    assert payload["amount"] == 885000 and isinstance(payload["amount"], int)
    assert payload["next_at"] == "2026-11-25T15:00:00+08:00"
    full = result.to_json_full()
    assert full["confidence"] == result.confidence and full["spans"]


def test_a_fractional_amount_is_a_json_float(parser: Parser) -> None:
    assert parser.parse("#3 paid $1,234.56", NOW).to_json()["amount"] == 1234.56


def test_the_parser_can_be_shared_between_threads(parser: Parser) -> None:
    texts = [f"#{i} 报价 {i + 10}万，下周三上午10点见王总" for i in range(40)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda t: parser.parse(t, NOW), texts))
    assert [r.amount for r in results] == [Decimal((i + 10) * 10_000) for i in range(40)]


def test_the_timezone_of_the_parser_decides_the_users_day() -> None:
    new_york = Parser(tz="America/New_York")
    utc_noon = datetime.fromisoformat("2026-11-24T03:00:00+00:00")  # 22:00 on the 23rd in New York
    assert new_york.parse("明天给王总打电话", utc_noon).next_at.isoformat() == "2026-11-24"  # type: ignore[union-attr]


def test_tokens_are_split_where_an_entity_boundary_falls_inside_a_jieba_word(parser: Parser) -> None:
    doc = parser.pipelines.zh.make_doc("周五下午2点再聊")
    assert "再聊" in [t.text for t in doc]
    split_tokens(doc, {0, 1, 7, 8})  # cuts inside 周五 and inside 再聊
    assert [t.text for t in doc] == ["周", "五", "下午", "2", "点", "再", "聊"]
    assert doc.text == "周五下午2点再聊"


def test_the_pipeline_leaves_spans_on_the_doc(parser: Parser) -> None:
    from bot.nlp.pipeline import run
    from bot.nlp.when import local_now

    findings = Findings("#9 明天拜访杭州明途信息技术有限公司的何总", local_now(NOW))
    doc = run(parser.pipelines, True, findings.text, findings)
    assert doc is not None  # a company ending needs tokens, so a Doc is built
    assert doc.user_data[FINDINGS] is findings
    assert {s.label_ for s in doc.spans[SPAN_KEY]} == {"OPP", "COMPANY", "CONTACT"}
    assert [s.text for s in doc.spans[SPAN_KEY] if s.label_ == "COMPANY"] == ["杭州明途信息技术有限公司"]


def test_importing_the_package_does_not_load_spacy_or_jieba() -> None:
    code = "import sys, bot.nlp; print('spacy' in sys.modules, 'jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_parse_result_defaults_describe_nothing_found() -> None:
    empty = ParseResult("unknown")
    assert set(empty.to_json().values()) == {"unknown", None}


def test_the_pipelines_are_rebuilt_before_their_vocabulary_grows_without_bound() -> None:
    small = Parser(max_strings=1, always_doc=True)  # every message makes a spaCy Doc: its strings pile up
    first = small.pipelines
    for i in range(1000):
        small.parse(f"#{i} 电话1380013{i:04d}", NOW)
    assert small.pipelines is not first
    assert small.parse("#9 赢单", NOW).stage == "won"


def test_chinese_messages_are_read_without_building_spacy_until_a_doc_is_needed() -> None:
    parser = Parser()
    result = parser.parse("今天拜访了恒瑞智能装备有限公司的周总，预算80万", NOW)
    assert result.company == "恒瑞智能装备有限公司" and result.amount == 800000
    assert not parser.pipelines.built  # jieba alone: no spaCy import on a cold start
    parser.warm_up()  # the bot's start builds the rest, so no message waits for it later
    assert parser.pipelines.built


def test_a_message_without_a_chinese_company_ending_is_read_without_a_doc(parser: Parser) -> None:
    from bot.nlp.pipeline import run
    from bot.nlp.when import local_now

    for text in ("#9 报价调整为36.8万元，明天下午3点见王总", "Met Initrode Systems Ltd's COO Mark Chen today"):
        findings = Findings(text, local_now(NOW))
        assert run(parser.pipelines, findings.cjk, text, findings) is None
        assert findings.refs or findings.companies


def test_skipping_the_doc_changes_no_result_on_the_gold_file(parser: Parser) -> None:
    from tests.nlp.test_gold import GOLD, _known

    with_doc = Parser(always_doc=True)
    for line in GOLD:
        now = datetime.fromisoformat(line["now"]) if "now" in line else NOW
        fast = parser.parse(line["text"], now, _known(line))
        assert fast == with_doc.parse(line["text"], now, _known(line)), line["text"]


@pytest.mark.parametrize("text", [
    "  前面空格 a  b\t\tc\n\n末尾  ", "今天  去 拜访了 苏州明途有限公司 的 王总  ", "\r\n今天\r\n明天 ",
    "测试\u3000中文 x", "5天后两点半约了杭州明途信息技术有限公司", "Acme 公司 ", " ",
])
def test_the_doc_built_from_one_jieba_pass_equals_the_tokenizer_split_at_the_entities(parser: Parser,
                                                                                     text: str) -> None:
    from bot.nlp.findings import entity_cuts, extract_entities
    from bot.nlp.pipeline import make_doc
    from bot.nlp.text import fold
    from bot.nlp.when import local_now

    findings = Findings(fold(text), local_now(NOW))
    extract_entities(findings)
    built = make_doc(parser.pipelines, True, text, findings)
    reference = parser.pipelines.zh.make_doc(text)
    split_tokens(reference, entity_cuts(findings))
    assert [(t.text, t.whitespace_) for t in built] == [(t.text, t.whitespace_) for t in reference]
    assert built.text == text


def test_the_company_walk_reads_the_same_tokens_from_the_walked_part_as_from_the_whole_text(parser: Parser) -> None:
    from bot.nlp.companies import WEAK_SUFFIX_RE
    from bot.nlp.findings import entity_cuts, extract_entities, needs_tokens
    from bot.nlp.pipeline import walked_part, words_and_spaces
    from bot.nlp.text import read
    from bot.nlp.when import local_now
    from tests.nlp.test_gold import GOLD

    texts = [line["text"] for line in GOLD] + ["苏州明途科技有限公司和杭州宇通重工，明天见何总 再说",
                                               "明途科技的何总说 ABB中国有限公司 好"]
    checked = 0
    for text in texts:
        folded, segmented = read(text)
        findings = Findings(folded, local_now(NOW))
        extract_entities(findings)
        if not (findings.cjk and needs_tokens(findings)):
            continue
        part = walked_part(findings, segmented)
        whole = words_and_spaces(parser.pipelines.segment(segmented), segmented, entity_cuts(findings))
        some = words_and_spaces(parser.pipelines.segment(part), part, entity_cuts(findings))
        assert whole is not None and some is not None
        assert some[2] == [t for t in whole[2] if t[1] <= len(part)], text
        ends = [s for s, _ in findings.suffixes] + [m.start() for m in WEAK_SUFFIX_RE.finditer(folded)]
        assert all(start < len(part) for start in ends), text
        checked += 1
    assert checked >= 50


def test_the_parser_builds_no_doc_yet_reads_like_the_doc_path(parser: Parser) -> None:
    text = "#9 明天拜访杭州明途信息技术有限公司的何总，预算80万"
    with_doc = Parser(always_doc=True).parse(text, NOW)
    assert parser.parse(text, NOW) == with_doc and with_doc.company == "杭州明途信息技术有限公司"
