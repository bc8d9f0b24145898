"""The new part of a reply: quoted history and signatures removed.

Markers seen in the wild: Outlook/Foxmail separators (-----Original Message----- / -----原始邮件-----),
header blocks (From: … Sent: / 发件人：… 发送时间：), attribution lines (On … wrote: / 在 … 写道： /
… 于 … 写道：), `>` quoted lines, the `-- ` signature separator and mobile "sent from" footers.
"""

from __future__ import annotations

import re

_SEPARATOR = re.compile(
    r"^\s*(?:-{2,}|_{2,}|={2,})?\s*(?:原始邮件|原始郵件|Original Message|Original|回复的原邮件|"
    r"Reply message|回覆的原郵件)\s*(?:-{2,}|_{2,}|={2,})\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*(?:_{10,}|-{10,}|={10,})\s*$")
_FROM = re.compile(r"^\s*[*>]*\s*(?:From|发件人|寄件者|寄件人|發件人)\s*[:：]", re.IGNORECASE)
_SENT = re.compile(
    r"^\s*[*>]*\s*(?:Sent|Date|发送时间|发送日期|日期|時間|寄件日期|傳送時間|发件时间)\s*[:：]", re.IGNORECASE
)
_WROTE_END = re.compile(r"(?:wrote|写道|寫道|寫到|schrieb|a écrit)\s*[:：]\s*$", re.IGNORECASE)
_WROTE_START = re.compile(r"^\s*(?:On\s|在|于|於|Am\s|Le\s)", re.IGNORECASE)
_MOBILE = re.compile(
    r"^\s*(?:Sent from my .*|Get Outlook for .*|发自我的.*|從我的.*傳送|来自.*邮箱|发自.*客户端|"
    r"Sent from .*Mail.*)$",
    re.IGNORECASE,
)
_LOOKAHEAD = 6


def strip_reply(text: str) -> str:
    """The author's own words: everything from the first quote marker on is dropped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _quote_start(lines)
    kept = [line for line in lines[:cut] if not line.lstrip().startswith(">")]
    kept = _drop_signature(kept)
    return "\n".join(kept).strip()


def _quote_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line) or _is_header_block(lines, index) or _is_attribution(lines, index):
            return _back_over_rules(lines, index)
    return len(lines)


def _is_header_block(lines: list[str], index: int) -> bool:
    if not _FROM.match(lines[index]):
        return False
    following = lines[index + 1 : index + 1 + _LOOKAHEAD]
    return any(_SENT.match(line) for line in following)


def _is_attribution(lines: list[str], index: int) -> bool:
    """`On <date>, <name> wrote:` possibly wrapped over three lines, or `<name> 于 <date> 写道：`."""
    line = lines[index].strip()
    if not line:
        return False
    if _WROTE_END.search(line):
        return bool(_WROTE_START.match(line)) or "于" in line or "於" in line or len(line) < 200
    if not _WROTE_START.match(line):
        return False
    joined = line
    for extra in lines[index + 1 : index + 3]:
        joined += " " + extra.strip()
        if _WROTE_END.search(joined):
            return True
    return False


def _back_over_rules(lines: list[str], index: int) -> int:
    while index > 0 and (not lines[index - 1].strip() or _RULE.match(lines[index - 1])):
        index -= 1
    return index


def _drop_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if line in ("-- ", "--") or line.rstrip() == "-- ":
            lines = lines[:index]
            break
    while lines and (not lines[-1].strip() or _MOBILE.match(lines[-1])):
        lines = lines[:-1]
    return lines
