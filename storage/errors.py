"""Database errors that say "try the whole transaction again", not "this message is bad"."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available. The victim's transaction is
# aborted; a retry of one message inside it would wait on the same locks, so the whole batch must go.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
# MySQL/MariaDB: ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT (the error's first argument is its number).
TRANSIENT_MYSQL_ERRORS = frozenset({1213, 1205})


def is_transient(exc: BaseException) -> bool:
    """A deadlock, a serialization failure or a lock timeout (SQLAlchemy wraps the driver's error in `orig`)."""
    for error in (exc, getattr(exc, "orig", None), exc.__cause__):
        if getattr(error, "sqlstate", None) in TRANSIENT_SQLSTATES:
            return True
        args = getattr(error, "args", ()) if type(error).__module__.startswith("asyncmy") else ()
        if args and args[0] in TRANSIENT_MYSQL_ERRORS:
            return True
    return False


async def retrying(step: Callable[[], Awaitable[T]], *, attempts: int = 3, what: str = "a transaction",
                   may_retry: Callable[[], bool] = lambda: True) -> T:
    """Run `step` (one whole transaction); after a transient error run it again, at most `attempts` times.

    `may_retry` says whether a rolled-back attempt left nothing behind outside the database (when it did, the
    error is raised). Any other error, and the last attempt's, is raised as it is.
    """
    for attempt in range(1, attempts + 1):
        try:
            return await step()
        except Exception as exc:
            if attempt == attempts or not is_transient(exc) or not may_retry():
                raise
            log.info("%s met another process's locks (%s); trying again", what, type(exc).__name__)
    raise ValueError("attempts must be at least 1")
