"""storage.errors.retrying: one transaction run again after a deadlock, and only then."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from storage.errors import retrying


class DeadlockDetected(Exception):
    sqlstate = "40P01"


def _deadlock() -> DBAPIError:
    return DBAPIError("UPDATE", {}, DeadlockDetected())


class Step:
    """Fails with the given errors in turn, then answers how many times it ran."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.runs = 0

    async def __call__(self) -> int:
        self.runs += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.runs


async def test_a_deadlocked_transaction_runs_again_until_it_commits() -> None:
    step = Step(_deadlock(), _deadlock())
    assert await retrying(step, attempts=3) == 3
    assert step.runs == 3


async def test_the_last_attempts_deadlock_is_raised() -> None:
    step = Step(_deadlock(), _deadlock(), _deadlock())
    with pytest.raises(DBAPIError):
        await retrying(step, attempts=3)
    assert step.runs == 3


async def test_other_errors_are_raised_at_once() -> None:
    step = Step(ValueError("bad value"), _deadlock())
    with pytest.raises(ValueError):
        await retrying(step, attempts=3)
    assert step.runs == 1


async def test_an_attempt_that_left_something_outside_is_not_repeated() -> None:
    step = Step(_deadlock())
    with pytest.raises(DBAPIError):
        await retrying(step, attempts=3, may_retry=lambda: False)
    assert step.runs == 1
