"""Idempotency-Key on the API's POSTs, shown on POST /stays: a retried request gets the first answer."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app import clock
from app.extensions import db
from app.models import ApiCall, ApiToken, AuditEntry, IdempotentAnswer, Stay
from app.services import guest_access, idempotency
from tests.api.v1.conftest import bearer, make_key

STAYS = "/api/v1/stays"


def reservation_body(world, pms_id: str = "R-1", **overrides) -> bytes:
    fields = {
        "pms_reservation_id": pms_id,
        "surname": "Okafor",
        "arrival": (world.today + timedelta(days=2)).isoformat(),
        "departure": (world.today + timedelta(days=4)).isoformat(),
    }
    return json.dumps(fields | overrides).encode()


def post(client, key, body: bytes, idempotency_key: str | None = "key-1"):
    headers = dict(key) | ({"Idempotency-Key": idempotency_key} if idempotency_key else {})
    return client.post(STAYS, data=body, content_type="application/json", headers=headers)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_same_key_and_body_get_the_first_answer_and_make_one_stay(app, client, world, key):
    body = reservation_body(world)
    first = post(client, key, body)
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    entries = count(app, AuditEntry)

    again = post(client, key, body)
    assert again.status_code == 201  # the first answer, status included
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert again.json["outcome"] == "created"
    assert again.headers["Location"] == first.headers["Location"]
    assert count(app, Stay, Stay.pms_reservation_id == "R-1") == 1
    assert count(app, AuditEntry) == entries
    with app.app_context():
        calls = list(db.session.scalars(select(ApiCall).order_by(ApiCall.id)))
        assert [(call.idempotency_key, call.replayed) for call in calls] == [
            ("key-1", False),
            ("key-1", True),
        ]

    # Without the key the upsert is still harmless: the same stay, unchanged.
    plain = post(client, key, body, idempotency_key=None)
    assert (plain.status_code, plain.json["outcome"], plain.json["id"]) == (
        200,
        "unchanged",
        first.json["id"],
    )


def test_the_same_key_with_another_body_is_refused(app, client, world, key):
    assert post(client, key, reservation_body(world)).status_code == 201
    other = post(client, key, reservation_body(world, surname="Someone Else"))
    assert other.status_code == 422
    assert other.json["type"] == "/api/v1/problems/idempotency-key-reused"
    with app.app_context():
        assert db.session.scalar(select(Stay.surname).where(Stay.pms_reservation_id == "R-1")) == "Okafor"


def test_a_key_still_in_use_is_a_conflict_to_retry(app, client, world, key):
    body = reservation_body(world)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        # Another request with this key started a moment ago and has not answered yet.
        db.session.add(
            IdempotentAnswer(
                hotel_id=token.hotel_id,
                token_id=token.id,
                key="key-1",
                request_hash=idempotency.request_hash("POST", STAYS + "?", body),
                created_at=clock.now(),
                status=None,
            )
        )
        db.session.commit()
    busy = post(client, key, body)
    assert busy.status_code == 409
    assert busy.json["type"] == "/api/v1/problems/idempotency-key-in-use"
    assert busy.headers["Retry-After"] == "1"
    assert count(app, Stay, Stay.pms_reservation_id == "R-1") == 0


def test_a_key_is_per_api_key(app, client, world, key):
    other_key = bearer(make_key(app, name="Channel manager"))
    assert post(client, key, reservation_body(world)).status_code == 201
    # The other key's request with the same Idempotency-Key is its own: here an update, not a replay.
    second = post(client, other_key, reservation_body(world, surname="Okafor-Smith"))
    assert second.status_code == 200
    assert "Idempotent-Replayed" not in second.headers
    assert second.json["outcome"] == "updated"


def test_a_refusal_is_kept_like_any_answer(app, client, world, key):
    body = reservation_body(world, departure=world.today.isoformat())
    refused = post(client, key, body)
    assert refused.status_code == 422
    again = post(client, key, body)
    assert (again.status_code, again.headers["Idempotent-Replayed"]) == (422, "true")
    assert again.json == refused.json


@pytest.mark.parametrize(
    ("failure", "status"),
    [(RuntimeError("a bug"), 500), (OperationalError("INSERT", {}, Exception("database is locked")), 503)],
    ids=["server error", "store unavailable"],
)
def test_a_server_error_is_not_kept_so_a_retry_does_the_work(
    app, client, world, key, monkeypatch, failure, status
):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer as production would
    original = guest_access.new_access_token

    def fails_once() -> str:
        # The store fails while the stay is being made; the next attempt finds it working again.
        monkeypatch.setattr(guest_access, "new_access_token", original)
        raise failure

    monkeypatch.setattr(guest_access, "new_access_token", fails_once)
    body = reservation_body(world)
    failed = post(client, key, body)
    assert failed.status_code == status
    assert failed.mimetype == "application/problem+json"
    assert count(app, IdempotentAnswer) == 0
    assert count(app, Stay, Stay.pms_reservation_id == "R-1") == 0

    retried = post(client, key, body)
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert count(app, Stay, Stay.pms_reservation_id == "R-1") == 1
