"""Contacts: 何总, 宋经理, 马工, 王小明经理, 联系人王明; Mark Chen, Mr. Zhang, Alice Wong."""

from __future__ import annotations

import re

from bot.nlp.refs import Found
from bot.nlp.text import CJK, rx

# Surnames that are also common words (周 week, 钱 money, 高 high, 全 all ...) only count after a
# character that usually comes before a person (的, 和, 给, 约 ...), or at the start.
_AMBIGUOUS = ("周方钱于高马全单时成向解应明路常车商师沙万费项管连简景党宫米安华文关包宁尚符和金石白毛江龙雷"
              "古印宿牧巴封惠秋班居步衡东容习鱼")
_PLAIN = (
    "王李张刘陈杨黄赵吴徐孙朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范贾夏韦付邹孟熊秦邱尹薛闫段侯史陶黎贺顾郝龚邵严覃武戴莫孔汤温康施牛樊葛邢齐易乔伍"
    "庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍喻祁"
    "蒲房滕屈饶牟艾尤阳穆农卓古吉缪项芦麦褚娄窦戚岑卜冷晏席卫柏宗瞿桂佟臧闵苟邬边卞姬仇栾隋刁荣巫"
    "寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝郁伏茅强危裘宣贲嵇滑荀羿储汲邴糜宓郗仰伊暴钭厉戎祖束幸韶郜蓟蔺屠胥苍莘"
    "逄扶堵宰郦雍璩濮寿扈燕冀郏晁訾阚毋乜鞠巢蒯荆竺逯桓阎赖邰鄂索咸庾暨匡阙殳夔厍勾融帅揭冼练粟谌"
)
_COMPOUND = "欧阳|司马|上官|诸葛|东方|皇甫|令狐|慕容|尉迟|公孙|夏侯|端木|轩辕|长孙|宇文|司徒|西门"
_NOT_AFTER = {"方": "对双甲乙买卖各", "周": "本这上下每该一两几半隔", "钱": "价付花赚省", "于": "关由对在属至基鉴等",
              "高": "提最较很更太升偏", "马": "立", "金": "资现黄"}
_BEFORE_PERSON = set("的和跟与同给找约见访了是及请问对让叫系人位户部司厂总")
_TITLES = (
    "副总经理|总经理|副总裁|总裁|總經理|經理|總監|副总监|总监|总工|董事长|董事|副总|老总|老板|经理|主任|工程师|老师|处长|科长|"
    "局长|部长|厅长|院长|校长|主管|秘书长|秘书|书记|主席|博士|教授|律师|医生|会计|助理|协理|協理|顾问|先生|女士|小姐|"
    "师傅|站长|所长|行长|社长|厂长|馆长|组长|队长|镇长|县长|市长|区长|主编|总编|台长|司长|专员|总助"
)
_SHORT_TITLES = r"總(?!結|共|計|額)|" \
                r"总(?!结|共|计|额|体|数|量|部|价|包|之|而|算|归|线|账|表(?!示|态)|值|经|监|裁|工|助|编)" \
                r"|工(?!作|资|程|厂|人|期|艺|具|业|地|会|序|单|时|号|位|种|商|科|行|信)|董(?!事)|姐|哥"
_NOT_GIVEN = "的了和与跟在是给把被对向从到说见约及或等为"
_ZH_CONTACT = rx(
    rf"(?P<sn>{_COMPOUND}|[{_PLAIN}{_AMBIGUOUS}])"
    rf"(?:(?P<given>(?:(?![{_NOT_GIVEN}])[{CJK}]){{1,2}}?)(?P<formal>{_TITLES})|(?P<title>{_TITLES}|{_SHORT_TITLES}))"
)
_RARE_SURNAME = rx(
    rf"[的和跟与同给找约见访了问请让叫](?P<sn>[{CJK}])"
    r"(?P<title>总(?![结共计额体数量部价包之而算归线账表值经监裁工助编])|经理|主任|总监|处长|科长|局长|部长|院长|"
    r"老师|工程师|主管|秘书|书记|董事长|行长|厂长|所长)"
)
_NOT_SURNAME = set("总副大小老新各该这那其每原前现两三几一些位个家们部司的客户项目产品销售采购财务技术市场"
                   "运营行政人事商工程设计质量安全对双甲乙买卖他她它我你您谁某本贵")
