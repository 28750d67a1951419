"""Total revenue net of refunds, and its change against the period before, on a hand-built set."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import (
    Hotel,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    StaffRole,
)
from app.services import analytics
from tests import factories
from tests.conftest import utc
from tests.staff import make_staff


class Builder:
    def __init__(self, world):
        self.world = world
        self.count = 0

    def order(self, days_ago: int, lines: list[tuple[str, int]], paid: bool = True) -> tuple[Order, Payment]:
        """An order of booked lines placed ``days_ago``, paid in full to the room."""
        self.count += 1
        placed = clock.now() - timedelta(days=days_ago)
        stay_id = self.world.stays["garcia"]
        order = factories.placed_order(self.world.hotel_id, stay_id, f"NET{self.count}", placed)
        for code, total in lines:
            factories.placed_line(self.world, order, code, total)
        payment = Payment(
            hotel_id=self.world.hotel_id,
            order=order,
            provider="room",
            status=PaymentStatus.SUCCEEDED,
            amount=sum(total for _, total in lines),
            currency="EUR",
            idempotency_key=f"net-{self.count}",
        )
        db.session.add(payment)
        db.session.flush()
        return order, payment

    def refund(self, payment, amount, days_ago, line=None, status=RefundStatus.SUCCEEDED):
        db.session.add(
            Refund(
                hotel_id=self.world.hotel_id,
                payment=payment,
                amount=amount,
                currency="EUR",
                status=status,
                order_line_id=line.id if line is not None else None,
                created_at=clock.now() - timedelta(days=days_ago),
            )
        )

    def cancel(self, line: OrderLine, days_ago: int, fee: int = 0):
        line.status = LineStatus.CANCELLED
        line.cancellation_fee = fee
        line.cancelled_at = clock.now() - timedelta(days=days_ago)


@pytest.fixture
def refunds(app, frozen_now):
    """Every figure is known: 160.00 booked in the last 30 days, 22.50 of refunds to take off."""
    frozen_now(utc(2026, 6, 15, 10, 0))
    with app.app_context():
        world = factories.build_world(slot_days=1)
        build = Builder(world)
        # 150.00 booked; the desk gives back 20.00 of it: a partial refund, taken off.
        _, paid = build.order(2, [("horse_riding", 12000), ("farm_visit", 3000)])
        build.refund(paid, 2000, days_ago=1)
        build.refund(paid, 300, days_ago=1, status=RefundStatus.FAILED)  # never left: not taken off
        # Cancelled keeping a 10.00 fee; its refund of 45.00 is already out of the revenue.
        car_order, paid = build.order(3, [("car_rental", 5500)])
        build.cancel(car_order.lines[0], days_ago=2, fee=1000)
        build.refund(paid, 4500, days_ago=2, line=car_order.lines[0])
        # 10.00 back at the desk, then the ride cancelled: only the 50.00 left went back with it.
        # The line leaves the revenue whole, so the desk's 10.00 is not taken off a second time.
        ride_order, paid = build.order(4, [("horse_riding", 6000)])
        build.refund(paid, 1000, days_ago=3)
        build.cancel(ride_order.lines[0], days_ago=2)
        build.refund(paid, 5000, days_ago=2, line=ride_order.lines[0])
        # A card payment that came after its hold and went back whole was never a booking.
        late_order, paid = build.order(1, [("pony_ride", 7000)])
        late_order.lines[0].status = LineStatus.HELD
        late_order.status = OrderStatus.PENDING
        paid.refunded_late = True
        build.refund(paid, 7000, days_ago=1)
        # Booked 40 days ago (the previous period) with 5.00 back then and 2.50 back yesterday.
        _, paid = build.order(40, [("farm_visit", 9000)])
        build.refund(paid, 500, days_ago=40)
        build.refund(paid, 250, days_ago=1)
        db.session.commit()
    return world


def test_revenue_is_net_of_refunds_no_cancellation_accounts_for(app, refunds):
    with app.app_context():
        hotel = db.session.get(Hotel, refunds.hotel_id)
        period = analytics.Period(refunds.today - timedelta(days=29), refunds.today)
        total = analytics.revenue_total(hotel, period)
        assert (total.booked, total.refunded, total.net) == (16000, 2250, 13750)
        assert total.previous == 9000 - 500
        assert round(total.change, 4) == round((13750 - 8500) / 8500, 4)
        # Each refund on its own day: yesterday alone has 20.00 + 2.50 given back.
        yesterday = refunds.today - timedelta(days=1)
        assert analytics.refunds(hotel, analytics.Period(yesterday, yesterday)) == 2250
        # The day of the cancellation after a desk refund: the desk's part is handed back.
        two_days_ago = refunds.today - timedelta(days=2)
        assert analytics.refunds(hotel, analytics.Period(two_days_ago, two_days_ago)) == -1000


def test_the_previous_period_has_the_same_length():
    first, last = date(2026, 6, 1), date(2026, 6, 30)
    before = analytics.previous_period(analytics.Period(first, last))
    assert (before.first, before.last) == (date(2026, 5, 2), date(2026, 5, 31))


def test_the_dashboard_shows_the_total_and_its_change(app, staff, refunds):
    staff.sign_in(make_staff(app, refunds.hotel_id, StaffRole.MANAGER))
    page = staff.client.get("/manage/").get_data(as_text=True)
    assert "<bdi>€160.00</bdi>" in page  # amounts keep their direction inside an Arabic sentence
    page = re.sub(r"</?bdi>", "", page)
    assert "€137.50" in page
    assert "€160.00 booked, less €22.50 refunded." in page
    assert "+62% against Apr 17\u2009–\u2009May 16, 2026 (€85.00)." in page
    empty = re.sub(r"</?bdi>", "", staff.client.get("/manage/dashboard?from=2020-01-01&to=2020-01-31").text)
    assert "No revenue in Dec 1\u2009–\u200931, 2019 to compare with." in empty
