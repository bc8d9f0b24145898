"""Risk rules of delivery (issue #15): an overdue task, a slipping milestone. Pure.

They raise the same `Warning`s as the sales rules (domain.risk_rules), so the scan stores them in the one
ledger (one per rule, subject and state), delivers them grouped per recipient with the team roll-up for
its managers, and holds them through quiet hours.

- task overdue: an open task (to do, in progress, blocked) whose due date has passed. Told: its assignee
  (else the project's manager, else the deal's owner). State: the due date and who is told, so a task moved
  to a new date that passes too, or handed to someone else, warns again.
- milestone slipping: a milestone not accepted (验收) whose due date has passed, or with an open task due
  after it. Told: the project's manager, else the deal's owner. State: the due date, "late" once it passed,
  and the latest due date of its open tasks when that is after it.
"""

from __future__ import annotations

from datetime import date

from domain.risks import ProjectMilestoneFacts, RiskDay, RiskRule, RiskSettings, TaskFacts, Warning, Words

TASK_KIND, MILESTONE_KIND = "task", "project_milestone"  # risk_alerts.subject_kind


def _look(project_id: int) -> tuple[str, str]:
    return f"项目 P{project_id}", f"project P{project_id}"


def task_overdue(f: TaskFacts, day: RiskDay, s: RiskSettings) -> Warning | None:
    if (days := (day.today - f.due_on).days) <= 0:
        return None
    due = f.due_on.isoformat()
    blocked = f.blocker.strip()

    def words() -> Words:
        why_zh = f"「{f.project_name}」P{f.project_id} 的任务已逾期 {days} 天（应于 {due}，进度 {f.progress}%）"
        why_en = f"a task of {f.project_name} (P{f.project_id}) is {days} days overdue (due {due}, {f.progress}% done)"
        if blocked:
            why_zh, why_en = f"{why_zh}，受阻：{blocked}", f"{why_en}, blocked: {blocked}"
        look = _look(f.project_id)
        return Words(why_zh, why_en, f"完成后更新进度：任务 T{f.id} 完成 100%；做不完就和项目负责人调整日期。",
                     f"Once done, update it: task T{f.id} done 100%; if it cannot be done, agree a new date "
                     "with the project's manager.", look[0], look[1])
    return Warning(RiskRule.TASK_OVERDUE, TASK_KIND, f.id, f"{due}|{f.rep_id or ''}", f.rep_id, None,
                   f"T{f.id}", f.title, words, days)


def milestone_slipping(f: ProjectMilestoneFacts, day: RiskDay, s: RiskSettings) -> Warning | None:
    late = (day.today - f.due_on).days
    after = f.last_task_due if f.last_task_due is not None and f.last_task_due > f.due_on else None
    if late <= 0 and after is None:
        return None
    due = f.due_on.isoformat()

    def words() -> Words:
        zh, en = [], []
        if late > 0:
            zh.append(f"应于 {due} 完成，已过 {late} 天仍未验收")
            en.append(f"was due on {due}, {late} days ago, and is not accepted yet")
        if after is not None:
            zh.append(f"还有未完成的任务排到 {after.isoformat()}（晚于里程碑日期 {due}）")
            en.append(f"has open tasks planned until {after.isoformat()} (after its date {due})")
        look = _look(f.project_id)
        return Words(f"里程碑「{f.name}」" + "；".join(zh), f"milestone {f.name} " + "; ".join(en),
                     "与客户确认验收，或重新排期并告知客户。",
                     "Get it accepted by the customer, or re-plan it and tell the customer.", look[0], look[1])
    state = f"{due}|{'late' if late > 0 else ''}|{_iso(after)}"
    weight = max(late, (after - f.due_on).days if after is not None else 0)
    return Warning(RiskRule.MILESTONE_SLIPPING, MILESTONE_KIND, f.id, state, f.rep_id, f.team_id,
                   f"P{f.project_id}", f"{f.project_name} · {f.name}", words, weight)


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""
