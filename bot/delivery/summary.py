"""What the weekly project summary says (issue #15), zh or en: the week's progress (tasks done, progress
updates from the timeline), milestones due in the next two weeks, overdue tasks, blockers and open change
requests. Built from one project's rows, read by scheduler.project_summary; no I/O here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.delivery import ChangeRequest, Milestone, Project, ProjectEvent, Task, WorkStatus
from domain.delivery_rules import is_open, milestone_accepted, project_progress, task_overdue

AHEAD = timedelta(days=14)
SHOWN = 8  # lines per part, the rest counted


@dataclass(frozen=True, slots=True)
class ProjectWeek:
    project: Project
    milestones: Sequence[Milestone]
    tasks: Sequence[Task]
    requests: Sequence[ChangeRequest]
    events: Sequence[ProjectEvent]  # the week's, oldest first
    start: datetime  # the week summed up: [start, end)
    end: datetime
    today: date


def summary_text(week: ProjectWeek, locale: str, name_of: Callable[[int | None], str]) -> tuple[str, str]:
    """(title, body) of the summary in `locale`; `name_of` names an assignee."""
    en = locale == "en"
    p = week.project
    span = f"{week.start.date():%m/%d}–{(week.end - timedelta(seconds=1)).date():%m/%d}"
    title = (f"📋 Weekly summary · P{p.id} {p.name} ({span})" if en
             else f"📋 项目周报 · P{p.id} {p.name}（{span}）")
    parts = [_progress(week, en), _stones(week, en), _overdue(week, en, name_of), _blocked(week, en, name_of),
             _requests(week, en)]
    lines = [line for part in parts for line in part]
    if len(lines) == 1:
        lines.append("No changes this week." if en else "本周没有更新。")
    return title, "\n".join(lines)


def _progress(week: ProjectWeek, en: bool) -> list[str]:
    percent = project_progress(list(week.tasks))
    done = [t for t in week.tasks if t.status is WorkStatus.DONE and t.updated_at is not None
            and week.start <= t.updated_at < week.end]
    head = (f"Progress {percent}% · {len(done)} tasks done this week" if en
            else f"整体进度 {percent}% · 本周完成任务 {len(done)} 个")
    lines = [head, *_cut([f"  ✅ T{t.id} {t.title}" for t in done], en)]
    updates = [e for e in week.events if e.kind == "task"]
    if updates:
        lines.append("Updates:" if en else "本周动态：")
        lines += _cut([f"  · {(e.text_en or e.text) if en else e.text}" for e in updates], en)
    return lines


def _stones(week: ProjectWeek, en: bool) -> list[str]:
    due = [m for m in week.milestones if not milestone_accepted(m) and m.status is not WorkStatus.CANCELLED
           and week.today <= m.due_on <= week.today + AHEAD]
    if not due:
        return []
    head = "Milestones in the next two weeks:" if en else "未来两周的里程碑："
    return [head, *(_stone(m, week.today, en) for m in sorted(due, key=lambda m: (m.due_on, m.seq)))]


def _stone(m: Milestone, today: date, en: bool) -> str:
    days = (m.due_on - today).days
    if en:
        return f"  · M{m.id} {m.name}, due {m.due_on.isoformat()} (in {days} days)"
    return f"  · M{m.id} {m.name}，{m.due_on.isoformat()} 到期（{days} 天后）"


def _overdue(week: ProjectWeek, en: bool, name_of: Callable[[int | None], str]) -> list[str]:
    late = sorted((t for t in week.tasks if task_overdue(t, week.today)), key=lambda t: (t.due_on, t.id or 0))
    if not late:
        return []
    lines = []
    for t in late:
        days, who = (week.today - t.due_on).days if t.due_on else 0, name_of(t.assignee_id)
        lines.append(f"  · T{t.id} {t.title} ({who}, {days} days late)" if en
                     else f"  · T{t.id} {t.title}（{who}，逾期 {days} 天）")
    return [f"Overdue tasks ({len(late)}):" if en else f"逾期任务（{len(late)}）：", *_cut(lines, en)]


def _blocked(week: ProjectWeek, en: bool, name_of: Callable[[int | None], str]) -> list[str]:
    stuck = [t for t in week.tasks if is_open(t) and (t.blocker.strip() or t.status is WorkStatus.BLOCKED)]
    if not stuck:
        return []
    lines = [f"  · T{t.id} {t.title} ({name_of(t.assignee_id)}): {t.blocker.strip() or '-'}" if en
             else f"  · T{t.id} {t.title}（{name_of(t.assignee_id)}）：{t.blocker.strip() or '—'}" for t in stuck]
    return ["Blockers:" if en else "受阻：", *_cut(lines, en)]


def _requests(week: ProjectWeek, en: bool) -> list[str]:
    open_ones = [r for r in week.requests if r.approved is None]
    if not open_ones:
        return []
    lines = [f"  · CR{r.id} {r.title}{_effect(r, en)}" for r in open_ones]
    return [f"Open change requests ({len(open_ones)}):" if en else f"待处理的变更请求（{len(open_ones)}）：",
            *_cut(lines, en)]


def _effect(r: ChangeRequest, en: bool) -> str:
    parts = []
    if r.days_delta:
        parts.append(f"{r.days_delta:+d} days" if en else f"{r.days_delta:+d} 天")
    if r.amount_delta is not None:
        parts.append(r.amount_delta.format("en" if en else "zh"))
    if not parts:
        return ""
    return f" ({', '.join(parts)})" if en else f"（{'，'.join(parts)}）"


def _cut(lines: list[str], en: bool) -> list[str]:
    if len(lines) <= SHOWN:
        return lines
    more = len(lines) - SHOWN
    return [*lines[:SHOWN], f"  … and {more} more" if en else f"  …… 另有 {more} 条"]
