"""Who wrote a mail: free-mail or company domain, and what to call a new customer and contact."""

from __future__ import annotations

import re

FREE_MAIL_DOMAINS = frozenset("""
    qq.com vip.qq.com foxmail.com 163.com 126.com yeah.net vip.163.com vip.126.com 188.com 139.com 189.cn
    wo.cn sina.com sina.cn vip.sina.com sohu.com vip.sohu.com tom.com 21cn.com aliyun.com 2980.com
    gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com yahoo.com.cn yahoo.co.jp
    ymail.com icloud.com me.com mac.com aol.com proton.me protonmail.com gmx.com gmx.de mail.com yandex.com
    yandex.ru zoho.com hey.com
""".split())

# A signature line that is a company name: 杭州明途信息技术有限公司 / Initrode Systems Co., Ltd.
_ZH_COMPANY = re.compile(r"^[\s*#>]*([\u4e00-\u9fff（）()·A-Za-z0-9]{2,30}?"
                         r"(?:股份有限公司|有限责任公司|有限公司|集团|研究院|研究所|设计院))[\s*]*$")
_EN_COMPANY = re.compile(r"^[\s*]*([A-Z][A-Za-z0-9&.' -]{1,60}?,?\s(?:Co\.,?\s?Ltd\.?|Ltd\.?|Limited|Inc\.?|"
                         r"Corp\.?|Corporation|LLC|GmbH|PLC|Group))[\s*]*$")
_MAX_SIGNATURE_LINES = 40


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


def is_free_mail(domain: str) -> bool:
    """Public mailbox providers: their users are people, not one company."""
    return domain.lower() in FREE_MAIL_DOMAINS


def person_name(display_name: str, address: str) -> str:
    """The contact's name: the display name, else the mailbox part of the address."""
    name = " ".join(display_name.replace('"', " ").split())
    if name and "@" not in name:
        return name[:60]
    return address.partition("@")[0][:60] or address


def company_from_text(text: str) -> str:
    """A company name on a line of its own near the end of the mail (a signature), if any."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][-_MAX_SIGNATURE_LINES:]
    for line in reversed(lines):
        if match := _ZH_COMPANY.match(line) or _EN_COMPANY.match(line):
            return match.group(1).strip()
    return ""


def company_name(text: str, domain: str) -> str:
    """What to call a new company customer: its name from the signature, else its mail domain."""
    return company_from_text(text) or domain
