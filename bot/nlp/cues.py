"""Words that signal an intent or a stage, in Chinese and in English.

Each cue keeps its Chinese words in a plain alternation apart from its English words. Plain
alternations of literals are what `re` scans fast, so the English half is matched on lower-cased
text without IGNORECASE or a leading \\b (the word boundary on the left is checked afterwards), and
only for text that has Latin letters at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.nlp.text import has_cjk, rx

_LATIN = re.compile(r"[A-Za-z]")
_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
_LEADING_B = re.compile(r"(^|\||\(\?:)\\b")


def has_latin(text: str) -> bool:
    return _LATIN.search(text) is not None


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and this is hot
class Probe:
    """A message prepared once for every cue: the text, and its lower-cased form if it has Latin letters."""

    text: str
    lower: str | None
    cjk: bool = True

    @classmethod
    def of(cls, text: str) -> Probe:
        cjk = has_cjk(text)
        if not has_latin(text):
            return cls(text, None, cjk)
        lower = text.lower()
        return cls(text, lower if len(lower) == len(text) else text.translate(_ASCII_LOWER), cjk)


def word_start(lower: str, index: int) -> bool:
    return index == 0 or not (lower[index - 1].isascii() and lower[index - 1].isalnum())


@dataclass(frozen=True, slots=True)
class Cue:
    zh: re.Pattern[str] | None
    en: re.Pattern[str] | None

    @classmethod
    def of(cls, zh: str = "", en: str = "") -> Cue:
        return cls(rx(zh) if zh else None, rx(_LEADING_B.sub(r"\1", en)) if en else None)

    def finditer(self, probe: Probe) -> Iterator[re.Match[str]]:
        if self.zh is not None and probe.cjk:
            yield from self.zh.finditer(probe.text)
        if probe.lower is not None and self.en is not None:
            lower = probe.lower
            yield from (m for m in self.en.finditer(lower) if word_start(lower, m.start()))

    def search(self, probe: Probe) -> re.Match[str] | None:
        if self.zh is not None and probe.cjk and (found := self.zh.search(probe.text)) is not None:
            return found
        lower = probe.lower
        if lower is None or self.en is None:
            return None
        pos = 0
        while (found := self.en.search(lower, pos)) is not None:
            if word_start(lower, found.start()):
                return found
            pos = found.start() + 1
        return None


NOT_OR_LATER = rx(
    r"(?:没有?|未能?|不|尚未|还没|别|准备|计划|预计|将要?|要|待|争取|等|希望|有望|可能|怕|担心|风险|避免|防止|以免|"
    r"如果|若|是否|能否|下周|明天|月底|(?i:\bnot|n't|\bno\b|\bwill|\bwould|\bplan(?:ning)?\sto|\bgoing\sto|"
    r"\bexpect(?:ed|ing)?\sto|\babout\sto|\bif|\brisk|\bmight|\bmay|\bcould|\bhope|\bnext\sweek|\bto\sbe))"
    r"[^,.;!?]{0,3}$")
HELP = rx(
    r"^\s*[/!]?(?:help(?:\sme|\splease)?|帮助|帮助一下|菜单|命令|指令|usage|commands?|menu|怎么用|如何使用|使用说明|说明|\?+|你能做什么|"
    r"你会什么|能做什么|what\scan\syou\sdo|how\sdo\si\suse(?:\sthis|\syou)?)\s*[!?.。]*\s*$", re.IGNORECASE)
QUERY_START = rx(
    r"\s*(?:#\d+\s*)?(?:查一?下|查询|查看|看看|看一下|看下|列出|列一下|显示|统计|汇总|我的(?:商机|客户|待办|任务|线索)|"
    r"(?i:show|list|what|what's|whats|which|how\smany|how\smuch|how's|how\sis|how\sare|any|status|where|find|search)\b)")
QUERY = Cue.of(
    "有哪些|哪些|多少|几个|几单|怎么样\\s*\\??\\s*$|如何\\s*\\??\\s*$|进展如何|进展怎么样|进度如何|进度怎么样|什么情况|怎么样了|情况如何|如何了|到哪一步|什么进展",
    r"\b(?:status|progress)\b\s*\??\s*$")
QUERY_TOPIC = Cue.of(
    "待办|商机|进展|进度|情况|客户|回款|收款|尾款|余款|款项|首付|首期款|发票|开票|报价|业绩|任务|提醒|会议|日程|线索|漏斗|合同|状态|单子",
    r"deals?|pipeline|invoices?|tasks?|to-?dos?|\bdue\b|status|payments?|quotes?|customers?|leads?|progress|update|meetings?")
REPORTED_QUESTION = Cue.of("客户问|对方问|他问|她问|问我|问了|问能|咨询", r"\basked\b|\bwants to know\b")
REMINDER = Cue.of(
    "提醒我|提醒下|提醒一下|帮我提醒|请提醒|设个提醒|设提醒|设置提醒|记得提醒|别忘了|不要忘了|别忘记|记得|闹钟|^提醒\\s?:",
    r"remind\sme|reminder|set\sa\sreminder|don'?t\sforget|ping\sme")
WON = Cue.of(
    "赢单(?!概率|率|的?可能)|赢了|签约(?!概率|的?可能)|签单|签了(?!保密|NDA|意向|别家|别人|竞品|友商|对手|其他)|签下|签合同了|"
    "合同签了|已签|成交(?!价|额|率|概率|的?可能)|拿下|中标|下单了",
    r"closed[-\s]won|\bwon\b|\bsigned\b(?!\s(?:the\s|an\s|a\s)?(?:nda|msa|non-disclosure))|deal\sclosed|"
    r"closed\sthe\sdeal|\bpo\sreceived\b")
LOST = Cue.of(
    "输单|输了|丢单|丢了|跟丢|流失|黄了|没戏|签约失败|投标失败|竞标失败|谈判失败|合作失败|放弃|不做了|不采购了|取消采购|"
    "项目取消|项目终止|终止合作|落标|没中标|未中标|没有中标|(?:我们|我司|我方|咱们)(?:没有?|未|并没有?)(?:中|拿下|选上)|废标|飞单|选了竞品|选了别家|选了竞争对手|被竞品|被对手|被别家|被竞争对手|"
    "(?:选了|选择了|选用了|用了|签了|签给了|给了|找了|转向|改用了?|换成了?)(?:竞品|别家|别人|友商|竞争对手|对手|其他家|其他厂商)|输给",
    r"closed[-\s]lost|\blost\b|\bdead\b|went\swith\s(?:a|the|another)\s(?:competitor|vendor)|"
    r"chose\s(?:a|the|another)\s(?:competitor|vendor)|no\slonger\sinterested|dropped\sout|"
    r"(?:went|go|gone|going|signed)\swith\s(?:a\s|the\s|another\s)?(?:[a-z]+(?:er|est)?\s)?"
    r"(?:competitor|rival|vendor|supplier|provider)s?\b")
STAGE_WORDS = (
    ("negotiation", "商务谈判|价格谈判|商务洽谈|谈判|议价|洽谈", "negotiation|negotiating"),
    ("proposal", "方案提案|方案阶段|提案|方案|报价阶段", "proposal"),
    ("initial_contact", "初步接触|初步沟通|初次接触|初步", r"initial\scontact|initial|discovery|qualification"),
    ("won", "赢单|成交", r"won|closed[-\s]won"),
    ("lost", "输单|丢单", r"lost|closed[-\s]lost"),
)
STAGE_HINT = Cue.of("谈判|议价|洽谈|方案|提案|初步|初次|赢单|成交|输单|丢单",
                    "negotiat|proposal|initial|discovery|qualification|won|lost")
_MOVE_ZH = ("推进到|推进至|推进|进入|进到|开始|启动|转入|转到|转为|改为|改成|更新为|调整为|变更为|变为|已到|到了|"
            "升级到|升到|阶段\\s?:?|->|→|=>")
_MOVE_EN = (r"moved?\s(?:it\s)?(?:in)?to|(?:start(?:ed|ing)?|beg[ai]n|enter(?:ed|ing)?)\s(?:the\s)?|"
            r"advanc(?:e|ed)\s(?:it\s)?to|progress(?:ed)?\sto|now\sin|now\sat|stage\s?:?|update\sstage\sto|->|=>")


def _stage_cue(zh: str, en: str) -> Cue:
    return Cue.of(rf"(?:{_MOVE_ZH})\s?(?:了\s?)?(?:{zh}|(?i:{en}))|(?:{zh}|(?i:{en}))\s?阶段",
                  rf"(?:{_MOVE_EN})\s?(?:{en})s?\b|\b(?:{en})s?\s(?:stage|phase|started|begins|began|kicked\soff)\b")


STAGE_MOVES = tuple((stage, _stage_cue(zh, en)) for stage, zh, en in STAGE_WORDS)
BARE_STAGE = tuple(
    (stage, rx(rf"\s*#\d+\s*(?:{zh}|(?i:{en}))\s*$")) for stage, zh, en in STAGE_WORDS)
PAYMENT = Cue.of(
    "回款|收款|收到.{0,6}款|款.{0,4}到账|到账|到帐|入账|入帐|已付|付了|打款|汇款|首付|尾款|预付|定金|订金|进度款|验收款|质保金|结清",
    r"\bpaid\b|\bpayment\b|\breceived\b|\bdeposit\b|\bwire[ds]?\b|remittance|invoice\s(?:was\s)?paid|transferred")
PAYMENT_DONE = Cue.of("到账|到帐|入账|入帐|已付|付了|结清|回款了|收到",
                      r"\bpaid\b|payment\s(?:was\s|has\sbeen\s)?received")
QUOTE = Cue.of("报价|报了价|报了|报个价|出价|总价|单价|优惠到|降到|降价|改价|价格",
               r"\bquot(?:e|ed|ation)\b|\bpric(?:e|ed|ing)\b|\boffer(?:ed)?\b")
NEW_LEAD = Cue.of(
    "新线索|新客户|新商机|新项目|线索\\s?:|潜在客户|新认识|初次拜访|首次拜访|第一次拜访|第一次见|初次接触|首次接触|刚认识|"
    "新增客户|录入客户",
    r"new\s(?:lead|customer|prospect|opportunity|account|client)|\blead\s?:|\bprospect\s?:|\blead\sadd\b|"
    r"\badd\s(?:a\s)?(?:new\s)?lead\b|"
    r"first\s(?:meeting|call|visit)|intro(?:ductory)?\scall|introduced\sto|"
    r"\b(?:project|rfp|rfq|tender)\sfor\s")  # "Windows 11 upgrade project for Acme Corp": a new opportunity
FOLLOW_UP = Cue.of(
    "拜访|拜会|见了|见面|碰面|开会|会议|沟通|电话|通话|聊|约|跟进|回访|交流|演示|汇报|发了|发送|提交|上门|参观|考察|吃饭|"
    "饭局|讨论|对接|确认|回复|答复|反馈|见|访|去|过去|联系|培训|调研|测试|试用|招标|投标|述标|评审|跟踪|催|安排|"
    "落实|推进|出方案|写方案|改方案|出报价|做报价|准备报价|送样|寄样|复盘",
    r"\bmet\b|meeting|visit|\bcall|spoke|talked|follow[-\s]?up|discussed|\bdemo|lunch|dinner|coffee|emailed|"
    r"\bsent\b|present|check\sin|touch\sbase|catch\sup|\bsync|kick-?off|workshop|training|review|onsite|"
    r"\bpoc\b|pilot|trial|\brfp\b|tender|\bbid\b|\bping\b|reach\sout|reached\sout|\bmeet\b|\bsee\b")
# News about a person (刘工的邮箱是…, 黄主任说…, Ms Lin's email changed): a note on the deal.
CONTACT_NEWS = Cue.of(
    "邮箱|电话|手机|微信|座机|名片|联系方式|说|表示|提到|告诉|认为|觉得|透露",
    r"e-?mail|phone|mobile|cell|wechat|whatsapp|linkedin|\bsaid\b|\bsays\b|\btold\b|\bmentioned\b")
REACH = rx(r"[\w.+-]@[\w-]+\.[A-Za-z]|(?<!\d)1\d{2}[\s-]?\d{4}[\s-]?\d{4}(?!\d)")  # an e-mail or a mobile number
BUDGET_WORDS = rx(r"预算|投资|(?i:budget)")
QUOTE_WORDS = rx(r"报|价|(?i:quot|pric|offer)")
PAYMENT_WORDS = rx(r"款|付|账|(?i:paid|pay|deposit|invoice|received)")
