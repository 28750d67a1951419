"""The PMS export: every room charge and reversal handed over once, no line lost or sent twice."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import FolioLine, Hotel, Order, StaffRole, Stay
from app.services import api_tokens
from tests.factories import make_hotel
from tests.staff import make_staff


def hotel_token(app, slug: str = "test-lodge", name: str = "PMS") -> str:
    """A new API token of the hotel, made by the same service the manager's page uses."""
    with app.app_context():
        hotel = db.session.scalar(select(Hotel).where(Hotel.slug == slug))
        _row, token = api_tokens.create_token(hotel, name, created_by=None)
        return token


@pytest.fixture
def pms(app, world):
    return {"Authorization": f"Bearer {hotel_token(app)}"}


def book_on_room(guest, world, adults: int = 1) -> str:
    path = f"/services/{world.services['horse_riding']}"
    slot = re.findall(r'name="slot" value="(\d+)"', guest.client.get(path).get_data(as_text=True))[-1]
    assert guest.post(path, {"slot": slot, "adults": adults}).status_code == 302
    booked = guest.post("/checkout", {"payment_method": "room"}, page="/cart")
    return booked.location.rsplit("/", 1)[-1]


EXPORTS = "/api/hotels/test-lodge/folio/exports"


def test_export_needs_the_bearer_token(client, world, pms):
    missing = client.post(EXPORTS)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="lobby"'
    wrong = client.post(EXPORTS, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"] == 'Bearer realm="lobby", error="invalid_token"'
    # A good token for a hotel that does not exist tells nothing either.
    assert client.post("/api/hotels/no-such-hotel/folio/exports", headers=pms).status_code == 401
    assert client.post(EXPORTS, headers=pms).status_code == 201


@pytest.mark.parametrize(
    "header",
    ["{token}", "Token {token}", "Basic {token}", "Bearer", "Bearer ", "Bearer  {token}", "Bearer {token} x"],
    ids=["bare token", "other scheme", "basic", "scheme only", "empty token", "two spaces", "trailing word"],
)
def test_only_the_bearer_scheme_is_accepted(app, client, world, pms, header):
    token = pms["Authorization"].removeprefix("Bearer ")
    answer = client.post(EXPORTS, headers={"Authorization": header.format(token=token)})
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith('Bearer realm="lobby"')
    assert answer.json["error"] in ("invalid_request", "invalid_token")


def test_a_token_works_for_its_own_hotel_only(app, client, world, pms):
    with app.app_context():
        make_hotel(slug="second-lodge")
        db.session.commit()
    second = {"Authorization": f"Bearer {hotel_token(app, 'second-lodge')}"}
    assert client.post("/api/hotels/second-lodge/folio/exports", headers=pms).status_code == 401
    assert client.post(EXPORTS, headers=second).status_code == 401
    assert client.post("/api/hotels/second-lodge/folio/exports", headers=second).status_code == 201
    assert client.post(EXPORTS, headers=pms).status_code == 201


def test_a_revoked_token_is_refused_at_once(app, client, world, pms):
    assert client.post(EXPORTS, headers=pms).status_code == 201
    with app.app_context():
        hotel = db.session.scalar(select(Hotel).where(Hotel.slug == "test-lodge"))
        (row,) = api_tokens.hotel_tokens(hotel.id)
        api_tokens.revoke(hotel, row.id)
    refused = client.post(EXPORTS, headers=pms)
    assert refused.status_code == 401
    assert refused.json["error"] == "invalid_token"


def test_the_old_shared_setting_opens_nothing(app, client, world, monkeypatch):
    """PMS_API_TOKEN is gone: setting it (an old deployment's environment) is no way in."""
    monkeypatch.setitem(app.config, "PMS_API_TOKEN", "pms-secret-token")
    for header in ("Bearer pms-secret-token", "pms-secret-token"):
        assert client.post(EXPORTS, headers={"Authorization": header}).status_code == 401


def test_each_line_is_exported_once_and_matches_the_orders(app, client, guest, world, pms):
    guest.sign_in()
    reference = book_on_room(guest, world, adults=2)

    first = client.post("/api/hotels/test-lodge/folio/exports", headers=pms)
    assert first.status_code == 201
    assert [line["amount"] for line in first.json["lines"]] == [2 * 6000]
    assert first.json["lines"][0]["room"] == "204"
    assert first.json["lines"][0]["description"] == "Horse riding"  # the hotel's language

    # Cancelling posts a reversal: the next run has it and only it.
    line_id = re.search(r"/bookings/(\d+)/cancel", guest.client.get("/stay").get_data(as_text=True)).group(1)
    assert guest.cancel_booking(line_id).status_code == 302
    second = client.post("/api/hotels/test-lodge/folio/exports", headers=pms)
    assert [line["amount"] for line in second.json["lines"]] == [-2 * 6000]
    assert second.json["lines"][0]["reference"].startswith(f"{reference}-R")

    empty = client.post("/api/hotels/test-lodge/folio/exports", headers=pms)
    assert empty.json["lines"] == []

    # A lost answer can be fetched again, as JSON or CSV, with the same lines.
    again = client.get(f"/api/hotels/test-lodge/folio/exports/{first.json['run']}", headers=pms)
    assert again.json["lines"] == first.json["lines"]
    as_csv = client.get(first.json["csv"], headers=pms)
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data().decode("utf-8-sig"))))
    # The JSON keeps minor units; the CSV has major units of the currency it names.
    assert [(row["reference"], row["amount"], row["currency"]) for row in rows] == [
        (line["reference"], "120.00", "EUR") for line in first.json["lines"]
    ]

    with app.app_context():
        order_total = db.session.scalar(select(Order.total).where(Order.reference == reference))
        folio_total = db.session.scalar(select(func.sum(FolioLine.amount)))
    assert folio_total == order_total == 0  # cancelled in the free window: nothing owed


