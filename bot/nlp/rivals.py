"""Two readings that need more than a cue word: a customer who chose another vendor (客户选了华为,
went with Siemens: the deal is lost to a competitor), and a quote that is only planned
(下周一之前出报价, quote due Friday: a next step with a deadline, not a quote given)."""

from __future__ import annotations

import re

from bot.nlp.cues import Probe
from bot.nlp.text import rx

# 客户选了华为 / 对方最后选择了海康的方案 / 甲方签了西门子: a subject, a past choice, then who was chosen.
_CHOSE_ZH = rx(
    r"(?:客户|对方|甲方|业主|他们|用户|最终|最后|结果)(?:最终|最后|还是|已经|已)?"
    r"(?:选了|选择了|选定了|选用了|采用了|签了|定了|找了|转投了?|改用了|换成了|决定(?:用|选|采用|选用|选择|签)了?)"
    r"(?P<who>[^，,。.;；!！?？\s]{2,16})")
# 项目给了东软 / 单子最后被金蝶抢走了 / 华为中标了: the deal went to someone else.
_WENT_TO_ZH = rx(
    r"(?:项目|单子|订单|标|这单|这个单)(?:最终|最后|还是)?给了(?P<who>[^，,。.;；!！?？\s]{2,12})|"
    r"被(?P<by>[^，,。.;；!！?？\s被]{2,10}?)(?:抢走|拿走|截胡|抢了|撬走|拿下|抢去|夺走)|"
    r"中标(?:的|方|单位|厂商|者)?(?:是|为)(?P<winner>[^，,。.;；!！?？\s]{2,16})|"
    r"(?:^|(?<=[，,。.;；!！?？\s]))(?:听说|据说|得知|获悉|结果|最后|最终|这次|这回|本次)?"
    r"(?P<bidder>[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]{1,11}?)(?:最终|最后|已经|已|还是)?(?:中标|中了标)")
# 华为中标了 names the winner; 我们中标了 / 明途项目中标了 / 客户通知我们中标了 are our own win.
_OURS = re.compile(r"[我咱你您]|(?:项目|标段|单子|这单|方案|客户|甲方|业主|对方|他们|通知|告诉|确认|宣布|公布)")
_CHOSE_EN = rx(
    r"(?i:\b(?:went|gone|going|decided\sto\sgo)\swith|\b(?:chose|picked|selected|preferred)|\bsigned\swith|"
    r"\bawarded\s(?:(?:it|the\s(?:deal|contract|project|bid|tender))\s)?to|\bswitched\sto)"
    r"\s(?P<who>[A-Z][\w&.'-]*(?:\s(?:[A-Z][\w&.'-]*|&))*)")
# What a customer may choose that is not a vendor: our offer, a variant, a time, a contract.
_NOT_RIVAL_ZH = re.compile(
    r"^(?:[我咱你您贵本这那哪下上明今后每第一二两三四五六七八九十几\d周星礼月年早晚]|中午|方案|版本|型号|配置|套餐|模块|功能|时间|日期|地点|"
    r"产品|服务|部署|标准|高配|低配|基础|旗舰|私有|公有|云|合同|协议|单|字|约|意向|保密|框架|供应商|厂商|竞品|别家|对手|"
    r"友商|[A-Za-z]{1,2}(?:方案|版|套餐|$))|(?:方案|版|版本|套餐|配置|型号|模块|功能|合同|协议|时间|日期)$|"
    r"开会|见面|沟通|再做|再说|再议|再谈|签约|付款|上线|验收")
_NOT_RIVAL_EN = frozenset(
    "us our we option plan version package tier the a an it this that them proposal contract offer next i "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun today tomorrow "
    "january february march april may june july august september october november december jan feb mar apr jun "
    "jul aug sep sept oct nov dec q1 q2 q3 q4 phase stage pro standard premium basic enterprise cloud".split())
_LATER = rx(
    r"(?:没有?|未|不|还没|尚未|准备|计划|打算|可能|也许|或许|倾向于?|如果|要是|担心|怕|(?i:\bnot|n't|\bmight|\bmay|"
    r"\bcould|\bwill|\bwould|\bif|\bconsider(?:ing)?|\bleaning|\bplan(?:ning)?\sto))[^,.;!?，。；！？]{0,6}$")
