"""A clean, migrated database for a test session or a benchmark: every table dropped, then the migrations."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    Table,
    create_engine,
    text,
)

from app import create_app
from config import TestConfig


def drop_everything(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        metadata.drop_all(connection)
    engine.dispose()


def empty_tables(connection: Connection, metadata: MetaData) -> None:
    """Every row of the models' tables gone (alembic_version is not one of them), ids from 1 again.

    A DELETE per table, children first, on both engines. On PostgreSQL one
    ``TRUNCATE … RESTART IDENTITY CASCADE`` would say it in one statement, but it makes new
    files for every table and index: measured here, about 1 s against 0.1–0.2 s for the
    DELETEs after a test's worth of rows, for each of some 1,300 tests. So the DELETEs stay,
    and the sequences restart, as TRUNCATE's RESTART IDENTITY would: ids count from 1 again
    as on SQLite, where with no AUTOINCREMENT table (no sqlite_sequence) the next id is
    max(id) + 1. Both engines then run a test with the same ids.
    """
    for table in reversed(metadata.sorted_tables):
        connection.execute(table.delete())
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "SELECT setval(oid::regclass, 1, false) FROM pg_class"
                " WHERE relkind = 'S' AND relnamespace = current_schema()::regnamespace"
            )
        )


def fresh_app(url: str, **settings) -> Flask:
    drop_everything(url)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, **settings)
    with app.app_context():
        upgrade()
    return app


def insert_old_row(connection, table_name: str, **values) -> None:
    """A row as the previous schema took it: every required column not given gets a plain value."""
    table = Table(table_name, MetaData(), autoload_with=connection)
    plain = {Integer: 0, Boolean: False, DateTime: datetime(2026, 1, 1), JSON: {}, Date: date(2026, 1, 1)}
    for column in table.columns:
        if column.name in values or column.nullable or column.server_default is not None:
            continue
        values[column.name] = next((v for kind, v in plain.items() if isinstance(column.type, kind)), "")
    connection.execute(table.insert().values(**values))