_ROLE_WORDS = {
    "项目", "产品", "客户", "销售", "采购", "部门", "财务", "技术", "市场", "运营", "行政", "人事", "商务",
    "工程", "设计", "质量", "安全", "区域", "大区", "渠道", "售前", "售后", "研发", "信息", "生产", "办公室",
    "车间", "计划", "物流", "仓库", "法务", "品牌", "客服", "业务", "营销", "分公司", "公司", "对方", "这位",
    "那位", "一位", "总", "副", "副总", "常务", "执行", "首席", "高级", "资深", "大客户", "关键",
}
_NAMED_BY = rx(
    rf"(?:联系人|对接人|负责人|决策人|关键人|联络人|contact)\s?(?:是|为|:)?\s?"
    rf"(?P<name>(?:{_COMPOUND}|[{_PLAIN}{_AMBIGUOUS}])[{CJK}]{{1,2}}?)"
    r"(?=[\s,.;:()\d]|电话|手机|邮箱|微信|座机|的|是|负责|$)"
)
# 黄子涵（信息中心主任）: a full name with its title in brackets after it.
_NAME_PAREN = rx(
    rf"(?P<name>(?:{_COMPOUND}|[{_PLAIN}{_AMBIGUOUS}])[{CJK}]{{1,2}}?)\s?[（(][^）)]{{0,12}}?(?:{_TITLES})[）)]"
)
# Our own people, not the customer's: 带上王工, 带我们的李工, 我司张工, 同事刘经理.
_OURS = rx(r"(?:带上|带着|带领|我们的?|我司的?|我方的?|咱们的?|本公司的?|同事)\s?$")
_NOT_GIVEN_CHARS = frozenset("我你他她们咱")
# No leading \\b or optional group: `re` then scans for a capital letter fast; the left word boundary
# is checked in Python.
_EN_NAME = rx(
    r"(?P<first>[A-Z][a-zà-öø-ÿ]+(?:-[A-Z][a-zà-öø-ÿ]+)?|[A-Z]\.)(?:\s(?P<mid>[A-Z]\.|[A-Z][a-zà-öø-ÿ]+))?"
    r"\s(?P<last>(?:Mc|Mac|O')?[A-Z][a-zà-öø-ÿ]+(?:-[A-Za-z][a-zà-öø-ÿ]+)?)(?![A-Za-zà-öø-ÿ])"
    r"(?!\s?(?:Ltd|Inc|Corp|LLC|Co\b|Group|Limited|Company))"
)
_EN_WORD = r"(?:Mc|Mac|O'|D')?[A-Z][a-zà-öø-ÿ]+(?:-[A-Za-z][a-zà-öø-ÿ]+)?"
# After a title any capitalised word is a name ("Mr He", "Dr Will"), unless it is a day or a time word.
_HONORIFIC = rx(rf"(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s(?P<single>{_EN_WORD})(?:\s(?P<last>{_EN_WORD})\b)?")
TITLED = rx(r"(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s")
_NOT_AFTER_TITLE = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday tonight next this last".split())


# Kevin说budget大概50万: a Latin first name that a Chinese verb of saying follows.
_BEFORE_ZH_VERB = rx(
    r"(?P<name>[A-Z][a-z]{2,})(?=\s?(?:说|讲|表示|反馈|提到|回复|告诉|觉得|认为|那边|的(?:邮箱|电话|手机|微信)))"
)
_AFTER_VERB = rx(
    r"(?i:\b(?:call|called|email|emailed|ping|pinged|meet|met|text|message|ask|asked|tell|told|contact|"
    r"see|saw|visit|visited|remind|chase|follow\sup\swith)\s)(?P<name>[A-Z][a-z]{2,})\b(?!\s[A-Z])"
)


def _word_start(text: str, index: int) -> bool:
    return index == 0 or not (text[index - 1].isascii() and text[index - 1].isalnum())


def _zh_ok(m: re.Match[str], text: str) -> bool:
    start = m.start()
    if start > 0 and text[start - 1] in _NOT_AFTER.get(m.group("sn"), ""):
        return False
    if m.group("sn") in _AMBIGUOUS and start > 0:
        before = text[start - 1]
        if "\u4e00" <= before <= "\u9fff" and before not in _BEFORE_PERSON:
            return False
    given = m.group("given")
    if given is None:
        return True
    if any(ch in _NOT_GIVEN_CHARS for ch in given):
        return False  # 和我们老板: not a person named 和我们
    if given in _ROLE_WORDS or m.group("sn") + given in _ROLE_WORDS:
        return re.fullmatch(_TITLES, given + m.group("formal")) is not None  # 张 + 总经理
    return True


