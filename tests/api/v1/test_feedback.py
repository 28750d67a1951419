"""Guest feedback through /api/v1: ratings, recommendation scores and the desk's replies, read-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import StaffRole, StaffUser, Stay
from app.services import feedback
from tests.api.v1.conftest import bearer, make_key
from tests.factories import make_hotel, make_stay, placed_line, placed_order
from tests.staff import make_staff

FEEDBACK = "/api/v1/feedback"


@pytest.fixture
def given(app, world) -> dict[str, int]:
    """Garcia rated the stay 2 stars (low: a recovery call is due) and a past horse ride 5 stars;
    Novak, leaving tomorrow, would recommend the hotel with a 9. The desk replied to the ride."""
    with app.test_request_context():
        garcia = db.session.get(Stay, world.stays["garcia"])
        novak = db.session.get(Stay, world.stays["other"])
        novak.departure = world.today + timedelta(days=1)
        order = placed_order(world.hotel_id, garcia.id, "RIDE-1", clock.now() - timedelta(days=3))
        line = placed_line(world, order, "horse_riding", 6000)
        db.session.commit()
        stay = feedback.rate_stay(garcia, 2, "The room was cold", world.today).id
        ride = feedback.rate_line(garcia, line.id, 5, "Lovely ride").id
        score = feedback.recommend(novak, 9, "", world.today).id
        return {"stay": stay, "ride": ride, "score": score, "line": line.id}


def test_feedback_is_listed_with_every_field(client, world, key, given):
    answer = client.get(FEEDBACK, headers=key)
    assert answer.status_code == 200
    assert answer.json["next_cursor"] is None
    stay, ride, score = answer.json["data"]
    assert [stay["id"], ride["id"], score["id"]] == [given["stay"], given["ride"], given["score"]]
    assert stay | {"created_at": None} == {
        "id": given["stay"],
        "stay_id": world.stays["garcia"],
        "order_line_id": None,
        "service_id": None,
        "rating": 2,
        "nps": None,
        "low": True,
        "comment": "The room was cold",
        "reply": "",
        "replied_at": None,
        "created_at": None,
    }
    assert stay["created_at"].endswith("Z")
    assert (ride["order_line_id"], ride["service_id"], ride["rating"], ride["low"]) == (
        given["line"],
        world.services["horse_riding"],
        5,
        False,
    )
    assert (score["stay_id"], score["rating"], score["nps"], score["low"]) == (
        world.stays["other"],
        None,
        9,
        False,
    )


def test_filters_and_pages(client, world, key, given):
    def ids(**params) -> list[int]:
        answer = client.get(FEEDBACK, headers=key, query_string=params)
        assert answer.status_code == 200, answer.json
        return [item["id"] for item in answer.json["data"]]

    assert ids(rating=5) == [given["ride"]]
    assert ids(rating=2) == [given["stay"]]
    assert ids(rating=1) == []
    assert ids(service_id=world.services["horse_riding"]) == [given["ride"]]
    assert ids(service_id=world.services["crib"]) == []
    every = client.get(FEEDBACK, headers=key).json["data"]
    assert ids(since=every[1]["created_at"]) == [given["ride"], given["score"]]
    assert ids(since="2999-01-01T00:00:00+00:00") == []

    first = client.get(FEEDBACK, headers=key, query_string={"limit": 2})
    rest = client.get(FEEDBACK, headers=key, query_string={"limit": 2, "cursor": first.json["next_cursor"]})
    assert [item["id"] for item in first.json["data"] + rest.json["data"]] == [item["id"] for item in every]


def test_one_piece_of_feedback_with_the_desks_reply(app, client, world, key, given):
    email = make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST)
    with app.test_request_context():
        clerk = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        feedback.reply(world.hotel_id, given["ride"], clerk, "Come again!")
    answer = client.get(f"{FEEDBACK}/{given['ride']}", headers=key)
    assert answer.status_code == 200
    assert (answer.json["id"], answer.json["reply"]) == (given["ride"], "Come again!")
    assert answer.json["replied_at"].endswith("Z")
    assert client.get(f"{FEEDBACK}/{given['score'] + 1}", headers=key).status_code == 404


def test_feedback_needs_its_scope(app, client, world, given):
    requests_only = bearer(make_key(app, scopes=["requests:read"]))
    for path in (FEEDBACK, f"{FEEDBACK}/{given['ride']}"):
        answer = client.get(path, headers=requests_only)
        assert answer.status_code == 403
        assert answer.json["type"] == "/api/v1/problems/insufficient-scope"
        assert "feedback:read" in answer.json["detail"]
    reader = bearer(make_key(app, scopes=["feedback:read"], name="Reviews"))
    assert client.get(FEEDBACK, headers=reader).status_code == 200


def test_another_hotels_key_sees_none_of_it(app, client, world, key, given):
    with app.test_request_context():
        other = make_hotel(slug="second-lodge")
        theirs = feedback.rate_stay(make_stay(other, room="12", surname="Ito"), 4, "Fine", other.today()).id
    second = bearer(make_key(app, "second-lodge"))
    assert [item["id"] for item in client.get(FEEDBACK, headers=second).json["data"]] == [theirs]
    by_service = client.get(
        FEEDBACK, headers=second, query_string={"service_id": world.services["horse_riding"]}
    )
    assert by_service.json["data"] == []
    missing = client.get(f"{FEEDBACK}/{given['stay']}", headers=second)
    assert missing.status_code == 404
    assert missing.json["type"] == "/api/v1/problems/not-found"
    assert "cold" not in missing.get_data(as_text=True)
    assert client.get(f"{FEEDBACK}/{theirs}", headers=key).status_code == 404


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"rating": "0"}, ["query.rating"]),
        ({"rating": "6"}, ["query.rating"]),
        ({"rating": "five"}, ["query.rating"]),
        ({"service_id": "0"}, ["query.service_id"]),
        ({"since": "2030-05-06"}, ["query.since"]),
        ({"since": "9999-12-31T23:59:59-01:00"}, ["query.since"]),  # after the last moment there is
        ({"cursor": "not a cursor!"}, ["query.cursor"]),
    ],
)
def test_bad_filters_are_field_errors(client, world, key, params, fields):
    answer = client.get(FEEDBACK, headers=key, query_string=params)
    assert answer.status_code == 422
    assert answer.json["type"] == "/api/v1/problems/validation-error"
    assert [error["field"] for error in answer.json["errors"]] == fields
