"""Rows read for a test's assertions: in an app context of their own, then detached from it.

A detached row keeps the columns it was loaded with, so a test reads them after the context
closed, and the next request through the app never sees an object the test still holds.
"""

from __future__ import annotations

from sqlalchemy import Select

from app.extensions import db


def detached_rows(app, query: Select) -> list:
    with app.app_context():
        rows = list(db.session.scalars(query))
        for row in rows:
            db.session.expunge(row)
        return rows
