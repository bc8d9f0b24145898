"""Customer organisations as written: 杭州明途信息技术有限公司, 天津港航物流集团, Initrode Systems Ltd.

Chinese names are found from their legal-form ending (有限公司, 集团, 研究院 ...) by walking left over
the jieba tokens until a verb, particle or time word (拜访了 | 恒瑞 智能 装备 | 有限公司); the walk uses
the document's tokens after they were split at every other entity's boundary.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from bot.nlp.lexicon import EN_NOT_NAMES, EN_PLACES, ZH_GENERIC_CORES, ZH_NAME_STOPS, ZH_PLACES
from bot.nlp.refs import Found
from bot.nlp.text import CJK, rx

# One or more endings; every alternative opens with a literal, so `re` skips fast to where one may begin
# (集团 before a legal form is tried first, as in (?:集团)?(?:股份有限公司|...) | (?:控股)?集团(?:公司)?).
_ZH_SUFFIX = (r"集团(?:股份有限公司|有限责任公司|有限公司)|股份有限公司|有限责任公司|有限公司|控股集团(?:公司)?"
              r"|集团(?:公司)?|分公司|公司|研究院|研究所|设计院|医院|大学|学院|银行|分行|支行|事务所")
ZH_SUFFIX_RE = rx(rf"(?:{_ZH_SUFFIX})(?:{_ZH_SUFFIX})*")
# Industry words that end a company's short form (明途科技, 宇通重工); a name ending in one counts only
# before 的 + a person (明途科技的何总) or when it opens with a place (苏州科达科技).
WEAK_SUFFIX_RE = rx(
    r"科技|技术|软件|电子|网络|信息|智能|数据|数科|医药|药业|制药|实业|控股|物流|电器|机械|装备|材料|能源|环保|传媒|"
    r"证券|保险|地产|置业|汽车|电气|通信|光电|精密|重工|化工|生物|医疗|仪器|半导体|微电子"
)
_PERSON_AFTER = rx(r"的(?:人|老板|采购|领导|负责人|团队|技术|同事)")
CJK_RE = rx(rf"[{CJK}]")
_NAME_TOKEN = rx(rf"[{CJK}A-Za-z0-9&·()\-]+")
_EN_SUFFIX = (
    r"Co\.,?\s?Ltd\.?|CO\.,?\s?LTD\.?|Pte\.?\s?Ltd\.?|Pty\.?\s?Ltd\.?|Ltd\.?|LTD\.?|Limited|LIMITED|Inc\.?|INC\.?"
    r"|Incorporated|Corp\.?|CORP\.?|Corporation|CORPORATION|Co\.|Company|LLP|GROUP"
    r"|LLC|L\.L\.C\.|GmbH|PLC|plc|AG|S\.A\.|Group|Holdings|Technologies|Technology|Tech|Systems|Solutions"
    r"|Software|Labs|Partners|Industries|Bank|University|Hospital|Institute|Capital|Ventures|Networks"
)
_EN_SUFFIX_HINT = rx(_EN_SUFFIX)
# A word of an English company name: capitalised (Acme, AT&T, Müller) or a number glued to letters (3M, 21Vianet).
_EN_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ]|\d+[A-Za-z])[A-Za-zÀ-ÖØ-öø-ÿ0-9&.'-]*"
EN_COMPANY_RE = rx(
    rf"(?<![A-Za-z0-9])(?P<name>(?:{_EN_NAME_WORD}|&)(?:\s(?:{_EN_NAME_WORD}|&|of|and|de))*?)"
    rf",?\s(?P<suffix>{_EN_SUFFIX})(?:(?:,?\s)(?:{_EN_SUFFIX}))*(?![A-Za-z])(?!\sof\s[A-Z])"
)
_ORG_HEADS = {"bank", "university", "institute", "ministry", "department", "college", "school", "academy",
              "council", "chamber", "society", "association", "board", "museum"}
_MAX_CORE = 24
_PLACES = tuple(ZH_PLACES)  # for one str.startswith call
_LEADING_NOT_NAME = EN_NOT_NAMES - EN_PLACES - _ORG_HEADS  # "Met Initrode ..." loses Met, "Shenzhen Robotix ..."
# and "Bank of China Ltd" keep their first word


def suffix_spans(text: str) -> list[tuple[int, int]]:
    """Where Chinese legal-form endings are: the pipeline splits tokens there before `find_zh`."""
    return [(m.start(), m.end()) for m in ZH_SUFFIX_RE.finditer(text)]


def find_zh(text: str, tokens: Sequence[tuple[int, int]], taken: Sequence[tuple[int, int]],
            people: Sequence[int] = (), suffixes: list[tuple[int, int]] | None = None) -> list[Found]:
    """Companies ending in a legal form (or, with conditions, an industry word); `tokens` are (start, end)
    offsets, `taken` spans of other entities, `people` where contacts start, `suffixes` what
    `suffix_spans(text)` returns (computed when not given)."""
    suffixes = suffix_spans(text) if suffixes is None else suffixes
    found = _short_forms(text, tokens, taken, suffixes, people)
    for start, end in suffixes:
        left = _walk_left(text, tokens, taken, start, {e for _, e in suffixes})
        if left is None:
            continue
        core = text[left:start]
        if len(core) < 2 or core in ZH_GENERIC_CORES or core.isdigit():
            continue
        found.append(Found("COMPANY", left, end, text[left:end]))
    return [f for f in found if not any(o is not f and o.start <= f.start and f.end <= o.end for o in found)]


def _short_forms(text: str, tokens: Sequence[tuple[int, int]], taken: Sequence[tuple[int, int]],
                 suffixes: list[tuple[int, int]], people: Sequence[int]) -> list[Found]:
    found = []
    for m in WEAK_SUFFIX_RE.finditer(text):
        start, end = m.start(), m.end()
        if any(a <= end and start < b for a, b in suffixes):
            continue  # 明途科技有限公司: the legal form decides
        before_person = (text.startswith("的", end) and (end + 1 in people or _PERSON_AFTER.match(text, end))
                         ) or end in people  # 明途科技的何总, 明途科技何总
        left = _walk_left(text, tokens, taken, start, set())
        core = text[left:start] if left is not None else ""
        if len(core) < 2 or core in ZH_GENERIC_CORES or WEAK_SUFFIX_RE.fullmatch(core):
            continue  # 数据科技的王总: an industry, not a name
        if before_person or text.startswith(_PLACES, left):
            found.append(Found("COMPANY", start - len(core), end, text[start - len(core) : end]))
    return found


def _walk_left(text: str, tokens: Sequence[tuple[int, int]], taken: Sequence[tuple[int, int]],
               start: int, suffix_ends: set[int]) -> int | None:
    """Leftmost start of the name before a legal form. A place name (深圳, 江苏) opens the name unless
    it follows a group's name (中国移动通信集团|江苏|有限公司) or a Latin brand (ABB|中国|有限公司)."""
    # The walk goes left over adjacent tokens, so the first one that overlaps another entity is the first
    # that starts left of `barrier`, the rightmost end (capped at `start`) of the entities left of `start`.
    barrier = max((b if b < start else start for a, b in taken if a < start and a < b), default=-1)
    left = start
    for index in range(bisect_right(tokens, start, key=_end) - 1, -1, -1):  # tokens (and ends) are in order
        t_start, t_end = tokens[index]
        word = text[t_start:t_end]
        if t_end != left or t_start < barrier or start - t_start > _MAX_CORE or not _NAME_TOKEN.fullmatch(word):
            break
        if (word in ZH_NAME_STOPS or _ends_with_verb(word)) and not _inside_name(text, tokens, index):
            break
        left = t_start
        if _is_place(word) and t_start not in suffix_ends and not _brand_before(text, tokens, index):
            break
    return left if left < start else None


