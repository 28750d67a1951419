"""Idempotency keys for the public API's POSTs: a retried request gets the first answer, not a second effect.

A client that lost the answer to a POST sends it again with the same ``Idempotency-Key``.
The first request writes its row *before* doing the work, so a retry that arrives while
it runs is told to wait (it cannot start the work a second time), and one that arrives
after gets the stored answer. The same key with a different request is refused: that
is a client bug, and answering it with another request's answer would hide it.
Answers are kept for a day, as Stripe does; server errors are not kept, so a retry
after one does the work.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import ApiToken, IdempotentAnswer
from app.services.locking import write_transaction

KEPT_FOR = timedelta(hours=24)
# A request that started this long ago and never finished died with its worker: its key is free again.
ABANDONED_AFTER = timedelta(minutes=5)
KEY_MAX = 255


class KeyInUse(Exception):
    """Another request with this key is still running."""


class KeyReused(Exception):
    """This key came with a different request before."""


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    content_type: str
    body: str
    headers: dict[str, str]


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def begin(
    key: ApiToken, idempotency_key: str, fingerprint: str, now: datetime | None = None
) -> int | StoredAnswer:
    """Claim ``idempotency_key`` for a new request (its row id) or give back the answer it had.

    Raises :class:`KeyInUse` while the first request runs, :class:`KeyReused` for another request.
    """
    now = now or clock.now()
    try:
        with write_transaction():
            db.session.execute(
                delete(IdempotentAnswer).where(
                    IdempotentAnswer.token_id == key.id, IdempotentAnswer.created_at < now - KEPT_FOR
                )
            )
            row = db.session.scalar(
                select(IdempotentAnswer).where(
                    IdempotentAnswer.token_id == key.id, IdempotentAnswer.key == idempotency_key
                )
            )
            if row is None:
                row = IdempotentAnswer(
                    hotel_id=key.hotel_id,
                    token_id=key.id,
                    key=idempotency_key,
                    request_hash=fingerprint,
                    created_at=now,
                    status=None,
                )
                db.session.add(row)
                db.session.flush()
                return row.id
            if row.request_hash != fingerprint:
                raise KeyReused
            if row.status is not None:
                return StoredAnswer(row.status, row.content_type, row.body, dict(row.headers))
            if row.created_at > now - ABANDONED_AFTER:
                raise KeyInUse
            row.created_at = now  # taken over from a request that died
            return row.id
    except IntegrityError as error:
        # PostgreSQL: another request inserted the same key between our read and our insert.
        raise KeyInUse from error


def finish(answer_id: int, answer: StoredAnswer) -> None:
    """Keep the answer for the retries to come."""
    with write_transaction():
        row = db.session.get(IdempotentAnswer, answer_id)
        if row is not None:
            row.status = answer.status
            row.content_type = answer.content_type
            row.body = answer.body
            row.headers = answer.headers


def forget(answer_id: int) -> None:
    """The request failed on our side: the key is free, so a retry does the work."""
    with write_transaction():
        db.session.execute(delete(IdempotentAnswer).where(IdempotentAnswer.id == answer_id))
