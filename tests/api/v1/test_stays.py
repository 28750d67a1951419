"""Stays through the public API: upserted by the PMS's id, changed, cancelled, checked in and out."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ActorKind, AuditEntry, Hotel, Stay
from app.services import signed_links
from app.services.availability import local_datetime
from tests.api.v1.conftest import bearer, make_key
from tests.factories import make_hotel, make_stay, placed_line, placed_order

PROBLEM = "application/problem+json"


def reservation(world, **overrides) -> dict:
    """A reservation arriving in three days, as a PMS sends it."""
    fields = {
        "surname": "Müller",
        "first_name": "Anna",
        "email": "Anna.Mueller@Example.com",
        "language": "vi-VN",
        "arrival": (world.today + timedelta(days=3)).isoformat(),
        "departure": (world.today + timedelta(days=7)).isoformat(),
        "adults": 2,
        "children_ages": [1, 6],
        "room": "",
        "tier": "silver",
        "pms_account_id": "acc-77",
    }
    return fields | overrides


def put(client, key, pms_id: str, body: dict):
    return client.put(f"/api/v1/stays/by-reservation/{pms_id}", json=body, headers=key)


def audit_entries(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        statement = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            statement = statement.where(AuditEntry.action == action)
        entries = list(db.session.scalars(statement))
        db.session.expunge_all()
        return entries


@pytest.fixture
def second_hotel(app, world) -> dict:
    """Another hotel with a stay of its own and a key with every scope."""
    with app.app_context():
        other = make_hotel(slug="second-lodge", enabled_locales=["en"])
        stay = make_stay(other, room="101", surname="Stranger")
        return {"stay_id": stay.id, "key": bearer(make_key(app, "second-lodge"))}


# --- creating and updating by the PMS's id -------------------------------------------------------


def test_a_reservation_put_twice_is_made_once_and_then_changes_nothing(app, client, world, key):
    body = reservation(world)
    made = put(client, key, "R-100", body)
    assert made.status_code == 201
    stay = made.json
    assert stay["outcome"] == "created"
    assert made.headers["Location"].endswith(f"/api/v1/stays/{stay['id']}")
    assert stay["pms_reservation_id"] == "R-100"
    assert stay["source"] == "api"
    assert stay["status"] == "expected"
    assert stay["language"] == "vi"  # the closest language the hotel has
    assert stay["email"] == "Anna.Mueller@example.com"
    assert stay["children_ages"] == [1, 6]
    assert stay["tier"] == "silver"
    assert stay["pms_account_id"] == "acc-77"
    assert stay["guest_link"].startswith("http://") and "/s/" in stay["guest_link"]
    entries = len(audit_entries(app))

    again = put(client, key, "R-100", body)
    assert again.status_code == 200
    assert again.json == stay | {"outcome": "unchanged"}
    third = put(client, key, "R-100", body)
    assert (third.status_code, third.json) == (200, again.json)
    assert len(audit_entries(app)) == entries  # nothing changed, nothing recorded
    with app.app_context():
        assert db.session.scalar(select(func.count(Stay.id)).where(Stay.pms_reservation_id == "R-100")) == 1


def test_a_changed_reservation_updates_its_stay_and_the_trail_names_the_key(app, client, world, key):
    first = put(client, key, "R-101", reservation(world)).json
    moved = put(client, key, "R-101", reservation(world, room="204", adults=3, language="en"))
    assert moved.status_code == 200
    assert moved.json["outcome"] == "updated"
    assert moved.json["id"] == first["id"]
    assert (moved.json["room"], moved.json["adults"], moved.json["language"]) == ("204", 3, "en")
    [entry] = audit_entries(app, "stay.updated")
    assert entry.before == {"room": "", "adults": 2, "locale": "vi"}
    assert entry.after == {"room": "204", "adults": 3, "locale": "en"}
    assert entry.actor_kind is ActorKind.PMS
    assert entry.actor_name == "PMS"  # the key's name


def test_post_makes_or_updates_by_the_id_in_the_body(app, client, world, key):
    made = client.post("/api/v1/stays", json=reservation(world, pms_reservation_id="R-200"), headers=key)
    assert (made.status_code, made.json["outcome"]) == (201, "created")
    same = client.post("/api/v1/stays", json=reservation(world, pms_reservation_id="R-200"), headers=key)
    assert (same.status_code, same.json["outcome"], same.json["id"]) == (200, "unchanged", made.json["id"])
    # The same reservation through PUT is the same stay.
    assert put(client, key, "R-200", reservation(world)).json["id"] == made.json["id"]


def test_a_reservation_that_breaks_the_rules_names_every_field(client, world, key):
    refused = put(
        client,
        key,
        "R-300",
        reservation(world, surname="", adults=0, children_ages=[3, 40], email="x\x00y", tier="platinum"),
    )
    assert refused.status_code == 422
    assert refused.mimetype == PROBLEM
    assert refused.json["type"] == "/api/v1/problems/validation-error"
    fields = {error["field"] for error in refused.json["errors"]}
    assert {"body.surname", "body.adults", "body.children_ages.1", "body.email", "body.tier"} <= fields

    # Rules the service knows: the order of the dates, a real address, years that make sense.
    backwards = put(
        client,
        key,
        "R-300",
        reservation(world, departure=world.today.isoformat(), email="not-an-address"),
    )
    assert backwards.status_code == 422
    assert backwards.json["type"] == "/api/v1/problems/refused"
    assert {e["field"] for e in backwards.json["errors"]} == {"body.departure", "body.email"}
    far = put(client, key, "R-300", reservation(world, arrival="9999-12-30", departure="9999-12-31"))
    assert far.status_code == 422
    assert {e["field"] for e in far.json["errors"]} == {"body.arrival", "body.departure"}

    blank_id = put(client, key, "%20%20", reservation(world))
    assert blank_id.status_code == 422
    assert blank_id.json["errors"][0]["field"] == "path.pms_reservation_id"
    not_json = client.put("/api/v1/stays/by-reservation/R-300", data="surname=x", headers=key)
    assert not_json.status_code == 415


# --- reading ----------------------------------------------------------------------------------------


def test_a_stay_is_read_by_its_id_or_its_reservation_id(app, client, world, key):
    made = put(client, key, "R-400", reservation(world)).json
    made.pop("outcome")
    by_id = client.get(f"/api/v1/stays/{made['id']}", headers=key)
    assert (by_id.status_code, by_id.json) == (200, made)
    by_reservation = client.get("/api/v1/stays/by-reservation/R-400", headers=key)
    assert (by_reservation.status_code, by_reservation.json) == (200, made)
    assert client.get("/api/v1/stays/by-reservation/R-nope", headers=key).status_code == 404
    assert client.get("/api/v1/stays/2147483647", headers=key).status_code == 404

    desk_made = client.get(f"/api/v1/stays/{world.stays['garcia']}", headers=key).json
    assert desk_made["source"] == "desk"
    assert desk_made["pms_reservation_id"] is None
    assert desk_made["status"] == "in_house"
    assert desk_made["checked_in_at"].endswith("Z") or "+00:00" in desk_made["checked_in_at"]


def test_the_guest_link_signs_the_guest_in(app, client, world, key):
    link = put(client, key, "R-401", reservation(world)).json["guest_link"]
    opened = app.test_client().get(link)
    assert opened.status_code == 302
    assert opened.location.endswith("/home") or opened.location.endswith("/")


def test_stays_are_listed_by_dates_status_and_reservation_id_page_by_page(app, client, world, key):
    soon = put(client, key, "R-500", reservation(world)).json
    later = put(
        client,
        key,
        "R-501",
        reservation(
            world,
            arrival=(world.today + timedelta(days=10)).isoformat(),
            departure=(world.today + timedelta(days=12)).isoformat(),
        ),
    ).json
    cancelled = put(client, key, "R-502", reservation(world)).json
    assert client.post(f"/api/v1/stays/{cancelled['id']}/cancel", headers=key).status_code == 200

    def ids(**query) -> list[int]:
        answer = client.get("/api/v1/stays", query_string=query, headers=key)
        assert answer.status_code == 200, answer.json
        return [stay["id"] for stay in answer.json["data"]]

    everyone = ids()
    assert everyone == sorted([*world.stays.values(), soon["id"], later["id"], cancelled["id"]])
    in_three_days = (world.today + timedelta(days=3)).isoformat()
    assert ids(arriving_from=in_three_days) == [soon["id"], later["id"], cancelled["id"]]
    assert ids(arriving_from=in_three_days, arriving_until=in_three_days) == [soon["id"], cancelled["id"]]
    assert ids(departing_until=(world.today + timedelta(days=5)).isoformat()) == sorted(world.stays.values())
    assert ids(departing_from=(world.today + timedelta(days=12)).isoformat()) == [later["id"]]
    assert ids(status="expected") == [soon["id"], later["id"]]
    assert ids(status="cancelled") == [cancelled["id"]]
    assert ids(status="in_house") == sorted(world.stays.values())
    assert ids(status="departed") == []
    assert ids(pms_reservation_id="R-501") == [later["id"]]

    first = client.get("/api/v1/stays", query_string={"limit": 2}, headers=key).json
    second = client.get(
        "/api/v1/stays", query_string={"limit": 2, "cursor": first["next_cursor"]}, headers=key
    )
    last = client.get(
        "/api/v1/stays", query_string={"limit": 2, "cursor": second.json["next_cursor"]}, headers=key
    ).json
    walked = [stay["id"] for stay in first["data"] + second.json["data"] + last["data"]]
    assert walked == everyone
    assert last["next_cursor"] is None

    bad = client.get("/api/v1/stays", query_string={"status": "asleep", "arriving_from": "soon"}, headers=key)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json["errors"]} == {"query.status", "query.arriving_from"}


# --- changing ---------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(app, client, world, key):
    made = put(client, key, "R-600", reservation(world)).json
    changed = client.patch(
        f"/api/v1/stays/{made['id']}",
        json={"email": "anna@example.org", "language": "en-GB", "room": "305", "children_ages": [2]},
        headers=key,
    )
    assert changed.status_code == 200
    answer = changed.json
    assert (answer["email"], answer["language"], answer["room"], answer["children_ages"]) == (
        "anna@example.org",
        "en",
        "305",
        [2],
    )
    unchanged = {"surname", "first_name", "arrival", "departure", "adults", "tier", "pms_account_id"}
    assert {name: answer[name] for name in unchanged} == {name: made[name] for name in unchanged}
    [entry] = audit_entries(app, "stay.updated")
    assert entry.after == {"email": "anna@example.org", "locale": "en", "room": "305", "children_ages": [2]}

    # The same change again changes nothing and records nothing.
    again = client.patch(f"/api/v1/stays/{made['id']}", json={"room": "305"}, headers=key)
    assert again.status_code == 200
    assert len(audit_entries(app, "stay.updated")) == 1


def test_patch_is_validated_field_by_field_and_as_a_whole(client, world, key):
    stay_id = world.stays["garcia"]
    nulls = client.patch(f"/api/v1/stays/{stay_id}", json={"surname": None, "adults": 99}, headers=key)
    assert nulls.status_code == 422
    assert {e["field"] for e in nulls.json["errors"]} == {"body.surname", "body.adults"}
    blank = client.patch(f"/api/v1/stays/{stay_id}", json={"surname": "  ", "email": "nope"}, headers=key)
    assert blank.status_code == 422
    assert {e["field"] for e in blank.json["errors"]} == {"body.surname", "body.email"}
    # A new arrival after the stay's departure: the departure is what no longer fits.
    late = client.patch(
        f"/api/v1/stays/{stay_id}",
        json={"arrival": (world.today + timedelta(days=9)).isoformat()},
        headers=key,
    )
    assert late.status_code == 422
    assert [e["field"] for e in late.json["errors"]] == ["body.departure"]


def test_new_dates_may_not_leave_a_booking_outside_the_stay(app, client, world, key):
    stay_id = world.stays["garcia"]
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        tomorrow_noon = local_datetime(world.today + timedelta(days=1), time(12), hotel.tz)
        order = placed_order(world.hotel_id, stay_id, "ORD-1", tomorrow_noon - timedelta(days=2))
        placed_line(
            world,
            order,
            "horse_riding",
            6000,
            starts_at=tomorrow_noon,
            ends_at=tomorrow_noon + timedelta(hours=1),
        )
        db.session.commit()
    shorter = client.patch(
        f"/api/v1/stays/{stay_id}", json={"departure": world.today.isoformat()}, headers=key
    )
    assert shorter.status_code == 409
    assert shorter.json["type"] == "/api/v1/problems/conflict"
    assert "1 booking" in shorter.json["detail"]
    later = client.patch(
        f"/api/v1/stays/{stay_id}",
        json={"arrival": (world.today + timedelta(days=2)).isoformat()},
        headers=key,
    )
    assert later.status_code == 409
    assert (
        client.get(f"/api/v1/stays/{stay_id}", headers=key).json["departure"]
        == (world.today + timedelta(days=5)).isoformat()
    )
    assert audit_entries(app, "stay.updated") == []
    # Dates that still hold the booking are fine, the booking's own day included.
    kept = client.patch(
        f"/api/v1/stays/{stay_id}",
        json={
            "arrival": (world.today - timedelta(days=3)).isoformat(),
            "departure": (world.today + timedelta(days=1)).isoformat(),
        },
        headers=key,
    )
    assert kept.status_code == 200
    assert kept.json["departure"] == (world.today + timedelta(days=1)).isoformat()


# --- cancelling, checking in and out ----------------------------------------------------------------


def test_a_cancelled_stay_can_no_longer_sign_in_in_any_way(app, client, world, key, guest):
    today = world.today.isoformat()
    made = put(
        client,
        key,
        "R-700",
        reservation(
            world, room="205", arrival=today, departure=(world.today + timedelta(days=3)).isoformat()
        ),
    ).json
    with app.app_context():
        stay = db.session.get(Stay, made["id"])
        emailed = signed_links.open_token(stay, "/stay")
    token = made["guest_link"].rsplit("/", 1)[-1]
    assert guest.sign_in("205", "Müller").status_code == 302  # works until the cancellation
    assert guest.client.get("/stay").status_code == 200

    cancelled = client.post(f"/api/v1/stays/{made['id']}/cancel", headers=key)
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled"
    assert cancelled.json["cancelled_at"] is not None
    [entry] = audit_entries(app, "stay.cancelled")
    assert entry.object_id == made["id"]

    assert guest.client.get("/stay").status_code == 302  # the open session ended
    assert guest.sign_in("205", "Müller").status_code == 401
    by_reference = guest.post(
        "/signin",
        {"method": "reference", "ref-reference": made["booking_reference"], "ref-surname": "Müller"},
        follow_redirects=False,
    )
    assert by_reference.status_code == 401
    assert guest.open_link(token).status_code == 404
    assert guest.client.get(f"/e/{emailed}").status_code == 404

    # Cancelling again answers the same; the PMS sending the reservation again makes it live again.
    assert client.post(f"/api/v1/stays/{made['id']}/cancel", headers=key).json == cancelled.json
    assert len(audit_entries(app, "stay.cancelled")) == 1
    revived = put(
        client,
        key,
        "R-700",
        reservation(
            world, room="205", arrival=today, departure=(world.today + timedelta(days=3)).isoformat()
        ),
    )
    assert (revived.json["outcome"], revived.json["status"]) == ("updated", "expected")
    assert guest.open_link(token).status_code == 302


def test_a_cancelled_stay_cannot_be_checked_in_or_sold_to(app, client, world, key):
    made = put(client, key, "R-701", reservation(world, arrival=world.today.isoformat())).json
    assert client.post(f"/api/v1/stays/{made['id']}/cancel", headers=key).status_code == 200
    refused = client.post(f"/api/v1/stays/{made['id']}/check-in", headers=key)
    assert refused.status_code == 409
    assert "cancelled" in refused.json["detail"]


def test_check_in_and_out_follow_the_stays_life(app, client, world, key):
    arriving = put(client, key, "R-800", reservation(world, arrival=world.today.isoformat())).json
    future = put(client, key, "R-801", reservation(world)).json
    stay_path = f"/api/v1/stays/{arriving['id']}"

    assert client.post(f"{stay_path}/check-out", headers=key).status_code == 409  # not in yet
    early = client.post(f"/api/v1/stays/{future['id']}/check-in", headers=key)
    assert (early.status_code, early.json["type"]) == (409, "/api/v1/problems/conflict")

    checked_in = client.post(f"{stay_path}/check-in", headers=key)
    assert checked_in.status_code == 200
    assert checked_in.json["status"] == "in_house"
    assert checked_in.json["checked_in_at"] is not None
    assert client.post(f"{stay_path}/check-in", headers=key).status_code == 409
    assert client.post(f"{stay_path}/cancel", headers=key).status_code == 409  # in the house: check out

    checked_out = client.post(f"{stay_path}/check-out", headers=key)
    assert checked_out.status_code == 200
    assert checked_out.json["status"] == "departed"
    assert client.post(f"{stay_path}/check-out", headers=key).status_code == 409
    assert client.post(f"{stay_path}/cancel", headers=key).status_code == 409
    actions = [entry.action for entry in audit_entries(app) if entry.object_id == arriving["id"]]
    assert actions[-2:] == ["stay.checked_in", "stay.checked_out"]


# --- scopes and hotels ------------------------------------------------------------------------------

READS = [("GET", "/api/v1/stays"), ("GET", "/api/v1/stays/{id}"), ("GET", "/api/v1/stays/by-reservation/R-1")]
WRITES = [
    ("PUT", "/api/v1/stays/by-reservation/R-1"),
    ("POST", "/api/v1/stays"),
    ("PATCH", "/api/v1/stays/{id}"),
    ("POST", "/api/v1/stays/{id}/cancel"),
    ("POST", "/api/v1/stays/{id}/check-in"),
    ("POST", "/api/v1/stays/{id}/check-out"),
]


@pytest.mark.parametrize(("method", "path"), READS + WRITES)
def test_each_endpoint_needs_its_scope(app, client, world, method, path):
    scope = "stays:read" if (method, path) in READS else "stays:write"
    other = "stays:write" if scope == "stays:read" else "stays:read"
    lacking = bearer(make_key(app, scopes=[other, "catalog:read"]))
    answer = client.open(
        path.format(id=world.stays["garcia"]), method=method, json=reservation(world), headers=lacking
    )
    assert answer.status_code == 403
    assert scope in answer.json["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/stays/{id}", None),
        ("PATCH", "/api/v1/stays/{id}", {"email": "spy@example.com"}),
        ("POST", "/api/v1/stays/{id}/cancel", None),
        ("POST", "/api/v1/stays/{id}/check-in", None),
        ("POST", "/api/v1/stays/{id}/check-out", None),
    ],
)
def test_another_hotels_stay_is_not_found_and_untouched(
    app, client, world, key, second_hotel, method, path, body
):
    answer = client.open(path.format(id=second_hotel["stay_id"]), method=method, json=body, headers=key)
    assert answer.status_code == 404
    assert answer.json["type"] == "/api/v1/problems/not-found"
    assert "Stranger" not in answer.get_data(as_text=True)
    with app.app_context():
        stay = db.session.get(Stay, second_hotel["stay_id"])
        assert (stay.email, stay.cancelled_at, stay.checked_out_at) == ("", None, None)
    assert [entry for entry in audit_entries(app) if entry.object_kind == "stay"] == []  # keys: audited too


def test_each_hotel_has_its_own_reservation_ids_and_lists(app, client, world, key, second_hotel):
    ours = put(client, key, "R-900", reservation(world)).json
    theirs = put(client, second_hotel["key"], "R-900", reservation(world, surname="Other")).json
    assert theirs["outcome"] == "created" and theirs["id"] != ours["id"]
    assert theirs["language"] == "en"  # the second hotel has no Vietnamese
    assert client.get("/api/v1/stays/by-reservation/R-900", headers=key).json["surname"] == "Müller"
    listed = client.get("/api/v1/stays", headers=key).json["data"]
    assert second_hotel["stay_id"] not in [stay["id"] for stay in listed]
    assert theirs["id"] not in [stay["id"] for stay in listed]
    filtered = client.get("/api/v1/stays", query_string={"pms_reservation_id": "R-900"}, headers=key).json
    assert [stay["id"] for stay in filtered["data"]] == [ours["id"]]


def test_the_document_names_each_stays_endpoint_with_its_scope(client, world):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    scopes = {
        (method.upper(), path): operation["x-scope"]
        for path, operations in paths.items()
        if path.startswith("/api/v1/stays")
        for method, operation in operations.items()
    }
    assert scopes == {
        ("GET", "/api/v1/stays"): "stays:read",
        ("POST", "/api/v1/stays"): "stays:write",
        ("GET", "/api/v1/stays/{stay_id}"): "stays:read",
        ("PATCH", "/api/v1/stays/{stay_id}"): "stays:write",
        ("GET", "/api/v1/stays/by-reservation/{pms_reservation_id}"): "stays:read",
        ("PUT", "/api/v1/stays/by-reservation/{pms_reservation_id}"): "stays:write",
        ("POST", "/api/v1/stays/{stay_id}/cancel"): "stays:write",
        ("POST", "/api/v1/stays/{stay_id}/check-in"): "stays:write",
        ("POST", "/api/v1/stays/{stay_id}/check-out"): "stays:write",
    }
    put = paths["/api/v1/stays/by-reservation/{pms_reservation_id}"]["put"]
    assert set(put["responses"]) >= {"200", "201", "403", "404", "422"}
