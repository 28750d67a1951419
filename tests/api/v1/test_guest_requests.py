"""Guest requests through /api/v1: read with their history, moved along the desk's own lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import GuestRequest, RequestEvent, RequestKind, RequestStatus, Service, Stay
from app.services import guest_requests
from app.services.errors import NotAllowed
from tests.api.v1.conftest import bearer, make_key
from tests.desk.helpers import add_timed, checkout_on_room, signed_in_guest
from tests.factories import make_hotel, make_stay

REQUESTS = "/api/v1/requests"
MORNING = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)


def ask(app, stay_id: int, kind: RequestKind, at: datetime, **what) -> int:
    """The guest asks on My stay (the same operation the page calls), at ``at``."""
    with app.test_request_context():
        stay = db.session.get(Stay, stay_id)
        found = guest_requests.open_request(stay, kind, now=at, **what)
        db.session.commit()
        return found.id


@pytest.fixture
def asked(app, world) -> dict[str, int]:
    """Towels for Garcia at 8:00, help for Novak at 9:00, a complaint from Garcia at 10:00."""
    garcia, novak = world.stays["garcia"], world.stays["other"]
    return {
        "towels": ask(app, garcia, RequestKind.AMENITY, MORNING, item="towels", quantity=2),
        "help": ask(app, novak, RequestKind.HELP, MORNING + timedelta(hours=1), details="Call me"),
        "complaint": ask(app, garcia, RequestKind.COMPLAINT, MORNING + timedelta(hours=2), details="Noisy"),
    }


def test_requests_are_listed_with_their_state(client, world, key, asked):
    answer = client.get(REQUESTS, headers=key)
    assert answer.status_code == 200
    assert [item["id"] for item in answer.json["data"]] == [
        asked["towels"],
        asked["help"],
        asked["complaint"],
    ]
    towels = answer.json["data"][0]
    assert towels == towels | {
        "stay_id": world.stays["garcia"],
        "room": "204",
        "kind": "amenity",
        "status": "new",
        "item": "towels",
        "quantity": 2,
        "details": "",
        "guest_message": "",
        "order_line_id": None,
        "feedback_id": None,
        "assignee_id": None,
        "acknowledged_at": None,
        "resolved_at": None,
        "created_at": "2030-05-06T08:00:00Z",
        "ack_due_at": "2030-05-06T08:10:00Z",  # an amenity: 10 minutes to acknowledge
        "resolve_due_at": "2030-05-06T09:00:00Z",
    }
    assert "events" not in towels  # the history is on the request's own page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "new"}, ["towels", "help", "complaint"]),
        ({"status": "done"}, []),
        ({"kind": "complaint"}, ["complaint"]),
        ({"kind": "amenity", "status": "new"}, ["towels"]),
        ({"created_from": "2030-05-06T09:00:00Z"}, ["help", "complaint"]),
        ({"created_from": "2030-05-06T11:00:00+02:00"}, ["help", "complaint"]),  # 9:00 UTC
        ({"created_from": "2030-05-06T10:00:01Z"}, []),
    ],
)
def test_filters_narrow_the_list(client, world, key, asked, params, expected):
    answer = client.get(REQUESTS, headers=key, query_string=params)
    assert answer.status_code == 200
    assert [item["id"] for item in answer.json["data"]] == [asked[name] for name in expected]


def test_filter_by_stay_and_pages(client, world, key, asked):
    garcia = client.get(REQUESTS, headers=key, query_string={"stay_id": world.stays["garcia"]})
    assert [item["id"] for item in garcia.json["data"]] == [asked["towels"], asked["complaint"]]
    first = client.get(REQUESTS, headers=key, query_string={"limit": 2})
    assert len(first.json["data"]) == 2
    rest = client.get(REQUESTS, headers=key, query_string={"limit": 2, "cursor": first.json["next_cursor"]})
    assert [item["id"] for item in rest.json["data"]] == [asked["complaint"]]
    assert rest.json["next_cursor"] is None


def test_one_request_comes_with_its_history(client, world, key, asked):
    answer = client.get(f"{REQUESTS}/{asked['towels']}", headers=key)
    assert answer.status_code == 200
    assert answer.json["kind"] == "amenity"
    [created] = answer.json["events"]
    assert created | {"id": 0} == {
        "id": 0,
        "at": "2030-05-06T08:00:00Z",
        "action": "created",
        "by": "guest",
        "staff_id": None,
        "from_value": "",
        "to_value": "new",
        "text": "",
    }


def test_a_status_change_goes_through_the_desks_lifecycle_with_a_note(
    app, client, world, key, asked, frozen_now
):
    frozen_now(MORNING + timedelta(minutes=5))
    path = f"{REQUESTS}/{asked['towels']}"
    answer = client.patch(path, headers=key, json={"status": "in_progress", "note": "Housekeeping is on it"})
    assert answer.status_code == 200
    assert answer.json["status"] == "in_progress"
    assert answer.json["acknowledged_at"] == "2030-05-06T08:05:00Z"
    _created, moved, note = answer.json["events"]
    assert (moved["action"], moved["from_value"], moved["to_value"], moved["by"]) == (
        "status",
        "new",
        "in_progress",
        "system",  # an API key, never the guest
    )
    assert (note["action"], note["text"], note["by"]) == ("note", "Housekeeping is on it", "system")

    frozen_now(MORNING + timedelta(minutes=30))
    done = client.patch(path, headers=key, json={"status": "done"})
    assert done.status_code == 200
    assert (done.json["status"], done.json["resolved_at"]) == ("done", "2030-05-06T08:30:00Z")
    assert len(done.json["events"]) == 4  # no note, no note event
    assert client.get(path, headers=key).json == done.json

    # The desk sees the same history: the API's changes are the system's, not the guest's.
    with app.app_context():
        events = db.session.scalars(
            select(RequestEvent).where(RequestEvent.request_id == asked["towels"]).order_by(RequestEvent.id)
        ).all()
        assert [(event.action, event.by_guest) for event in events] == [
            ("created", True),
            ("status", False),
            ("note", False),
            ("status", False),
        ]


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("done", "in_progress"),
        ("cancelled", "done"),
        ("in_progress", "acknowledged"),
        ("acknowledged", "new"),
    ],
)
def test_a_move_the_lifecycle_forbids_is_a_conflict_and_changes_nothing(
    client, world, key, asked, first, then
):
    path = f"{REQUESTS}/{asked['help']}"
    assert client.patch(path, headers=key, json={"status": first}).status_code == 200
    before = client.get(path, headers=key).json
    refused = client.patch(path, headers=key, json={"status": then, "note": "Should not be kept"})
    assert refused.status_code == 409
    assert refused.json["type"] == "/api/v1/problems/conflict"
    assert client.get(path, headers=key).json == before


def test_the_same_status_again_is_a_conflict(client, world, key, asked):
    refused = client.patch(f"{REQUESTS}/{asked['help']}", headers=key, json={"status": "new"})
    assert refused.status_code == 409


def test_an_approval_is_answered_at_the_desk_not_moved(app, client, world, key):
    """Approving books the service and charges the room: a bare status change would skip both."""
    with app.app_context():
        db.session.get(Service, world.services["farm_visit"]).needs_approval = True
        db.session.commit()
    guest = signed_in_guest(app)
    add_timed(guest, world.services["farm_visit"], adults=2)
    checkout_on_room(guest)
    with app.app_context():
        approval = db.session.scalar(select(GuestRequest.id).where(GuestRequest.kind == RequestKind.APPROVAL))
    for status in ("done", "declined", "cancelled", "in_progress"):
        refused = client.patch(f"{REQUESTS}/{approval}", headers=key, json={"status": status})
        assert refused.status_code == 409
        assert "Approve or decline" in refused.json["detail"]
    assert client.get(f"{REQUESTS}/{approval}", headers=key).json["status"] == "new"


def test_an_empty_note_is_refused_with_nothing_changed(client, world, key, asked):
    path = f"{REQUESTS}/{asked['help']}"
    blank = client.patch(path, headers=key, json={"status": "done", "note": "   "})
    assert blank.status_code == 422
    assert blank.json["type"] == "/api/v1/problems/refused"
    assert client.get(path, headers=key).json["status"] == "new"


def test_each_endpoint_needs_its_scope(app, client, world, asked):
    reader = bearer(make_key(app, scopes=["requests:read"]))
    writer = bearer(make_key(app, scopes=["requests:write"], name="Writer"))
    path = f"{REQUESTS}/{asked['towels']}"
    refused = client.patch(path, headers=reader, json={"status": "done"})
    assert refused.status_code == 403 and "requests:write" in refused.json["detail"]
    for address in (REQUESTS, path):
        answer = client.get(address, headers=writer)
        assert answer.status_code == 403 and "requests:read" in answer.json["detail"]
    assert client.patch(path, headers=writer, json={"status": "done"}).status_code == 200


def test_another_hotels_key_sees_and_moves_nothing(app, client, world, key, asked):
    with app.app_context():
        other = make_hotel(slug="second-lodge")
        theirs_stay = make_stay(other, room="12", surname="Ito")
        their_stay_id = theirs_stay.id
    theirs = ask(app, their_stay_id, RequestKind.HELP, MORNING, details="Taxi")
    second = bearer(make_key(app, "second-lodge"))

    listed = client.get(REQUESTS, headers=second)
    assert [item["id"] for item in listed.json["data"]] == [theirs]
    by_stay = client.get(REQUESTS, headers=second, query_string={"stay_id": world.stays["garcia"]})
    assert by_stay.json["data"] == []
    path = f"{REQUESTS}/{asked['towels']}"
    for answer in (
        client.get(path, headers=second),
        client.patch(path, headers=second, json={"status": "done"}),
    ):
        assert answer.status_code == 404
        assert answer.json["type"] == "/api/v1/problems/not-found"
        assert "towels" not in answer.get_data(as_text=True)
    assert client.get(path, headers=key).json["status"] == "new"
    assert client.get(f"{REQUESTS}/{theirs}", headers=key).status_code == 404


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"status": "lost"}, ["query.status"]),
        ({"kind": "wish"}, ["query.kind"]),
        ({"stay_id": "-1"}, ["query.stay_id"]),
        ({"created_from": "2030-05-06 09:00"}, ["query.created_from"]),
        ({"limit": "101"}, ["query.limit"]),
    ],
)
def test_bad_filters_are_field_errors(client, world, key, params, fields):
    answer = client.get(REQUESTS, headers=key, query_string=params)
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json["errors"]] == fields


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["body.status"]),
        ({"status": "lost"}, ["body.status"]),
        ({"status": "done", "note": ""}, ["body.note"]),
        ({"status": "done", "note": "x" * 2001}, ["body.note"]),
        ({"status": "done", "note": "a\x00b"}, ["body.note"]),
        ({"status": "done", "assignee": 3}, ["body.assignee"]),
        ([], ["body"]),
    ],
    ids=["no status", "unknown status", "empty note", "long note", "NUL", "unknown field", "not an object"],
)
def test_a_bad_body_is_field_errors_and_changes_nothing(client, world, key, asked, body, fields):
    path = f"{REQUESTS}/{asked['help']}"
    answer = client.patch(path, headers=key, json=body)
    assert answer.status_code == 422
    assert answer.json["type"] == "/api/v1/problems/validation-error"
    assert [error["field"] for error in answer.json["errors"]] == fields
    assert client.get(path, headers=key).json["status"] == "new"


def test_the_body_must_be_json(client, world, key, asked):
    answer = client.patch(f"{REQUESTS}/{asked['help']}", headers=key, data="status=done")
    assert answer.status_code == 415


def test_the_desk_cannot_move_an_approval_with_a_bare_status_either(app, world):
    """The desk's status form and the API share one operation: neither skips approving."""
    with app.test_request_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        found = guest_requests.open_request(stay, RequestKind.APPROVAL)
        db.session.commit()
        with pytest.raises(NotAllowed):
            guest_requests.change_status(found, RequestStatus.DONE, None)
        assert db.session.get(GuestRequest, found.id).status is RequestStatus.NEW
