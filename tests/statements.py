"""The SQL statements an app sends while a block runs: the guest pages' query budget and the benches.

One listener on the app's engine, removed when the block ends, so nothing else's statements
are counted and nothing stays listening. SQLite's ``BEGIN``s that the app issues itself
(``app/services/locking.py``) are statements sent, and counted, as the issue counts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from app.extensions import db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def is_write(statement: str) -> bool:
    return statement.lstrip().upper().startswith(WRITES)


@contextmanager
def statements_sent(app: Flask) -> Iterator[list[str]]:
    """Every statement ``app`` sends inside the block, in order, its whitespace made single spaces."""
    with app.app_context():
        engine = db.engine
    sent: list[str] = []

    def note(_connection, _cursor, statement: str, *_args) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)
