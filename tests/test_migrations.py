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
from flask_migrate import upgrade
from sqlalchemy import Column, MetaData, String, select

from app import create_app
from app.extensions import db
from app.models import StaffMembership, StaffRole
from config import TestConfig
from tests.database import insert_old_row


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


def test_every_staff_account_keeps_its_hotel_and_role_as_a_membership(tmp_path):
    """Accounts made when staff worked in one hotel each still open it, with the same role."""
    url = f"sqlite:///{tmp_path / 'before.sqlite3'}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision="5961b64925f3")
        with db.engine.begin() as connection:
            for hotel_id in (1, 2):
                insert_old_row(
                    connection, "hotel", id=hotel_id, slug=f"h{hotel_id}", name={"en": "H"}, currency="EUR"
                )
            insert_old_row(connection, "staff_user", id=1, hotel_id=1, email="a@example.com", role="manager")
            insert_old_row(
                connection, "staff_user", id=2, hotel_id=2, email="b@example.com", role="receptionist"
            )
            # Something points at an account, so dropping staff_user.role must not copy the table.
            insert_old_row(
                connection,
                "audit_entry",
                hotel_id=1,
                actor_kind="staff",
                actor_staff_id=1,
                action="x",
                object_kind="x",
            )
        upgrade()
        memberships = db.session.execute(
            select(StaffMembership.staff_user_id, StaffMembership.hotel_id, StaffMembership.role).order_by(
                StaffMembership.staff_user_id
            )
        ).all()
        assert [tuple(row) for row in memberships] == [
            (1, 1, StaffRole.MANAGER),
            (2, 2, StaffRole.RECEPTIONIST),
        ]
        db.session.remove()
        db.engine.dispose()
