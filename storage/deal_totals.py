"""The `deal_totals` summary (models.DealTotalRow): kept by triggers on `opportunities`, in the database.

Every insert adds its deal to the row of its (team, owner, stage, currency), every delete takes it away, and
an update that changes one of those or the amount moves it. Triggers rather than application code: bulk
loads (COPY), migrations and every repository write are counted alike, and a rolled-back transaction rolls
its counts back with it. Amounts are summed as integer cents: exact on SQLite too, whose NUMERIC is a REAL.

On PostgreSQL every counted write leaves a dead version of a summary row: a bulk load of 1M deals leaves a
million (90 MB read by every header until VACUUM FULL rewrites the table: the bulk loader runs one). In
steady use autovacuum clears them where it runs; `vacuum` does it too, by `dealbot db recount` and every
housekeeping run, so that their space is reused.

MySQL/MariaDB: the same triggers in MySQL's words (ON DUPLICATE KEY UPDATE, `<=>` for IS NOT DISTINCT
FROM). MySQL does not fire triggers for rows changed by a foreign key's cascade: no cascade reaches
`opportunities` (its foreign keys have none), and one added later would have to keep that in mind.

Caution for later migrations: a SQLite batch ALTER of `opportunities` (copy, drop, rename) drops the
triggers; such a migration must call `create_triggers` again.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.mysql import is_mysql

KEY = "team_id, owner_id, stage, currency"


def _cents(amount: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"CAST(round({amount} * 100) AS INTEGER)"
    if is_mysql(dialect):
        return f"CAST(round({amount} * 100) AS SIGNED)"
    return f"round({amount} * 100)::bigint"


def _values(row: str, sign: str, dialect: str) -> str:
    """The VALUES tuple adding (sign "+") or removing ("-") the deal `row` (NEW or OLD)."""
    cents = _cents(f"{row}.amount", dialect)
    priced = f"({row}.amount IS NOT NULL)" + ("::int" if dialect == "postgresql" else "")
    return (f"(coalesce({row}.team_id, 0), coalesce({row}.owner_id, 0), {row}.stage, "
            f"coalesce({row}.amount_currency, ''), {sign}1, {sign}{priced}, {sign}coalesce({cents}, 0))")


def _upsert(row: str, sign: str, dialect: str) -> str:
    if is_mysql(dialect):
        return (f"INSERT INTO deal_totals ({KEY}, deals, priced, cents) VALUES {_values(row, sign, dialect)} "
                "ON DUPLICATE KEY UPDATE deals = deals + VALUES(deals), priced = priced + VALUES(priced), "
                "cents = cents + VALUES(cents);")
    return (f"INSERT INTO deal_totals ({KEY}, deals, priced, cents) VALUES {_values(row, sign, dialect)} "
            f"ON CONFLICT ({KEY}) DO UPDATE SET deals = deal_totals.deals + excluded.deals, "
            "priced = deal_totals.priced + excluded.priced, cents = deal_totals.cents + excluded.cents;")


# An update moves the deal only when something the totals depend on changed (not on a new next step).
_CHANGED = ("OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.owner_id IS DISTINCT FROM NEW.owner_id OR "
            "OLD.stage IS DISTINCT FROM NEW.stage OR OLD.amount IS DISTINCT FROM NEW.amount OR "
            "OLD.amount_currency IS DISTINCT FROM NEW.amount_currency")


def _sqlite_ddl() -> list[str]:
    changed = _CHANGED.replace("IS DISTINCT FROM", "IS NOT")
    return [
        f"CREATE TRIGGER deal_totals_insert AFTER INSERT ON opportunities BEGIN {_upsert('NEW', '+', 'sqlite')} END",
        f"CREATE TRIGGER deal_totals_delete AFTER DELETE ON opportunities BEGIN {_upsert('OLD', '-', 'sqlite')} END",
        f"CREATE TRIGGER deal_totals_update AFTER UPDATE ON opportunities WHEN {changed} BEGIN "
        f"{_upsert('OLD', '-', 'sqlite')} {_upsert('NEW', '+', 'sqlite')} END",
    ]


def _postgres_ddl() -> list[str]:
    function = (
        "CREATE OR REPLACE FUNCTION deal_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {_upsert('OLD', '-', 'postgresql')} END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_upsert('NEW', '+', 'postgresql')} END IF; "
        "RETURN NULL; END $$")
    apply = "FOR EACH ROW EXECUTE FUNCTION deal_totals_apply()"
    return [
        function,
        f"CREATE TRIGGER deal_totals_insert AFTER INSERT ON opportunities {apply}",
        f"CREATE TRIGGER deal_totals_delete AFTER DELETE ON opportunities {apply}",
        f"CREATE TRIGGER deal_totals_update AFTER UPDATE ON opportunities FOR EACH ROW WHEN ({_CHANGED}) "
        "EXECUTE FUNCTION deal_totals_apply()",
    ]


def _mysql_ddl() -> list[str]:
    changed = " OR ".join(f"NOT (OLD.{column} <=> NEW.{column})"
                          for column in ("team_id", "owner_id", "stage", "amount", "amount_currency"))
    return [
        f"CREATE TRIGGER deal_totals_insert AFTER INSERT ON opportunities FOR EACH ROW {_upsert('NEW', '+', 'mysql')}",
        f"CREATE TRIGGER deal_totals_delete AFTER DELETE ON opportunities FOR EACH ROW {_upsert('OLD', '-', 'mysql')}",
        f"CREATE TRIGGER deal_totals_update AFTER UPDATE ON opportunities FOR EACH ROW BEGIN IF {changed} THEN "
        f"{_upsert('OLD', '-', 'mysql')} {_upsert('NEW', '+', 'mysql')} END IF; END",
    ]


TRIGGERS = ("deal_totals_insert", "deal_totals_delete", "deal_totals_update")


def create_triggers(connection: Connection) -> None:
    dialect = connection.dialect.name
    ddl = _sqlite_ddl() if dialect == "sqlite" else _mysql_ddl() if is_mysql(dialect) else _postgres_ddl()
    for statement in ddl:
        connection.execute(text(statement.rstrip(";") if is_mysql(dialect) and "BEGIN" not in statement
                                else statement))


def drop_triggers(connection: Connection) -> None:
    on = " ON opportunities" if connection.dialect.name == "postgresql" else ""
    for trigger in TRIGGERS:
        connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}{on}"))
    if connection.dialect.name == "postgresql":
        connection.execute(text("DROP FUNCTION IF EXISTS deal_totals_apply()"))


def refill(connection: Connection) -> None:
    """Recount every row from the deals (migration; a repair after writes that bypassed the triggers)."""
    cents = _cents("amount", connection.dialect.name)
    connection.execute(text("DELETE FROM deal_totals"))
    connection.execute(text(
        f"INSERT INTO deal_totals ({KEY}, deals, priced, cents) "
        "SELECT coalesce(team_id, 0), coalesce(owner_id, 0), stage, coalesce(amount_currency, ''), "
        f"count(*), count(amount), coalesce(sum({cents}), 0) FROM opportunities "
        "GROUP BY coalesce(team_id, 0), coalesce(owner_id, 0), stage, coalesce(amount_currency, '')"))


VACUUM = "VACUUM (ANALYZE) deal_totals"
VACUUM_FULL = "VACUUM (FULL, ANALYZE) deal_totals"  # after a bulk load: a table of dead pages rewritten


async def vacuum(engine: AsyncEngine) -> None:
    """Reclaim the summary's dead row versions (PostgreSQL; SQLite and InnoDB rewrite rows in place: nothing
    to do). VACUUM runs outside a transaction: on a connection of its own in autocommit."""
    if engine.dialect.name != "postgresql":
        return
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text(VACUUM))
