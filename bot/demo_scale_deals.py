"""Rows of the scaled demo's deals: the deal, its stage history, shares, ~5 follow-ups and maybe a reminder.

Drawn straight as row tuples (no domain objects): at a million deals that is what keeps the load to
minutes. Histories follow the legal stage paths of the small demo (bot.demo_deals), times stay in
working hours, and only open deals get a next step and possibly a pending reminder.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bot import demo_data as data
from bot.demo_deals import work_time
from domain.money import CNY
from domain.opportunity import Stage

DEAL_TABLES = ("opportunities", "stage_changes", "opportunity_shares", "followups", "reminders")
DAY = timedelta(days=1)
SHARED = 0.05  # share of deals shared with a teammate
REMINDED = 0.06  # share of open deals with a pending reminder
_I, _P, _N, _W, _L = Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION, Stage.WON, Stage.LOST
_STAGES = list(data.STAGE_COUNTS)
_STAGE_WEIGHTS = list(data.STAGE_COUNTS.values())
_KINDS = [kind.value for kind in data.KIND_WEIGHTS]
_KIND_WEIGHTS = list(data.KIND_WEIGHTS.values())
_REASONS = list(data.LOST_REASONS)
_REASON_WEIGHTS = [data.LOST_REASONS[r][0] for r in _REASONS]
_PATHS = {_I: [_I], _P: [_I, _P], _N: [_I, _P, _N], _W: [_I, _P, _N, _W]}

COLUMNS = {
    "opportunities": ("id", "customer_id", "name", "owner_id", "team_id", "stage", "amount", "amount_currency",
                      "contact_id", "expected_close", "next_step", "next_at", "last_contact_at", "lost_reason",
                      "lost_note", "created_at", "updated_at", "closed_at"),
    "stage_changes": ("id", "opportunity_id", "source", "target", "at", "by"),
    "opportunity_shares": ("id", "opportunity_id", "rep_id"),
    "followups": ("id", "rep_id", "note", "at", "opportunity_id", "customer_id", "contact_id", "kind",
                  "next_step", "next_at"),
    "reminders": ("id", "rep_id", "due_at", "text", "opportunity_id", "followup_id", "status"),
}

Customer = tuple[int, int, list[int], int, str, str, tuple[tuple[int, str], ...]]


class IdCounters:
    """The next id of each table, starting after what is there."""

    def __init__(self, last: dict[str, int]) -> None:
        self._last = dict(last)

    def peek(self, table: str) -> int:
        return self._last[table] + 1

    def next(self, table: str) -> int:
        self._last[table] += 1
        return self._last[table]


class DealRows:
    """One chunk of deals with all their rows."""

    def __init__(self, rng: random.Random, ids: IdCounters, now: datetime) -> None:
        self.rng, self.ids, self.now = rng, ids, now
        self.rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in DEAL_TABLES}
        self.stages: Counter[str] = Counter()

    def tables(self) -> dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
        return {table: (COLUMNS[table], self.rows[table]) for table in DEAL_TABLES}

    def add(self, customer: Customer) -> None:
        rng = self.rng
        customer_id, owner, team, team_id, short, industry, contacts = customer
        if len(team) > 1 and rng.random() < 0.15:
            owner = rng.choice(team)
        stage = rng.choices(_STAGES, _STAGE_WEIGHTS)[0]
        deal_id = self.ids.next("opportunities")
        contact_id, call = rng.choice(contacts) if contacts else (None, "客户")
        topic = rng.choice(data.INDUSTRIES[industry][2])
        created = self.now - DAY * rng.uniform(10, 400)
        end = created + (self.now - created) * rng.uniform(0.3, 0.95) if stage.is_closed else self.now - DAY
        moments = self._history(deal_id, stage, created, end, owner)
        notes = self._followups(deal_id, owner, customer_id, contact_id, stage, created, end, (call, short, topic))
        amount = Decimal(rng.randrange(50, 5000) * 1000)
        next_step = next_at = expected = closed = lost_reason = None
        lost_note = ""
        if stage.is_closed:
            closed = expected = moments[-1]
            if stage is _L:
                reason = rng.choices(_REASONS, _REASON_WEIGHTS)[0]
                lost_reason = reason.value
                lost_note = data.LOST_REASONS[reason][1].format(competitor=rng.choice(data.COMPETITORS))
        else:
            next_step = rng.choice(data.NEXT_STEPS[stage]).format(call=call)
            next_at = work_time(self.now + DAY * rng.uniform(-3, 14))
            expected = work_time(self.now + DAY * rng.uniform(5, 120))
            self._reminder(deal_id, owner, next_at, f"#{deal_id} {short} · {next_step}")
        last = notes[-1]
        self.rows["opportunities"].append((
            deal_id, customer_id, f"{short}{topic}", owner, team_id, stage.value, amount, CNY, contact_id, expected,
            next_step or "", next_at, last, lost_reason, lost_note, work_time(created), max(last, moments[-1]),
            closed))
        self.stages[stage.value] += 1
        if len(team) > 1 and rng.random() < SHARED:
            mate = rng.choice([rep for rep in team if rep != owner])
            self.rows["opportunity_shares"].append((self.ids.next("opportunity_shares"), deal_id, mate))

    def _history(self, deal_id: int, stage: Stage, created: datetime, end: datetime, by: int) -> list[datetime]:
        path = _PATHS[stage] if stage is not _L else _PATHS[self.rng.choice((_I, _P, _N))] + [_L]
        steps = len(path) - 1
        moments = [work_time(created)]
        for n in range(1, len(path)):
            at = work_time(created + (end - created) * (n / steps if stage.is_closed else n / (steps + 1)))
            moments.append(at)
            self.rows["stage_changes"].append(
                (self.ids.next("stage_changes"), deal_id, path[n - 1].value, path[n].value, at, by))
        return moments

    def _followups(self, deal_id: int, rep: int, customer_id: int, contact_id: int | None, stage: Stage,
                   created: datetime, end: datetime, words: tuple[str, str, str]) -> list[datetime]:
        rng = self.rng
        call, short, topic = words
        count = rng.randint(3, 7)
        moments = sorted(work_time(created + (end - created) * rng.random()) for _ in range(count))
        kinds = rng.choices(_KINDS, _KIND_WEIGHTS, k=count)
        notes = data.NOTES[stage if stage in (_I, _P, _N) else _N]
        for at, kind in zip(moments, kinds, strict=True):
            note = rng.choice(notes).format(call=call, short=short, topic=topic)
            self.rows["followups"].append(
                (self.ids.next("followups"), rep, note, at, deal_id, customer_id, contact_id, kind, "", None))
        return moments

    def _reminder(self, deal_id: int, rep: int, next_at: datetime, text: str) -> None:
        due = next_at - timedelta(hours=1)
        if self.rng.random() < REMINDED * 3 and due > self.now:  # draw first: the same rows whatever `now`
            followup = self.rows["followups"][-1][0]
            self.rows["reminders"].append(
                (self.ids.next("reminders"), rep, due, text, deal_id, followup, "pending"))
