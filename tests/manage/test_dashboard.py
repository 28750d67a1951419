"""The dashboard's figures against a small hand-built hotel: every number is known in advance."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import (
    Feedback,
    GuestRequest,
    Hotel,
    LineStatus,
    Order,
    OrderLine,
    RequestKind,
    RequestStatus,
    Service,
    StaffRole,
)
from app.services import analytics, view_counts
from tests import factories
from tests.staff import StaffActions, make_staff


def _line(world, order, code: str, total: int, status=LineStatus.BOOKED, fee: int = 0) -> OrderLine:
    now = clock.now()
    line = OrderLine(
        hotel_id=world.hotel_id,
        order=order,
        service_id=world.services[code],
        status=status,
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(days=1, hours=-1),
        adults=1,
        currency="EUR",
        placed_at=order.placed_at,
        subtotal=total,
        total=total,
        cancellation_fee=fee,
    )
    db.session.add(line)
    return line


def _order(world, stay: str, placed_days_ago: int, reference: str) -> Order:
    placed = clock.now() - timedelta(days=placed_days_ago)
    return factories.placed_order(world.hotel_id, world.stays[stay], reference, placed)


def _request(world, kind, created_minutes_ago: int, ack_after: int | None, done_after: int | None, line=None):
    created = clock.now() - timedelta(minutes=created_minutes_ago)
    request = GuestRequest(
        hotel_id=world.hotel_id,
        stay_id=world.stays["garcia"],
        kind=kind,
        status=RequestStatus.DONE if done_after is not None else RequestStatus.NEW,
        created_at=created,
        ack_due_at=created + timedelta(minutes=10),
        resolve_due_at=created + timedelta(minutes=60),
        acknowledged_at=created + timedelta(minutes=ack_after) if ack_after is not None else None,
        resolved_at=created + timedelta(minutes=done_after) if done_after is not None else None,
        order_line_id=line.id if line is not None else None,
    )
    db.session.add(request)


@pytest.fixture
def figures(app, world):
    """A month at the test lodge, built by hand."""
    with app.app_context():
        order = _order(world, "garcia", 2, "DASH1")
        riding = _line(world, order, "horse_riding", 12000)
        _line(world, order, "farm_visit", 3000)
        _line(world, order, "car_rental", 5500, status=LineStatus.CANCELLED, fee=1000)
        old = _order(world, "garcia", 90, "DASH2")  # outside the 30 days
        _line(world, old, "horse_riding", 99900)
        db.session.flush()
        today = clock.now().astimezone(db.session.get(Hotel, world.hotel_id).tz).date()
        for code, views in (("horse_riding", 4), ("farm_visit", 2)):
            for _ in range(views):
                analytics.count_view(db.session.get(Service, world.services[code]), today)
        for rating, code in ((5, "horse_riding"), (2, "horse_riding"), (4, "farm_visit")):
            db.session.add(
                Feedback(
                    hotel_id=world.hotel_id,
                    stay_id=world.stays["garcia"],
                    service_id=world.services[code],
                    rating=rating,
                )
            )
        for score, stay in ((10, "garcia"), (9, "other"), (3, "garcia")):
            db.session.add(Feedback(hotel_id=world.hotel_id, stay_id=world.stays[stay], nps=score))
        _request(world, RequestKind.AMENITY, 200, ack_after=5, done_after=30)  # on time
        _request(world, RequestKind.AMENITY, 300, ack_after=15, done_after=90)  # late twice
        _request(world, RequestKind.COMPLAINT, 100, ack_after=None, done_after=None)
        _request(world, RequestKind.RECOVERY, 50, ack_after=None, done_after=None, line=riding)
        db.session.commit()
        view_counts.flush()  # the buffered views, as the dashboard's page flushes them before reading
    return analytics.Period(today - timedelta(days=29), today)


@pytest.fixture
def hotel(app, world):
    with app.app_context():
        yield db.session.get(Hotel, world.hotel_id)


def test_revenue_bookings_views_and_ratings_per_service(figures, hotel):
    period = figures
    by_service = {item.title: item for item in analytics.service_figures(hotel, period)}
    riding, farm, car = by_service["Horse riding"], by_service["Farm visit"], by_service["Car rental"]
    assert (riding.revenue, riding.bookings, riding.views, riding.rating, riding.ratings) == (
        12000,
        1,
        4,
        3.5,
        2,
    )
    assert riding.conversion == 0.25
    assert (farm.revenue, farm.bookings, farm.views, farm.rating) == (3000, 1, 2, 4.0)
    assert (car.revenue, car.bookings) == (1000, 0)  # only the fee kept on the cancellation


def test_revenue_by_package_counts_each_service_once(figures, hotel):
    period = figures
    services = analytics.service_figures(hotel, period)
    assert analytics.package_revenue(hotel, services) == [("Nature", 13000), ("Family", 3000)]


def test_attach_rate_nps_sla_and_complaints(figures, hotel):
    period = figures
    attach = analytics.attach_rate(hotel, period)
    assert (attach.stays, attach.with_extra, attach.rate) == (2, 1, 0.5)
    score = analytics.nps(hotel, period)
    assert (score.answers, score.promoters, score.detractors, score.score) == (3, 2, 1, 33)
    amenity = next(item for item in analytics.sla_figures(hotel, period) if item.kind is RequestKind.AMENITY)
    assert (amenity.requests, amenity.acknowledged, amenity.acknowledged_on_time) == (2, 2, 1)
    assert (amenity.acknowledge_minutes, amenity.resolve_minutes, amenity.on_time_share) == (10.0, 60.0, 0.5)
    assert sorted(analytics.top_complaints(hotel, period)) == [("", 1), ("Horse riding", 1)]


def test_the_dashboard_page_and_its_csv_files(app, staff, world, figures):
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER))
    page = staff.client.get("/manage/dashboard").get_data(as_text=True)
    assert "<svg" in page and "50%" in page and "€130.00" in page
    csv_page = staff.client.get("/manage/dashboard/revenue-by-service.csv")
    body = csv_page.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # a spreadsheet opens it as UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Service", "Revenue", "Bookings", "Currency"]
    assert ["Horse riding", "120.00", "1", "EUR"] in rows  # major units, with the currency
    assert staff.client.get("/manage/dashboard/nothing.csv").status_code == 404
    assert staff.client.get("/manage/dashboard?from=garbage&to=2026-99-99").status_code == 200


def test_a_service_page_view_is_counted_once_per_visit(app, guest, world):
    guest.sign_in()
    path = f"/services/{world.services['horse_riding']}"
    guest.client.get(path)
    guest.client.get(path)
    with app.app_context():
        view_counts.flush()
        hotel = db.session.get(Hotel, world.hotel_id)
        today = clock.now().astimezone(hotel.tz).date()
        item = next(
            item
            for item in analytics.service_figures(hotel, analytics.Period(today, today))
            if item.title == "Horse riding"
        )
        assert item.views == 2


def test_the_managers_home_is_the_dashboard(app, staff, world, figures):
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER))
    home = staff.client.get("/manage/")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert "<h1>Dashboard</h1>" in page and "€130.00" in page
    assert 'aria-current="page">Dashboard' in page
    receptionist = StaffActions(app.test_client())
    receptionist.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST, email="desk@lodge.test"))
    assert receptionist.client.get("/manage/").status_code == 403
