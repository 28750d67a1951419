"""Orders through the public API: placed orders with their lines, carts left to the guest."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Order, OrderStatus
from tests.api.v1.bookings import add_riding, book_riding_on_room, leaks, second_hotel
from tests.api.v1.conftest import bearer, make_key
from tests.browsing import text


def order_id(app, reference: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Order.id).where(Order.reference == reference))


def test_a_room_booking_is_an_order_with_its_line(app, client, guest, world, key):
    guest.sign_in()
    reference = book_riding_on_room(guest, world, adults=2)
    answer = client.get("/api/v1/orders", headers=key)
    assert answer.status_code == 200
    (order,) = answer.json["data"]
    assert order["reference"] == reference
    assert order["stay_id"] == world.stays["garcia"]
    assert (order["status"], order["payment_method"], order["currency"]) == ("confirmed", "room", "EUR")
    assert order["total"] == 2 * 6000
    (line,) = order["lines"]
    assert line["service_id"] == world.services["horse_riding"]
    assert line["service_title"] == {"en": "Horse riding", "vi": "[vi] horse_riding"}
    assert (line["status"], line["adults"], line["children_ages"], line["quantity"]) == ("booked", 2, [], 1)
    money = (line["subtotal"], line["discount"], line["total"], line["cancellation_fee"])
    assert money == (12000, 0, 12000, 0)
    assert line["price_lines"] == [
        {
            "code": "adult",
            "quantity": 2,
            "unit": 6000,
            "amount": 12000,
            "age": None,
            "days": None,
            "percent": None,
            "label": None,
        }
    ]
    assert line["starts_at"].endswith("Z") or line["starts_at"].endswith("+00:00")
    assert line["slot_id"] is not None and line["start_date"] is None

    one = client.get(f"/api/v1/orders/{order['id']}", headers=key)
    assert one.status_code == 200
    assert one.json == order
    just_the_line = client.get(f"/api/v1/orders/{order['id']}/lines/{line['id']}", headers=key)
    assert just_the_line.json == line


def test_a_cart_stays_the_guests_own(app, client, guest, world, key):
    guest.sign_in()
    add_riding(guest, world, adults=1)
    with app.app_context():
        cart = db.session.scalar(select(Order).where(Order.status == OrderStatus.CART))
        cart_id, line_id = cart.id, cart.lines[0].id
    assert client.get("/api/v1/orders", headers=key).json["data"] == []
    assert client.get(f"/api/v1/orders/{cart_id}", headers=key).status_code == 404
    assert client.get(f"/api/v1/orders/{cart_id}/lines/{line_id}", headers=key).status_code == 404
    refused = client.get("/api/v1/orders?status=cart", headers=key)
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json["errors"]] == ["query.status"]


def test_a_cancelled_line_shows_its_fee_and_the_order_its_status(app, client, guest, world, key):
    guest.sign_in()
    reference = book_riding_on_room(guest, world, adults=1)
    line_id = re.search(r"/bookings/(\d+)/cancel", text(guest.client.get("/stay"))).group(1)
    assert guest.cancel_booking(line_id).status_code == 302
    order = client.get(f"/api/v1/orders/{order_id(app, reference)}", headers=key).json
    assert order["status"] == "cancelled"
    (line,) = order["lines"]
    assert (line["status"], line["cancellation_fee"]) == ("cancelled", 0)
    assert line["cancelled_at"] is not None
    assert [o["id"] for o in client.get("/api/v1/orders?status=cancelled", headers=key).json["data"]] == [
        order["id"]
    ]
    assert client.get("/api/v1/orders?status=confirmed", headers=key).json["data"] == []


def test_orders_filter_by_stay_and_placing_time(app, client, guest, world, key):
    guest.sign_in()
    first = order_id(app, book_riding_on_room(guest, world, adults=1))
    second = order_id(app, book_riding_on_room(guest, world, adults=1))
    with app.app_context():
        db.session.get(Order, first).placed_at = clock.now() - timedelta(days=2)
        db.session.commit()

    def ids(query: str) -> list[int]:
        answer = client.get(f"/api/v1/orders?{query}", headers=key)
        assert answer.status_code == 200, answer.json
        return [order["id"] for order in answer.json["data"]]

    assert ids(f"stay_id={world.stays['garcia']}") == [first, second]
    assert ids(f"stay_id={world.stays['other']}") == []
    yesterday = (clock.now() - timedelta(days=1)).isoformat()
    assert ids(f"placed_from={yesterday}".replace("+", "%2B")) == [second]
    assert ids(f"placed_until={yesterday}".replace("+", "%2B")) == [first]
    assert ids("placed_from=2000-01-01T00:00:00Z&limit=1") == [first]


def test_filters_are_validated(client, world, key):
    naive = client.get("/api/v1/orders?placed_from=2026-01-01T00:00:00", headers=key)
    assert naive.status_code == 422
    assert [error["field"] for error in naive.json["errors"]] == ["query.placed_from"]
    # Before the first UTC instant: refused, not a server error.
    early = client.get("/api/v1/orders?placed_until=0001-01-01T00:00:00%2B05:00", headers=key)
    assert early.status_code == 422
    assert [error["field"] for error in early.json["errors"]] == ["query.placed_until"]
    bad = client.get("/api/v1/orders?stay_id=0&limit=101", headers=key)
    assert {error["field"] for error in bad.json["errors"]} == {"query.stay_id", "query.limit"}


def test_a_line_is_found_only_under_its_own_order(app, client, guest, world, key):
    guest.sign_in()
    first_id = order_id(app, book_riding_on_room(guest, world, 1))
    first = client.get(f"/api/v1/orders/{first_id}", headers=key).json
    second = order_id(app, book_riding_on_room(guest, world, 1))
    line_id = first["lines"][0]["id"]
    assert client.get(f"/api/v1/orders/{first['id']}/lines/{line_id}", headers=key).status_code == 200
    wrong = client.get(f"/api/v1/orders/{second}/lines/{line_id}", headers=key)
    assert wrong.status_code == 404


def test_orders_need_their_scope(app, client, world):
    catalog_only = bearer(make_key(app, scopes=["catalog:read"]))
    for path in ("/api/v1/orders", "/api/v1/orders/1", "/api/v1/orders/1/lines/1"):
        answer = client.get(path, headers=catalog_only)
        assert answer.status_code == 403
        assert "orders:read" in answer.json["detail"]


def test_another_hotels_orders_are_not_found(app, client, guest, world, key):
    other = second_hotel(app)
    for path in (
        f"/api/v1/orders/{other.order_id}",
        f"/api/v1/orders/{other.order_id}/lines/{other.line_id}",
    ):
        answer = client.get(path, headers=key)
        assert answer.status_code == 404
        assert not leaks(answer)
    for query in ("", f"?stay_id={other.stay_id}"):
        answer = client.get(f"/api/v1/orders{query}", headers=key)
        assert answer.json["data"] == []
        assert not leaks(answer)
    # Their own key reads their order, and nothing of the factory hotel's.
    guest.sign_in()
    book_riding_on_room(guest, world, 1)
    theirs = client.get("/api/v1/orders", headers=bearer(make_key(app, slug="second-lodge"))).json["data"]
    assert [order["id"] for order in theirs] == [other.order_id]