def find_contacts_zh(text: str) -> list[Found]:
    found: list[Found] = []
    pos = 0
    while (m := _ZH_CONTACT.search(text, pos)) is not None:
        if _zh_ok(m, text):
            found.append(Found("CONTACT", m.start(), m.end(), m.group(0)))
            pos = m.end()
        else:
            pos = m.start() + 1  # 司的林经理 rejected: 林经理 may still start inside it
    for m in _RARE_SURNAME.finditer(text):
        start = m.start("sn")
        if m.group("sn") not in _NOT_SURNAME and not any(f.start <= start < f.end for f in found):
            found.append(Found("CONTACT", start, m.end(), text[start : m.end()]))
    if "（" in text or "(" in text:
        _add_named(found, _NAME_PAREN, text)
    if "人" in text or "contact" in text:
        _add_named(found, _NAMED_BY, text)
    return _not_ours(found, text)


def _not_ours(found: list[Found], text: str) -> list[Found]:
    """Drop our own people: 带上王工, 我司张工, and whoever is listed with them (带上李工和王工)."""
    kept: list[Found] = []
    ours_end = -1
    for f in sorted(found, key=lambda f: f.start):
        if _OURS.search(text, max(0, f.start - 4), f.start) is not None or (
                ours_end >= 0 and text[ours_end : f.start].strip() in ("和", "、", "与", "跟", "及", ",")):
            ours_end = f.end
        else:
            kept.append(f)
            ours_end = -1
    return kept


def _add_named(found: list[Found], pattern: re.Pattern[str], text: str) -> None:
    for m in pattern.finditer(text):
        if not any(f.start <= m.start("name") < f.end for f in found):
            found.append(Found("CONTACT", m.start("name"), m.end("name"), m.group("name")))


def find_contacts_en(text: str, not_names: frozenset[str]) -> list[Found]:
    """Capitalised personal names; words in `not_names` (weekdays, verbs, company words) rule a match out."""
    found = []
    for m in _HONORIFIC.finditer(text):
        if not _word_start(text, m.start()) or m.group("single").lower() in _NOT_AFTER_TITLE:
            continue
        end = m.end() if m.group("last") and m.group("last").lower() not in not_names else m.end("single")
        found.append(Found("CONTACT", m.start(), end, text[m.start() : end]))
    for m in _EN_NAME.finditer(text):
        if not _word_start(text, m.start()) or any(f.start <= m.start() < f.end for f in found):
            continue
        words = [w for w in (m.group("first"), m.group("mid"), m.group("last")) if w]
        if any(w.lower().rstrip(".") in not_names for w in words):
            trimmed = _trim_leading(text, m, not_names)
            if trimmed is not None:
                found.append(trimmed)
            continue
        found.append(Found("CONTACT", m.start(), m.end(), m.group(0)))
    return found


def find_first_names(text: str, not_names: frozenset[str], taken: list[Found]) -> list[Found]:
    """A lone first name after a verb: call Jack, meet Lisa (only where no full name was found)."""
    found: list[Found] = []
    for pattern in (_AFTER_VERB, _BEFORE_ZH_VERB):
        for m in pattern.finditer(text):
            start = m.start("name")
            if m.group("name").lower() in not_names or not _word_start(text, start):
                continue
            if not any(f.start <= start < f.end for f in (*taken, *found)):
                found.append(Found("CONTACT", start, m.end("name"), m.group("name")))
    return found


def _trim_leading(text: str, m: re.Match[str], not_names: frozenset[str]) -> Found | None:
    """'Met Alice Wong' matched as three words: keep the last two when only the first is a stop word."""
    if not m.group("mid") or m.group("mid").endswith("."):
        return None
    if m.group("first").lower() not in not_names:
        return None
    if m.group("mid").lower() in not_names or m.group("last").lower() in not_names:
        return None
    start = m.start("mid")
    return Found("CONTACT", start, m.end(), text[start : m.end()])