# 下周一之前出报价 / 周五前把报价发给客户 / 三天内报价; quote due Monday / the quote by Friday.
_DUE_BEFORE_ZH = rx(
    r"(?:[一二三四五六七日天末底初号]\s?(?:之前|以前|前|内)|(?:需要|要(?!的)|得(?!到)|尽快|准备|计划|打算|争取)\s?)"
    r"[^,，。;；!！?？\d万的]{0,6}$")
_DUE_AFTER_ZH = rx(r"[^,，。;；!！?？万元块kKwW$¥]{0,10}?[一二三四五六七日天末底初号](?:之前|以前|前|内)")
_WILL_EN = rx(r"(?i:\b(?:need|needs|have|has|going|plan|planning|promised|want|wants|asked\sus)\sto|\bwill|'ll|"
              r"\bmust|\bshould)\b[^,.;!?]{0,24}$")
_DATE_WORD = (r"(?:mon|tue|wed|thu|fri|sat|sun|next|this|tomorrow|tonight|today|end|eod|eow|eom|noon|the\s\d|\d|"
              r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
_DUE_AFTER_EN = rx(rf"(?i:[^,.;!?]{{0,24}}?\b(?:due|by|before|no\slater\sthan)\s(?:the\s)?{_DATE_WORD})")


_WE = rx(r"(?i:\b(?:we|i|we've|i've|we\shave|i\shave)\s(?:finally\s|also\s|then\s)?)$")
_EN_HINT_WORDS = r"went|gone|going|go\swith|chose|picked|selected|preferred|signed\swith|awarded|switched"
_EN_HINT = rx(_EN_HINT_WORDS, re.IGNORECASE)
_ZH_HINT = rx(r"选|签|定了|决定|采用|找了|转投|改用|换成|给了|被|中标|中了标")


# _EN_HINT without IGNORECASE (slow in `re`), for ASCII-lower-cased text
_EN_HINT_LOWER = rx(_EN_HINT_WORDS)
_KELVIN = "\u212a"  # the one character whose str.lower() is an ASCII letter (k) of the same length


def _en_hinted(text: str, probe: Probe | None) -> bool:
    """`_EN_HINT.search(text) is not None`, on the probe's lower-cased text when it is the same text."""
    if probe is None or probe.text != text or _KELVIN in text:
        return _EN_HINT.search(text) is not None
    return probe.lower is not None and _EN_HINT_LOWER.search(probe.lower) is not None  # None: no Latin letter


def rival_chosen(text: str, probe: Probe | None = None) -> str | None:
    """The vendor the customer chose instead of us, as written ("华为", "Siemens"), else None
    (`probe`: `Probe.of(text)` if already made)."""
    if _ZH_HINT.search(text) is not None:
        return _rival_zh(text, probe)
    return _rival_en(text) if _en_hinted(text, probe) else None


def _rival_zh(text: str, probe: Probe | None) -> str | None:
    for m in _CHOSE_ZH.finditer(text):
        who = m.group("who").split("的")[0]
        if len(who) >= 2 and not _NOT_RIVAL_ZH.search(who) and not _LATER.search(text, 0, m.start()):
            return who
    for m in _WENT_TO_ZH.finditer(text):
        if (bidder := m.group("bidder")) is not None and _OURS.search(bidder):
            continue
        who = (m.group("who") or m.group("by") or m.group("winner") or bidder or "").split("的")[0]
        if len(who) >= 2 and not _NOT_RIVAL_ZH.search(who) and not _LATER.search(text, 0, m.start()):
            return who
    return _rival_en(text) if _en_hinted(text, probe) else None


def _rival_en(text: str) -> str | None:
    for m in _CHOSE_EN.finditer(text):
        words = m.group("who").split()
        before = text[max(0, m.start() - 20) : m.start()]
        if words[0].lower() not in _NOT_RIVAL_EN and not _LATER.search(before) and not _WE.search(before):
            return " ".join(words).rstrip(".,'")
    return None


def quote_planned(text: str, start: int, end: int) -> bool:
    """The quote word at text[start:end] is a next step with a deadline or an intention, not a quote given."""
    before = text[max(0, start - 30) : start]
    if _DUE_BEFORE_ZH.search(before[-10:]) is not None or _DUE_AFTER_ZH.match(text, end) is not None:
        return True
    return text[start:end].isascii() and (
        _WILL_EN.search(before) is not None or _DUE_AFTER_EN.match(text, end) is not None)
