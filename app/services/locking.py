"""How transactions write on SQLite as safely as on PostgreSQL: writers queue, readers never block them.

Two rules, one place (the engine), so no view has to remember them:

- A transaction starts as a reader. The moment it first writes, its read snapshot is
  ended and it continues as a writer (``BEGIN IMMEDIATE``), which waits its turn for
  the writer lock. In WAL mode a reader that tries to *become* a writer after another
  connection committed fails at once with "database is locked", whatever the busy
  timeout: two guests opening their home page (which records offer impressions) were
  enough. Reads made before the first write are therefore not protected, exactly as
  under PostgreSQL's default READ COMMITTED.
- Code that must read under the writer lock (capacity, money) starts as a writer with
  :func:`write_transaction`: row locks on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.extensions import db
from app.services.errors import PendingWrites
from app.services.transactions import inside_transaction

IMMEDIATE = "lobby_immediate"
WRITER = "lobby_writer"  # in a connection's info: whether its open transaction holds the writer lock
FLUSHED = "lobby_flushed"  # in a session's info: what its open transaction wrote and has not committed
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def configure_engine(app: Flask) -> None:
    """Make SQLite honour our transaction boundaries.

    pysqlite delays ``BEGIN`` until the first write, so two bookings can both read
    "5 seats left" and then fail to upgrade their locks ("database is locked").
    SQLAlchemy's documented recipe takes over ``BEGIN``; we then start the booking
    transactions with ``BEGIN IMMEDIATE``, which queues writers at the start, and turn
    any other transaction into a writer at its first write (see the module's docstring).
    """
    with app.app_context():
        engine: Engine = db.engine
    _remember_flushed_writes()
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT"] * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = bool(connection.get_execution_options().get(IMMEDIATE))
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        connection.info[WRITER] = immediate

    @event.listens_for(engine, "before_cursor_execute")
    def _become_writer(connection, _cursor, statement, _parameters, _context, _executemany):
        if connection.info.get(WRITER, True) or not connection.in_transaction():
            return
        if not statement.lstrip().upper().startswith(_WRITES):
            return
        if connection.in_nested_transaction():
            return  # COMMIT would end the savepoint too; nothing here nests before its first write
        # First write of a reader: end its snapshot (it wrote nothing) and queue for the lock.
        driver = connection.connection.driver_connection
        driver.execute("COMMIT")
        driver.execute("BEGIN IMMEDIATE")
        connection.info[WRITER] = True


@contextmanager
def write_transaction() -> Iterator[Session]:
    """One transaction that reads under the writer lock: committed at the end, rolled back on error.

    It starts fresh and (on SQLite) holds the writer lock from its first statement. A
    session with writes not yet committed is refused with :class:`PendingWrites`
    rather than committed on the way in: whoever made them owns them, and committing
    them here would make them part of a transaction they never asked for.
    """
    session = db.session
    pending = pending_writes(session)
    if pending:
        raise PendingWrites(pending)
    session.commit()  # ends a read snapshot only: nothing is pending
    session.connection(execution_options={IMMEDIATE: True})
    try:
        with inside_transaction():  # operations called in here leave the commit to us
            yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def pending_writes(session: Session) -> list[str]:
    """What ``session`` would commit now: objects added, changed or deleted, flushed or not."""
    unflushed = [
        *session.new,
        *(item for item in session.dirty if session.is_modified(item)),
        *session.deleted,
    ]
    return [*session.info.get(FLUSHED, []), *(_describe(item) for item in unflushed)]


def _describe(item: object) -> str:
    identity = getattr(item, "id", None)
    return f"{type(item).__name__} {identity}" if identity is not None else f"new {type(item).__name__}"


def _remember_flushed_writes() -> None:
    """Keep, per session, what a flush wrote until the transaction ends: a flush hides it from ``dirty``."""
    if event.contains(Session, "after_flush", _note_flush):
        return
    event.listen(Session, "after_flush", _note_flush)
    event.listen(Session, "after_commit", _forget_flushes)
    event.listen(Session, "after_rollback", _forget_flushes)


def _note_flush(session: Session, _context) -> None:
    # Still the pre-flush view here (SQLAlchemy's after_flush): exactly what was written.
    written = [
        *session.new,
        *(item for item in session.dirty if session.is_modified(item)),
        *session.deleted,
    ]
    if written:
        session.info.setdefault(FLUSHED, []).extend(_describe(item) for item in written)


def _forget_flushes(session: Session) -> None:
    session.info.pop(FLUSHED, None)
