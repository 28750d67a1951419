"""Service operations own their transaction: committed when they succeed, rolled back when they raise.

The one rule for writes (Indico's ``operations.py``): a public service function that
changes something is decorated with :func:`operation`, so whoever calls it (a view,
the API, a CLI command, a worker) finds its work committed, or nothing of it at all
when it raised a :class:`~app.services.errors.LobbyError`. Views never commit or roll
back; they turn the error into the form's message (``app.web.operations``).

An operation that needs to read under the writer lock (capacity, money) uses
``locking.write_transaction`` inside; it starts from a clean session. Operations may
call each other: only the outermost one ends the transaction, so a step that fails
takes the whole operation back with it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_DEPTH = "lobby_operation_depth"  # in the session's info: how many operations are running


def operation(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` as one transaction: commit on return, roll back on any exception."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        session = db.session
        with inside_transaction() as outermost:
            try:
                result = function(*args, **kwargs)
                if outermost:
                    session.commit()
                return result
            except BaseException:
                if outermost:
                    session.rollback()
                raise

    return run


@contextmanager
def inside_transaction() -> Iterator[bool]:
    """Mark the block as running inside a transaction someone owns; yields whether it is the outermost.

    ``locking.write_transaction`` marks its block too, so an operation called under
    the writer lock leaves the commit to it.
    """
    info = db.session.info
    depth = info.get(_DEPTH, 0)
    info[_DEPTH] = depth + 1
    try:
        yield depth == 0
    finally:
        info[_DEPTH] = depth