def _brand_before(text: str, tokens: Sequence[tuple[int, int]], index: int) -> bool:
    """The token before `index` is adjacent to it and Latin (ABB|中国)."""
    t_start = tokens[index][0]
    return index > 0 and tokens[index - 1][1] == t_start and text[tokens[index - 1][0] : t_start].isascii()


def _end(token: tuple[int, int]) -> int:
    return token[1]


def _is_place(word: str) -> bool:
    return word in ZH_PLACES or (len(word) >= 3 and word[-1] in "市省县" and not word.isascii())


def _ends_with_verb(word: str) -> bool:
    """jieba glues verbs to their particle: 发给, 交给, 见到, 去了 (a name never ends in these)."""
    return len(word) >= 2 and word[-1] in "给了到过在" and not word.isascii()


_NAME_GLUE = frozenset("和与同及都为")  # function words that also occur inside brand names


def _inside_name(text: str, tokens: Sequence[tuple[int, int]], index: int) -> bool:
    """A function word inside a brand that jieba does not know belongs to the name: after a place that
    opens it (上海|和|辉光电, 苏州|同|元软控) or after a lone character that opens it, itself after a place or a
    function word (江苏|润|和|软件, 给|佳|都|科技)."""
    word = text[tokens[index][0] : tokens[index][1]]
    if word not in _NAME_GLUE or index == 0:
        return False
    prev = text[tokens[index - 1][0] : tokens[index - 1][1]]
    opener = "" if index == 1 else text[tokens[index - 2][0] : tokens[index - 2][1]]
    if prev in ZH_PLACES:
        return index == 1 or opener in ZH_NAME_STOPS
    lone = len(prev) == 1 and CJK_RE.match(prev) is not None and prev not in ZH_NAME_STOPS
    return lone and (index == 1 or opener in ZH_NAME_STOPS or opener in ZH_PLACES)


