"""Customers (organisations) and their contacts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple


class Lifecycle(StrEnum):
    PROSPECT = "prospect"  # 潜在客户
    ACTIVE = "active"  # 商机推进中
    CUSTOMER = "customer"  # 已成交
    CHURNED = "churned"  # 流失


@dataclass(slots=True)
class Customer:
    name: str
    short_name: str = ""
    industry: str = ""
    region: str = ""
    tags: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    lifecycle: Lifecycle = Lifecycle.PROSPECT
    phone: str = ""
    email: str = ""
    domain: str = ""  # mail domain, e.g. mingtu.com
    owner_id: int | None = None
    created_at: datetime | None = None
    id: int | None = None
    # The lead pool (公海, domain.pool): no owner = in the pool of team `pool_team_id` (None: company-wide);
    # `claimed_at`: when its owner took it (None: it was theirs from the start, see created_at);
    # `protected`: never reclaimed (a key account marked by a manager).
    claimed_at: datetime | None = None
    protected: bool = False
    pool_team_id: int | None = None
    address: str = ""  # 客户地址 (issue #14 check-in): where visits are compared with
    latitude: float | None = None
    longitude: float | None = None


class CustomerNames(NamedTuple):
    """What name matching needs of a customer, read in bulk without the rest of the row."""

    id: int
    name: str
    short_name: str
    aliases: tuple[str, ...]


@dataclass(slots=True)
class Contact:
    customer_id: int
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    bouncing: bool = False
    id: int | None = None
    email_unverified: bool = False  # the address came from a mail nobody vouched for: never mailed to


_COMPANY_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团", "公司",
    "co., ltd.", "co.,ltd.", "co. ltd", "co ltd", "ltd.", "ltd", "inc.", "inc", "llc", "corp.", "corp",
    "limited", "corporation", "gmbh",
)


def normalize_name(name: str) -> str:
    """Key for duplicate detection: NFKC, case-folded, no spaces/punctuation, no legal-form suffix."""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    for suffix in _COMPANY_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    return re.sub(r"[\W_]+", "", text)


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


_INDUSTRY_WORDS = tuple("""
    信息技术 信息科技 网络科技 智能科技 智能装备 电子科技 软件技术 数字科技 科技 技术
    信息 软件 电子 网络 数据 数科 智能 工程 实业 贸易 咨询 系统 装备 制造
""".split())


def derive_short_name(name: str) -> str:
    """杭州明途信息技术有限公司 → 明途; Initrode Systems Ltd → Initrode."""
    text = name.strip()
    for suffix in _COMPANY_SUFFIXES:
        if text.casefold().endswith(suffix):
            text = text[: -len(suffix)].strip(" ,.")
            break
    if text.isascii():  # Shanghai Zenith Robotics → Zenith: a place opens many English names
        words = text.split()
        while len(words) > 1 and words[0].casefold() in _EN_PLACE_WORDS:
            words.pop(0)
        return words[0] if words else name
    text = re.sub(r"^(.{2,3}?)(省|市)", "", text)
    city = next((c for c in _CITY_PREFIXES if text.startswith(c) and len(text) - len(c) >= 2), "")
    text = text[len(city):]
    changed = True
    while changed and len(text) > 2:
        changed = False
        for word in _INDUSTRY_WORDS:
            if text.endswith(word) and len(text) - len(word) >= 2:
                text, changed = text[: -len(word)], True
    return text or name


_EN_PLACE_WORDS = frozenset("""
    beijing shanghai shenzhen guangzhou hangzhou suzhou tianjin nanjing wuhan chengdu chongqing xiamen
    qingdao ningbo dalian xian hefei changsha jinan zhengzhou fuzhou wuxi dongguan foshan macau
    taiwan jiangsu zhejiang guangdong shandong
""".split())
_CITY_PREFIXES = frozenset("""
    北京 上海 天津 重庆 广州 深圳 杭州 南京 苏州 无锡 宁波 成都 武汉 西安 长沙 郑州 济南 青岛 合肥 福州
    厦门 南昌 昆明 贵阳 南宁 海口 沈阳 大连 长春 石家庄 太原 呼和浩特 兰州 西宁 银川 乌鲁木齐 拉萨 东莞 佛山 珠海
    常州 温州 嘉兴 绍兴 金华 台州 烟台 潍坊 徐州 南通 扬州 泉州 惠州 中山 江门 湖州 芜湖 洛阳 宜昌 襄阳
    株洲 广东 浙江 江苏 山东 河南 河北 湖北 湖南 四川 福建 安徽 江西 云南 贵州 广西 海南 辽宁 吉林 黑龙
    山西 陕西
""".split())
