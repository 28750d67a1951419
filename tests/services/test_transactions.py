"""Service operations own their transaction: committed when they return, rolled back when they raise."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Stay
from app.services.errors import LobbyError
from app.services.locking import write_transaction
from app.services.transactions import operation


@operation
def rename(stay_id: int, surname: str) -> None:
    db.session.get(Stay, stay_id).surname = surname


@operation
def rename_then_refuse(stay_id: int, surname: str) -> None:
    rename(stay_id, surname)  # an operation inside another: the outer one decides
    raise LobbyError("No.")


def surname(stay_id: int) -> str:
    db.session.rollback()  # read what is committed, not what this session holds
    return db.session.get(Stay, stay_id).surname


def test_an_operation_commits_what_it_did(app, world):
    with app.test_request_context():
        rename(world.stays["garcia"], "Committed")
        assert surname(world.stays["garcia"]) == "Committed"


def test_an_operation_that_raises_leaves_nothing_behind(app, world):
    with app.test_request_context():
        before = surname(world.stays["garcia"])
        with pytest.raises(LobbyError):
            rename_then_refuse(world.stays["garcia"], "Half done")
        assert not db.session.dirty, "rolled back by the operation, not by its caller"
        assert surname(world.stays["garcia"]) == before


def test_an_operation_under_the_writer_lock_leaves_the_commit_to_it(app, world):
    with app.test_request_context():
        before = surname(world.stays["garcia"])
        with pytest.raises(LobbyError), write_transaction():
            rename(world.stays["garcia"], "Inside")
            raise LobbyError("No.")
        assert surname(world.stays["garcia"]) == before