def find_en(text: str) -> list[Found]:
    found: list[Found] = []
    if _EN_SUFFIX_HINT.search(text) is None:
        return found
    for m in EN_COMPANY_RE.finditer(text):
        words = m.group("name").split(" ")
        words = _after_last_of(words)
        while words and words[0].lower().rstrip(".,'") in _LEADING_NOT_NAME:
            words.pop(0)
        if not words or all(w in ("&", "of", "and", "de") for w in words):
            continue
        name = " ".join(words)
        start = m.start("name") + m.group("name").rfind(name)
        end = m.end()
        found.append(Found("COMPANY", start, end, text[start:end]))
    return found


def _after_last_of(words: list[str]) -> list[str]:
    """'Bob Smith of Acme Corp' -> Acme Corp; 'Bank of China Ltd' keeps its 'of'."""
    for index in range(len(words) - 1, 0, -1):
        if words[index] == "of" and words[index - 1].lower() not in _ORG_HEADS:
            return words[index + 1 :]
    return words


# A quoted name is a company where a person of it or a visit says so: 拜访了“明途信息”, 「恒瑞智能」的周总,
# visited "Zenith" (a quoted project or product name has neither).
_QUOTED = rx(
    r"(?P<before>拜访了?|拜会了?|走访了?|见了|去了|约了|联系了?|对接了?|来自|客户|线索|(?i:visited|met|met\swith|called|"
    r"customer|client|prospect|lead|from|at)\s?)?[:：]?\s?[\"“「『](?P<name>[^\"”」』\s，,。；;]{2,30})[\"”」』]"
    r"(?P<after>的|\s?(?:那边|方面|公司))?")
QUOTE_CHARS = "\"“「『"


def find_quoted(text: str, taken: Sequence[Found]) -> list[Found]:
    """Quoted company names (see _QUOTED) that no other company rule found."""
    found = []
    for m in _QUOTED.finditer(text):
        start, end = m.start("name"), m.end("name")
        if (m.group("before") or m.group("after")) and not any(f.start < end and start < f.end for f in taken):
            found.append(Found("COMPANY", start, end, m.group("name")))
    return found
