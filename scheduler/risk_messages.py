"""What a risk push says: a rep's warnings (at most `per_message`, the rest counted) and a manager's team
roll-up (counts per rule, the top items). zh or en by the reader's locale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from domain.people import Rep
from domain.risks import RiskRule, Warning, importance
from scheduler.push import Push

KIND, TEAM_KIND = "risks", "risks-team"


def numbered(warnings: Sequence[Warning], locale: str, owners: Mapping[int, str] | None = None) -> list[str]:
    """"1. #12 MES: why" + "   → what to do. Send: 查看 #12" per warning; with `owners`, who owns it."""
    lines: list[str] = []
    for n, warning in enumerate(warnings, 1):
        head, todo = warning.lines(locale)
        owner = (owners or {}).get(warning.rep_id or 0)
        if owner:
            head = head.replace(f"{warning.ref} {warning.title}", f"{warning.ref} {warning.title} (@{owner})", 1)
        lines += [f"{n}. {head}", f"   {todo}"]
    return lines


def more_line(hidden: int, locale: str) -> str:
    if locale == "en":
        return f'{hidden} more; send "risks" to see them'
    return f"另有 {hidden} 条，发送「风险」查看"


def rep_push(rep: Rep, shown: Sequence[Warning], total: int, period: str) -> Push:
    """`shown` (already cut to the per-message limit) out of `total` new warnings for this rep."""
    en = rep.locale == "en"
    lines = [f"⚠️ Risk warnings: {total} new" if en else f"⚠️ 风险提醒：新增 {total} 条", *numbered(shown, rep.locale)]
    if total > len(shown):
        lines.append(more_line(total - len(shown), rep.locale))
    buttons = [{"text": w.action(rep.locale), "key": w.action(rep.locale)} for w in shown]
    return Push(KIND, period, "\n".join(lines), buttons=_unique(buttons),
                extra={"risks": [w.subject_id for w in shown]})


def team_push(manager: Rep, team_name: str, counts: Mapping[RiskRule, int], top: Sequence[Warning],
              owners: Mapping[int, str], period: str) -> Push:
    """The team's new warnings for one manager: how many per rule, the most important few."""
    en = manager.locale == "en"
    total = sum(counts.values())
    rules = sorted(counts, key=list(RiskRule).index)
    per_rule = " · ".join(f"{rule.label(manager.locale)} {counts[rule]}" for rule in rules)
    lines = [f"📊 Team risks · {team_name}: {total} new" if en else f"📊 团队风险汇总 · {team_name}：新增 {total} 条",
             per_rule]
    if top:
        lines.append("Top items:" if en else "重点：")
        lines += numbered(top, manager.locale, owners)
    lines.append('Send "risks" for all of the team\'s warnings' if en else "发送「风险」查看团队全部风险")
    return Push(TEAM_KIND, period, "\n".join(lines), extra={"team_total": total})


def top_items(warnings: Sequence[Warning], limit: int) -> list[Warning]:
    return sorted(warnings, key=importance)[:limit]


def _unique(buttons: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for button in buttons:
        seen.setdefault(button["key"], button)
    return list(seen.values())
