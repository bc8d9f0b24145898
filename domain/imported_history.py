"""A deal's stage history rebuilt from what another system kept: created, dated stages, final stage, closed.

Old systems kept coarse histories, so an imported history may skip stages (初步接触 → 谈判); it must still move
forward, except for the one step back between open stages that the live stage machine allows too (谈判 →
方案提案), so that what `dealbot export deals` writes always imports again. Dates never go backwards, never
precede the created date, never follow the closed date and are never in the future.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.errors import DomainError
from domain.opportunity import LEGAL_TRANSITIONS, OPEN_STAGES, Stage, StageChange

_RANK = {stage: index for index, stage in enumerate(OPEN_STAGES)} | {Stage.WON: 3, Stage.LOST: 3}


class ImportedHistoryError(DomainError):
    """Base of the reasons an imported history is refused."""


class HistoryOutOfOrder(ImportedHistoryError):
    zh = "阶段「{stage}」的日期 {day} 早于{before}"
    en = "the date of stage '{stage_en}' ({day}) is before {before_en}"


class HistoryAfterClose(ImportedHistoryError):
    zh = "阶段「{stage}」的日期 {day} 晚于关闭日期 {closed}"
    en = "the date of stage '{stage_en}' ({day}) is after the closed date {closed}"


class HistoryInFuture(ImportedHistoryError):
    zh = "{what} {day} 在未来"
    en = "{what_en} ({day}) is in the future"


class HistoryMovesBack(ImportedHistoryError):
    zh = "阶段历史不能从「{source}」退回到「{target}」（只能向前，或退回一步）"
    en = "the stage history cannot go back from '{source_en}' to '{target_en}' (forward only, or one step back)"


class ClosedStageInHistory(ImportedHistoryError):
    zh = "阶段历史中的「{stage}」只能是最后一项，并与当前阶段和关闭日期一致"
    en = "'{stage_en}' in the stage history must be its last entry and match the stage and the closed date"


def day(at: datetime) -> str:
    """'2026-01-05', or '2026-01-05 14:30:00' when the time is not midnight (dates as the sheets show them)."""
    if (at.hour, at.minute, at.second) == (0, 0, 0):
        return at.date().isoformat()
    return at.strftime("%Y-%m-%d %H:%M:%S")


def imported_history(created: datetime, steps: Sequence[tuple[Stage, datetime]], final: Stage,
                     closed: datetime | None, now: datetime) -> list[StageChange]:
    """The stage changes from 初步接触 at `created` through `steps` to `final` (reached at `closed` when won or
    lost; when open and not the last step, at the last known date). Raises ImportedHistoryError."""
    if created > now:
        raise HistoryInFuture(what="创建日期", what_en="the created date", day=day(created))
    moves = _with_final(created, list(steps), final, closed)
    changes: list[StageChange] = []
    stage, previous = Stage.INITIAL_CONTACT, created
    for index, (target, at) in enumerate(moves):
        if target.is_closed and (index != len(moves) - 1 or target is not final):
            raise ClosedStageInHistory(stage=target.label("zh"), stage_en=target.label("en"))
        _check_date(target, at, previous, created if index == 0 else None, closed, now)
        if target is not stage:  # a stage listed again (初步接触 first, say) is no move
            _check_move(stage, target)
            changes.append(StageChange(stage, target, at, None))
        stage, previous = target, at
    return changes


def _with_final(created: datetime, moves: list[tuple[Stage, datetime]], final: Stage,
                closed: datetime | None) -> list[tuple[Stage, datetime]]:
    last = moves[-1][0] if moves else Stage.INITIAL_CONTACT
    if final.is_closed:
        assert closed is not None, "a won or lost deal has a closed date"
        if last is final and moves[-1][1] != closed:
            raise ClosedStageInHistory(stage=final.label("zh"), stage_en=final.label("en"))
        return moves if last is final else [*moves, (final, closed)]
    if last is not final:
        moves.append((final, moves[-1][1] if moves else created))
    return moves


def _check_move(source: Stage, target: Stage) -> None:
    if _RANK[target] > _RANK[source] or target in LEGAL_TRANSITIONS[source]:
        return
    raise HistoryMovesBack(source=source.label("zh"), source_en=source.label("en"),
                           target=target.label("zh"), target_en=target.label("en"))


def _check_date(stage: Stage, at: datetime, previous: datetime, created: datetime | None,
                closed: datetime | None, now: datetime) -> None:
    names = {"stage": stage.label("zh"), "stage_en": stage.label("en"), "day": day(at)}
    if at < previous:
        before = ("创建日期 " if created is not None else "前一阶段的日期 ") + day(previous)
        before_en = ("the created date " if created is not None else "the date of the stage before it ") + day(previous)
        raise HistoryOutOfOrder(**names, before=before, before_en=before_en)
    if closed is not None and at > closed:
        raise HistoryAfterClose(**names, closed=day(closed))
    if at > now:
        raise HistoryInFuture(what=f"阶段「{names['stage']}」的日期",
                              what_en=f"the date of stage '{names['stage_en']}'", day=day(at))
