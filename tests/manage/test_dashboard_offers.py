"""Offer figures on the dashboard against a hand-built set of offers shown and lines booked from them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import (
    Hotel,
    LineStatus,
    OfferImpression,
    StaffRole,
)
from app.services import analytics
from tests import factories
from tests.conftest import utc
from tests.staff import make_staff


def _shown(world, stay: str, code: str, place: str, reason: str, days_ago: int = 2) -> None:
    moment = clock.now() - timedelta(days=days_ago)
    db.session.add(
        OfferImpression(
            hotel_id=world.hotel_id,
            stay_id=world.stays[stay],
            service_id=world.services[code],
            place=place,
            reason=reason,
            day=world.today - timedelta(days=days_ago),
            first_shown_at=moment,
            last_shown_at=moment,
            times=3,
        )
    )


def _booked(world, stay: str, code: str, total: int, days_ago: int = 0, offer=None, fee: int | None = None):
    """One line, placed ``days_ago``, from ``offer`` (place, reason) if given; cancelled keeping ``fee``."""
    placed = clock.now() - timedelta(days=days_ago)
    order = factories.placed_order(world.hotel_id, world.stays[stay], f"OFFER{len(world.references)}", placed)
    world.references[order.reference] = order.reference
    factories.placed_line(
        world,
        order,
        code,
        total,
        status=LineStatus.BOOKED if fee is None else LineStatus.CANCELLED,
        cancellation_fee=fee or 0,
        offer_place=offer[0] if offer else None,
        offer_reason=offer[1] if offer else None,
    )


@pytest.fixture
def offers(app, frozen_now):
    """Garcia and Novak are in house; the Parks arrive in three days. Every figure below is known."""
    frozen_now(utc(2026, 6, 15, 10, 0))
    with app.test_request_context():
        world = factories.build_world(slot_days=1)
        hotel = db.session.get(Hotel, world.hotel_id)
        world.stays["soon"] = factories.make_stay(
            hotel,
            room="502",
            surname="Park",
            arrival=world.today + timedelta(days=3),
            departure=world.today + timedelta(days=6),
        ).id
        _shown(world, "garcia", "horse_riding", "home", "often_with")
        _shown(world, "garcia", "farm_visit", "home", "children")
        _shown(world, "garcia", "pony_ride", "email", "children")
        _shown(world, "other", "horse_riding", "desk", "pinned")
        _shown(world, "other", "car_rental", "after_booking", "few_left")
        _shown(world, "soon", "horse_riding", "email", "often_with")
        _shown(world, "soon", "farm_visit", "email", "children")
        _shown(world, "other", "farm_visit", "home", "popular", days_ago=60)  # before the period

        # Before arrival: one from the email, one found alone.
        _booked(world, "soon", "horse_riding", 12000, days_ago=1, offer=("email", "often_with"))
        _booked(world, "soon", "farm_visit", 3000, days_ago=1)
        # During the stay: from the home page, alone, cancelled late from home (fee kept), and
        # cancelled in time from the desk (nothing kept).
        _booked(world, "garcia", "horse_riding", 6000, offer=("home", "often_with"))
        _booked(world, "garcia", "car_rental", 5500)
        _booked(world, "garcia", "farm_visit", 3000, offer=("home", "children"), fee=1000)
        _booked(world, "other", "horse_riding", 6000, offer=("desk", "pinned"), fee=0)
        _booked(world, "other", "horse_riding", 99000, days_ago=90, offer=("home", "often_with"))  # too old
        db.session.commit()
    return world


@pytest.fixture
def period(offers):
    return analytics.Period(offers.today - timedelta(days=29), offers.today)


def _figures(items) -> dict[str, tuple]:
    return {
        item.key: (item.impressions, item.bookings, item.revenue, round(item.conversion or 0, 4))
        for item in items
    }


def test_conversion_and_revenue_by_place(app, offers, period):
    with app.app_context():
        hotel = db.session.get(Hotel, offers.hotel_id)
        figures = analytics.offer_figures(hotel, period).by_place
    assert [item.key for item in figures] == ["home", "after_booking", "email", "desk"]
    assert _figures(figures) == {
        "home": (2, 1, 7000, 0.5),  # the ride, plus the fee kept on the cancelled farm visit
        "after_booking": (1, 0, 0, 0.0),
        "email": (3, 1, 12000, 0.3333),
        "desk": (1, 0, 0, 0.0),  # cancelled in time
    }


def test_conversion_and_revenue_by_reason(app, offers, period):
    with app.app_context():
        hotel = db.session.get(Hotel, offers.hotel_id)
        figures = analytics.offer_figures(hotel, period).by_reason
    assert [item.key for item in figures] == ["children", "often_with", "few_left", "pinned"]
    assert _figures(figures) == {
        "children": (3, 0, 1000, 0.0),
        "often_with": (2, 2, 18000, 1.0),
        "few_left": (1, 0, 0, 0.0),
        "pinned": (1, 0, 0, 0.0),
    }


def test_upsell_before_arrival_and_during_the_stay(app, offers, period):
    with app.app_context():
        hotel = db.session.get(Hotel, offers.hotel_id)
        before, during = analytics.upsell_timing(hotel, period)
    assert (before.before_arrival, before.bookings, before.revenue, before.attributed_revenue) == (
        True,
        2,
        15000,
        12000,
    )
    assert (during.before_arrival, during.bookings, during.revenue, during.attributed_revenue) == (
        False,
        2,
        12500,
        7000,
    )


def test_an_empty_period_lists_every_place_and_both_timings_with_zeros(app, offers):
    long_ago = analytics.Period(offers.today - timedelta(days=400), offers.today - timedelta(days=370))
    with app.app_context():
        hotel = db.session.get(Hotel, offers.hotel_id)
        assert [
            (item.key, item.impressions, item.conversion)
            for item in analytics.offer_figures(hotel, long_ago).by_place
        ] == [
            ("home", 0, None),
            ("after_booking", 0, None),
            ("email", 0, None),
            ("desk", 0, None),
        ]
        assert analytics.offer_figures(hotel, long_ago).by_reason == []
        assert [
            (item.revenue, item.attributed_revenue) for item in analytics.upsell_timing(hotel, long_ago)
        ] == [
            (0, 0),
            (0, 0),
        ]


def _csv(staff, name: str) -> list[list[str]]:
    response = staff.client.get(f"/manage/dashboard/{name}.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_the_offer_charts_and_their_csv_files(app, staff, offers):
    staff.sign_in(make_staff(app, offers.hotel_id, StaffRole.MANAGER))
    page = staff.client.get("/manage/dashboard").get_data(as_text=True)
    assert "Offer conversion by place shown" in page and "Offer conversion by reason given" in page
    assert "Often booked together" in page  # the reason's label, not its code
    assert "Pre-arrival email" in page and "33%" in page
    assert "55%" in page  # 150.00 of 275.00 booked before arrival
    assert "€150.00 booked before arrival and €125.00 during the stay; €190.00 of it from offers." in page

    assert _csv(staff, "offers-by-place") == [
        ["Shown on", "Offers shown", "Bookings from offers", "Conversion", "Revenue", "Currency"],
        ["Guest home page", "2", "1", "0.5", "70.00", "EUR"],
        ["After a booking", "1", "0", "0.0", "0.00", "EUR"],
        ["Pre-arrival email", "3", "1", "0.3333", "120.00", "EUR"],
        ["Front desk", "1", "0", "0.0", "0.00", "EUR"],
    ]
    assert _csv(staff, "offers-by-reason") == [
        ["Reason given", "Offers shown", "Bookings from offers", "Conversion", "Revenue", "Currency"],
        ["Suits the children's ages", "3", "0", "0.0", "10.00", "EUR"],
        ["Often booked together", "2", "2", "1.0", "180.00", "EUR"],
        ["Few places left", "1", "0", "0.0", "0.00", "EUR"],
        ["Recommended by the hotel", "1", "0", "0.0", "0.00", "EUR"],
    ]
    assert _csv(staff, "upsell-timing") == [
        ["Booked", "Revenue", "From offers", "Bookings", "Currency"],
        ["Before arrival", "150.00", "120.00", "2", "EUR"],
        ["During the stay", "125.00", "70.00", "2", "EUR"],
    ]