def test_another_hotels_lines_and_runs_stay_apart(app, client, guest, world, pms):
    guest.sign_in()
    book_on_room(guest, world)
    with app.app_context():
        make_hotel(slug="second-lodge")
        db.session.commit()
    second = {"Authorization": f"Bearer {hotel_token(app, 'second-lodge')}"}
    run = client.post(EXPORTS, headers=pms).json["run"]
    other = client.post("/api/hotels/second-lodge/folio/exports", headers=second)
    assert other.json["lines"] == []
    assert client.get(f"/api/hotels/second-lodge/folio/exports/{run}", headers=second).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Hotel.id))) == 2


def test_the_csv_cannot_run_a_formula_and_opens_in_a_spreadsheet(app, client, staff, guest, world, pms):
    """A room checked in as ``=2+5`` went out raw; now every text cell a spreadsheet would run is quoted."""
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        stay.room = "=2+5"
        token = stay.access_token
        db.session.commit()
    guest.open_link(token)
    book_on_room(guest, world)
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER))
    preview = staff.client.get("/manage/folio.csv")
    run = client.post("/api/hotels/test-lodge/folio/exports", headers=pms)
    from_api = client.get(run.json["csv"], headers=pms)
    assert run.json["lines"][0]["room"] == "=2+5"  # the JSON is data, not a spreadsheet: unchanged
    for response in (preview, from_api):
        assert response.status_code == 200
        assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
        body = response.get_data()
        assert body.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark
        (row,) = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
        assert (row["room"], row["amount"], row["currency"]) == ("'=2+5", "60.00", "EUR")


def test_the_export_needs_the_folio_scopes_of_the_token(app, client, world):
    """A key made for reading stays cannot take the room charges away through the older export address."""
    with app.app_context():
        hotel = db.session.scalar(select(Hotel).where(Hotel.slug == "test-lodge"))
        _row, reader = api_tokens.create_token(hotel, "Stays only", created_by=None, scopes=["stays:read"])
        _row, viewer = api_tokens.create_token(hotel, "Folio reader", created_by=None, scopes=["folio:read"])
    refused = client.post(EXPORTS, headers={"Authorization": f"Bearer {reader}"})
    assert refused.status_code == 403
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]
    assert client.post(EXPORTS, headers={"Authorization": f"Bearer {viewer}"}).status_code == 403
    run = client.post(EXPORTS, headers={"Authorization": f"Bearer {hotel_token(app)}"}).json["run"]
    assert client.get(f"{EXPORTS}/{run}", headers={"Authorization": f"Bearer {viewer}"}).status_code == 200
    assert client.get(f"{EXPORTS}/{run}", headers={"Authorization": f"Bearer {reader}"}).status_code == 403
