"""Persistence on SQLAlchemy 2 (async): SQLite by default, PostgreSQL in production.

Entry points: `make_engine` / `make_session_factory` (storage.engine), `SqlAlchemyUnitOfWork`
(storage.uow), `GroupCommitInbox` (storage.inbox) and `upgrade` (storage.migrate). Nothing here
touches a database at import time.
"""

from storage.engine import make_engine, make_session_factory
from storage.inbox import GroupCommitInbox
from storage.migrate import upgrade, upgrade_sync
from storage.uow import SqlAlchemyUnitOfWork

__all__ = ["GroupCommitInbox", "SqlAlchemyUnitOfWork", "make_engine", "make_session_factory", "upgrade",
           "upgrade_sync"]
