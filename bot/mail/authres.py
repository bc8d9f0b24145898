"""What our receiving server said about a mail's From: `Authentication-Results` (RFC 8601).

Only a header whose authserv-id equals the configured `[email] authserv_id` counts: anybody can write
such a header into a mail, and only our own border server strips foreign copies of its id. Of those,
the topmost (the one our server added last) decides:
- pass: DMARC passed, or a DKIM signature or SPF check of the From: domain (or a parent/sub-domain) passed;
- fail: DMARC failed, or an aligned DKIM/SPF check failed with no aligned pass;
- none: no trusted header, or nothing conclusive (none, neutral, softfail, temperror, permerror).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["pass", "fail", "none"]
_COMMENT = re.compile(r"\([^()]*\)")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
MAX_NESTING = 5


@dataclass(frozen=True, slots=True)
class MethodResult:
    method: str  # dmarc | dkim | spf | ...
    result: str  # pass | fail | none | ...
    props: dict[str, str] = field(default_factory=dict)  # "header.from", "header.d", "smtp.mailfrom", ...


@dataclass(frozen=True, slots=True)
class AuthResults:
    authserv_id: str
    results: tuple[MethodResult, ...] = ()


def parse_auth_results(value: str) -> AuthResults | None:
    """One header value; None when it has no authserv-id. Comments and quoting are tolerated."""
    text = _QUOTED.sub(lambda m: "".join(m.group(1).replace(";", ",").split()), value)
    for _ in range(MAX_NESTING):
        text, found = _COMMENT.subn(" ", text)
        if not found:
            break
    head, *resinfos = text.split(";")
    words = head.split()
    if not words:
        return None
    results = []
    for resinfo in resinfos:
        tokens = resinfo.split()
        if not tokens or "=" not in tokens[0]:
            continue
        method, _, result = tokens[0].partition("=")
        props = {}
        for token in tokens[1:]:
            name, sep, prop = token.partition("=")
            if sep and "." in name:
                props[name.lower()] = prop.strip().lower()
        results.append(MethodResult(method.split("/")[0].strip().lower(), result.strip().lower(), props))
    return AuthResults(words[0].lower(), tuple(results))


def verdict(headers: Sequence[str], authserv_id: str, from_address: str) -> Verdict:
    """pass | fail | none for `from_address`, from the topmost header of our own server."""
    if not authserv_id.strip():
        return "none"
    domain = from_address.rpartition("@")[2].strip().lower()
    for value in headers:
        parsed = parse_auth_results(value)
        if parsed is not None and parsed.authserv_id == authserv_id.strip().lower():
            return _judge(parsed.results, domain)
    return "none"


def _judge(results: Sequence[MethodResult], domain: str) -> Verdict:
    for item in results:
        if item.method == "dmarc" and _aligned(item.props.get("header.from", domain), domain):
            if item.result == "pass":
                return "pass"
            if item.result == "fail":
                return "fail"
    aligned = [item for item in results if _aligned(_checked_domain(item), domain)]
    if any(item.result == "pass" for item in aligned):
        return "pass"
    if any(item.result == "fail" for item in aligned):
        return "fail"
    return "none"


def _checked_domain(item: MethodResult) -> str:
    if item.method == "dkim":
        return item.props.get("header.d") or item.props.get("header.i", "").rpartition("@")[2]
    if item.method == "spf":
        return (item.props.get("smtp.mailfrom") or item.props.get("smtp.mail") or "").rpartition("@")[2]
    return ""


def _aligned(checked: str, domain: str) -> bool:
    """Relaxed alignment, approximated: the same domain, or one a sub-domain of the other."""
    checked = checked.strip().lower()
    if "." not in checked or not domain:
        return False
    return checked == domain or checked.endswith("." + domain) or domain.endswith("." + checked)
