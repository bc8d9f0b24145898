"""Alembic on MySQL/MariaDB: what the migrations ask for that MySQL words differently.

MySQL keeps an index for every foreign key and refuses to drop it ("needed in a foreign key constraint",
error 1553). Downgrades drop a table's indexes right before the table itself (the order Alembic writes), so
on MySQL such an index is left for the DROP TABLE that follows; the failed DROP INDEX changed nothing
(MySQL's DDL is not transactional, but a refused statement has no effect). Imported by
storage/migrations/env.py: registering this class makes Alembic use it for the "mysql" dialect.
"""

from __future__ import annotations

import logging
from typing import Any

from alembic.ddl.mysql import MySQLImpl
from sqlalchemy import Index
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)
NEEDED_IN_A_FOREIGN_KEY = 1553


class DealbotMySQLImpl(MySQLImpl):
    __dialect__ = "mysql"

    def drop_index(self, index: Index, **kw: Any) -> None:
        try:
            super().drop_index(index, **kw)
        except OperationalError as error:
            if NEEDED_IN_A_FOREIGN_KEY not in getattr(error.orig, "args", ()):
                raise
            log.info("index %s kept: a foreign key needs it (MySQL drops it with its table)", index.name)
