"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL.

The session's database was built by ``alembic upgrade head`` (see ``conftest.app``), never by
``create_all``; a model column, table, index or type changed without a migration would work in
the tests' eyes only if they compared nothing. This compares: autogenerate's own diff between
the models and the migrated database must be empty.
"""

from __future__ import annotations

from pprint import pformat

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String

from app.extensions import db


def schema_drift(metadata: MetaData) -> list:
    """What ``flask db migrate`` would write to bring the migrated database to ``metadata``."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_the_migrations_match_the_models(app):
    with app.app_context():
        drift = schema_drift(db.metadata)
    assert drift == [], "models and migrations differ; write a migration for:\n" + pformat(drift)


def test_a_column_without_a_migration_is_caught(app):
    """The check above is not vacuous: a model column that no migration adds shows up in the diff."""
    models = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(models)
    models.tables["stay"].append_column(Column("nickname", String(40)))
    with app.app_context():
        drift = schema_drift(models)
    added = [(change[0], change[2], change[3].name) for change in drift]
    assert added == [("add_column", "stay", "nickname")]
