"""Folio lines and export runs through /api/v1: what replaces the CSV, each line handed over exactly once."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import FolioExport, FolioLine
from tests.api.test_folio_export import book_on_room
from tests.api.v1.conftest import bearer, make_key
from tests.factories import make_hotel

LINES = "/api/v1/folio-lines"
EXPORTS = "/api/v1/folio-exports"


@pytest.fixture
def charged(app, guest, world) -> dict:
    """Garcia booked horse riding for two on the room and cancelled it: a charge and its reversal."""
    guest.sign_in()
    reference = book_on_room(guest, world, adults=2)
    line_id = re.search(r"/bookings/(\d+)/cancel", guest.client.get("/stay").get_data(as_text=True)).group(1)
    assert guest.cancel_booking(line_id).status_code == 302
    return {"reference": reference}


def second_hotel_key(app) -> dict[str, str]:
    with app.app_context():
        make_hotel(slug="second-lodge")
        db.session.commit()
    return bearer(make_key(app, "second-lodge"))


def test_lines_are_listed_with_every_field(client, world, key, charged):
    answer = client.get(LINES, headers=key)
    assert answer.status_code == 200
    charge, reversal = answer.json["data"]
    assert answer.json["next_cursor"] is None
    assert charge == {
        "id": charge["id"],
        "stay_id": world.stays["garcia"],
        "order_id": charge["order_id"],
        "room": "204",
        "amount": 2 * 6000,
        "currency": "EUR",
        "description": "Horse riding",
        "reference": charge["reference"],
        "posted_at": charge["posted_at"],
        "late_charge": False,
        "export_id": None,
    }
    assert charge["reference"].startswith(charged["reference"])
    assert reversal["amount"] == -2 * 6000
    assert reversal["reference"].startswith(f"{charged['reference']}-R")
    assert charge["posted_at"].endswith("Z")  # UTC, said so
    assert datetime.fromisoformat(charge["posted_at"]) <= datetime.fromisoformat(reversal["posted_at"])


def test_filters_by_stay_export_and_posting_time(client, world, key, charged):
    everything = client.get(LINES, headers=key).json["data"]
    charge, reversal = everything

    def ids(**params) -> list[int]:
        answer = client.get(LINES, headers=key, query_string=params)
        assert answer.status_code == 200, answer.json
        return [line["id"] for line in answer.json["data"]]

    assert ids(stay_id=world.stays["garcia"]) == [charge["id"], reversal["id"]]
    assert ids(stay_id=world.stays["other"]) == []
    assert ids(exported="false") == [charge["id"], reversal["id"]]
    assert ids(exported="true") == []
    # Half-open: from includes its moment, until does not.
    assert ids(posted_from=reversal["posted_at"]) == [reversal["id"]]
    assert ids(posted_until=reversal["posted_at"]) == [charge["id"]]
    assert ids(posted_from=charge["posted_at"], posted_until=reversal["posted_at"]) == [charge["id"]]
    # The same moment in another zone is the same moment.
    moment = datetime.fromisoformat(reversal["posted_at"])
    vienna = moment.astimezone(datetime.fromisoformat("2030-01-01T00:00:00+01:00").tzinfo).isoformat()
    assert ids(posted_from=vienna) == [reversal["id"]]

    run = client.post(EXPORTS, headers=key).json["id"]
    assert ids(exported="true") == [charge["id"], reversal["id"]]
    assert ids(exported="false") == []
    lines = client.get(LINES, headers=key).json["data"]
    assert {line["export_id"] for line in lines} == {run}


def test_lines_come_in_pages(client, world, key, charged):
    first = client.get(LINES, headers=key, query_string={"limit": 1})
    assert len(first.json["data"]) == 1 and first.json["next_cursor"]
    second = client.get(LINES, headers=key, query_string={"limit": 1, "cursor": first.json["next_cursor"]})
    assert len(second.json["data"]) == 1 and second.json["next_cursor"] is None
    assert second.json["data"][0]["id"] > first.json["data"][0]["id"]


def test_an_export_run_claims_each_line_once_and_can_be_fetched_again(app, client, world, key, charged):
    first = client.post(EXPORTS, headers=key)
    assert first.status_code == 201
    assert first.headers["Location"] == f"{EXPORTS}/{first.json['id']}"
    assert [line["amount"] for line in first.json["lines"]] == [12000, -12000]
    assert {line["export_id"] for line in first.json["lines"]} == {first.json["id"]}
    assert (first.json["total"], first.json["currency"]) == (0, "EUR")
    assert first.json["created_at"].endswith("Z")

    empty = client.post(EXPORTS, headers=key)
    assert empty.status_code == 201
    assert (empty.json["lines"], empty.json["total"]) == ([], 0)

    again = client.get(first.headers["Location"], headers=key)
    assert again.status_code == 200
    assert again.json == first.json
    assert client.get(f"{EXPORTS}/{empty.json['id'] + 1}", headers=key).status_code == 404


def test_the_old_export_and_the_new_share_one_claim(app, client, guest, world, key):
    """A line the old /api/hotels/<slug>/folio/exports handed over is never in a new run, and back."""
    guest.sign_in()
    book_on_room(guest, world)
    old = client.post("/api/hotels/test-lodge/folio/exports", headers=key)
    assert old.status_code == 201 and len(old.json["lines"]) == 1
    assert client.post(EXPORTS, headers=key).json["lines"] == []
    assert (
        client.get(f"{EXPORTS}/{old.json['run']}", headers=key).json["lines"][0]["reference"]
        == (old.json["lines"][0]["reference"])
    )

    book_on_room(guest, world)
    new = client.post(EXPORTS, headers=key)
    assert len(new.json["lines"]) == 1
    assert client.post("/api/hotels/test-lodge/folio/exports", headers=key).json["lines"] == []


def test_a_retried_export_with_its_idempotency_key_answers_the_same_run(app, client, world, key, charged):
    retry = key | {"Idempotency-Key": "export-2030-05-06"}
    first = client.post(EXPORTS, headers=retry)
    second = client.post(EXPORTS, headers=retry)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json == first.json and len(second.json["lines"]) == 2
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(FolioExport.id))) == 1
    # Another key is another request: a new run, with nothing left to claim.
    other = client.post(EXPORTS, headers=key | {"Idempotency-Key": "export-2030-05-07"})
    assert other.json["id"] != first.json["id"] and other.json["lines"] == []


def test_each_endpoint_needs_its_scope(app, client, world, charged):
    reader = bearer(make_key(app, scopes=["folio:read"]))
    writer = bearer(make_key(app, scopes=["folio:write"], name="Writer"))
    refused = client.post(EXPORTS, headers=reader)
    assert refused.status_code == 403
    assert refused.json["type"] == "/api/v1/problems/insufficient-scope"
    assert "folio:write" in refused.json["detail"]
    run = client.post(EXPORTS, headers=writer).json["id"]
    for path in (LINES, f"{EXPORTS}/{run}"):
        answer = client.get(path, headers=writer)
        assert answer.status_code == 403 and "folio:read" in answer.json["detail"]
    with app.app_context():
        assert db.session.scalar(select(func.count(FolioExport.id))) == 1


def test_another_hotels_key_sees_no_line_and_no_run(app, client, world, key, charged):
    second = second_hotel_key(app)
    assert client.get(LINES, headers=second).json == {"data": [], "next_cursor": None}
    assert (
        client.get(LINES, headers=second, query_string={"stay_id": world.stays["garcia"]}).json["data"] == []
    )
    theirs = client.post(EXPORTS, headers=second)
    assert theirs.status_code == 201 and theirs.json["lines"] == []
    with app.app_context():  # the second hotel's run claimed none of the first hotel's lines
        assert db.session.scalar(select(func.count()).where(FolioLine.export_batch_id.is_not(None))) == 0

    ours = client.post(EXPORTS, headers=key).json["id"]
    missing = client.get(f"{EXPORTS}/{ours}", headers=second)
    assert missing.status_code == 404
    assert missing.json["type"] == "/api/v1/problems/not-found"
    assert "Horse" not in missing.get_data(as_text=True)
    assert client.get(f"{EXPORTS}/{theirs.json['id']}", headers=key).status_code == 404


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"stay_id": "0"}, ["query.stay_id"]),
        ({"stay_id": "2147483648"}, ["query.stay_id"]),
        ({"exported": "maybe"}, ["query.exported"]),
        ({"posted_from": "2030-05-06T10:00:00"}, ["query.posted_from"]),  # no offset: which zone?
        ({"posted_until": "yesterday"}, ["query.posted_until"]),
        ({"posted_from": "0001-01-01T00:00:00+01:00"}, ["query.posted_from"]),  # before time began
        ({"limit": "0", "exported": "2"}, ["query.limit", "query.exported"]),
    ],
    ids=["zero id", "past 32 bits", "not a bool", "naive time", "not a time", "overflow", "two at once"],
)
def test_bad_filters_are_field_errors(client, world, key, params, fields):
    answer = client.get(LINES, headers=key, query_string=params)
    assert answer.status_code == 422
    assert answer.json["type"] == "/api/v1/problems/validation-error"
    assert [error["field"] for error in answer.json["errors"]] == fields


def test_the_runs_address_is_bounded_like_every_id(client, world, key):
    assert client.get(f"{EXPORTS}/{2**31}", headers=key).status_code == 404
    assert client.get(f"{EXPORTS}/0", headers=key).status_code == 404
