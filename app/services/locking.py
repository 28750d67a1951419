"""Write transactions that cannot oversell: BEGIN IMMEDIATE on SQLite, row locks on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.extensions import db

IMMEDIATE = "lobby_immediate"


def configure_engine(app: Flask) -> None:
    """Make SQLite honour our transaction boundaries.

    pysqlite delays ``BEGIN`` until the first write, so two bookings can both read
    "5 seats left" and then fail to upgrade their locks ("database is locked").
    SQLAlchemy's documented recipe takes over ``BEGIN``; we then start the booking
    transactions with ``BEGIN IMMEDIATE``, which queues writers at the start.
    """
    with app.app_context():
        engine: Engine = db.engine
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
        immediate = connection.get_execution_options().get(IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction() -> Iterator[Session]:
    """One transaction that may change capacity: committed at the end, rolled back on error.

    Whatever the session was doing is committed first, so the transaction starts
    fresh and (on SQLite) holds the writer lock from its first statement.
    """
    session = db.session
    session.commit()
    session.connection(execution_options={IMMEDIATE: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
