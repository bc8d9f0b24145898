"""The company bench/delivery_pages.py loads: won deals with delivery projects (4 milestones, N tasks with
subtasks and dependencies, public updates, a change request and a rating each), and the Gantt inputs."""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bot.delivery.gantt_model import GanttChart, GanttRow, RowKind, RowState
from domain.customer import Customer
from domain.delivery import (
    STANDARD_TEMPLATE,
    ChangeRequest,
    Milestone,
    Project,
    ProjectEvent,
    Rating,
    Task,
    WorkStatus,
)
from domain.money import Money
from domain.opportunity import Opportunity, Stage
from domain.ports import UnitOfWork

START = date(2026, 11, 2)


async def seed_projects(uow_factory: Callable[[], UnitOfWork], projects: int, tasks: int) -> tuple[list[int], int]:
    """`projects` won deals with a project each, spread over the configured reps; (project ids, the admin's id)."""
    async with uow_factory() as uow:
        reps = [r for r in await uow.reps.list() if r.id is not None]
    admin = next(r.id for r in reps if r.name == "管理员")
    workers = [r for r in reps if r.name != "管理员"]
    rng, ids = random.Random(7), []
    for n in range(projects):
        owner = workers[n % len(workers)]
        async with uow_factory() as uow:
            ids.append(await _one_project(uow, n, owner.id, owner.team_id, tasks, rng))
            await uow.commit()
    assert admin is not None
    return ids, admin


async def _one_project(uow: UnitOfWork, n: int, owner_id: int | None, team_id: int | None, tasks: int,
                       rng: random.Random) -> int:
    now = datetime.now(UTC)
    customer = await uow.customers.add(Customer(f"交付客户{n}有限公司", owner_id=owner_id, created_at=now))
    assert customer.id is not None
    deal = await uow.opportunities.add(Opportunity(customer.id, f"实施项目{n}", owner_id=owner_id, team_id=team_id,
                                                   stage=Stage.WON, amount=Money(Decimal("600000")),
                                                   created_at=now, closed_at=now))
    assert deal.id is not None
    project = await uow.projects.add(Project(deal.id, f"项目{n} 实施", owner_id, START, START + timedelta(days=90),
                                             WorkStatus.DOING, customer_id=customer.id, created_at=now))
    assert project.id is not None
    stones = [await uow.project_milestones.add(Milestone(project.id, m.name, START + timedelta(days=m.offset_days),
                                                         seq=i + 1))
              for i, m in enumerate(STANDARD_TEMPLATE.milestones)]
    previous: int | None = None
    for t in range(tasks):
        stone = stones[min(t * len(stones) // max(tasks, 1), len(stones) - 1)]
        begin = START + timedelta(days=4 * t)
        task = await uow.tasks.add(Task(f"任务{t}", project.id, stone.id, owner_id, begin + timedelta(days=10),
                                        WorkStatus.DOING, starts_on=begin, progress=rng.randint(0, 100),
                                        depends_on=[previous] if previous and t % 3 else []))
        previous = task.id
    for e in range(12):
        await uow.project_events.add(ProjectEvent(project.id, now - timedelta(hours=e), "task", f"任务{e} 进度更新",
                                                  f"task {e} progress", public=e % 2 == 0))
    await uow.change_requests.add(ChangeRequest(project.id, "增加报表", now, source="portal", requester="何总"))
    await uow.ratings.add(Rating(project.id, 4, "按时", milestone_id=stones[0].id, rated_at=now, source="portal"))
    return project.id


def gantt_rows(tasks: int) -> GanttChart:
    rows = [GanttRow(f"T{i} 接口开发任务{i}", START + timedelta(days=3 * i), START + timedelta(days=3 * i + 12),
                     (i * 17) % 101, depends_on=(i - 1,) if i and i % 3 else (), owner="王五",
                     state=RowState.OVERDUE if i % 7 == 0 else RowState.OPEN, level=1 if i % 4 == 3 else 0)
            for i in range(tasks)]
    rows += [GanttRow(f"M{k} 里程碑", START + timedelta(days=30 * k), START + timedelta(days=30 * k),
                      kind=RowKind.MILESTONE) for k in range(1, 4)]
    return GanttChart("华东物流 WMS 实施", START + timedelta(days=35), tuple(rows))


def plain_bars(chart: GanttChart, font: Path) -> bytes:
    """The plainest chart of the same rows: same size, font and PNG writer, one bar per row, nothing else."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from bot.delivery.gantt import DPI, WIDTH, _height, date2num
    from bot.digest.charts import cjk_style

    with cjk_style(font):
        fig = Figure(figsize=(WIDTH, _height(len(chart.rows), 0)), dpi=DPI)
        ax = fig.add_subplot()
        ax.barh(range(len(chart.rows)), [(r.end - r.start).days + 1 for r in chart.rows],
                left=[date2num(r.start) for r in chart.rows])
        buffer = io.BytesIO()
        FigureCanvasAgg(fig)
        fig.savefig(buffer, format="png")
        return buffer.getvalue()


def load_args(what: str, projects: int) -> argparse.Namespace:
    """The options of a bench that loads pages or API calls over `projects` delivery projects (one command each)."""
    parser = argparse.ArgumentParser(description=what)
    parser.add_argument("--projects", type=int, default=projects)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    return parser.parse_args()
