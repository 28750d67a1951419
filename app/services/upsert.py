"""Counting rows in one statement: insert the row, or add to the counters of the row already there.

Page views, offers shown and the sales roll-up are counted on busy paths, where reading
the row first would race another request. SQLite and PostgreSQL both say it as
``INSERT … ON CONFLICT (…) DO UPDATE``, each through its own dialect's ``insert``; this is
the one place that picks the dialect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def add_to_counters(
    session: Session,
    target: type | Table,
    rows: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    conflict: Sequence[str],
    add: Sequence[str],
    replace: Sequence[str] = (),
) -> None:
    """Insert ``rows`` into ``target`` (a model or a table); a row whose ``conflict`` columns
    (a unique index) are taken instead adds its ``add`` counters to the stored ones and
    overwrites its ``replace`` columns. Several rows go as one statement, locking in the
    order given: callers sort them, so two writers never deadlock on PostgreSQL.
    """
    table: Table = getattr(target, "__table__", target)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict),
        set_={
            **{name: table.c[name] + statement.excluded[name] for name in add},
            **{name: statement.excluded[name] for name in replace},
        },
    )
    session.execute(statement)
