"""The sales roll-up stays equal to the order lines it sums, whatever the booking code does to them."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import case, delete, func, select

from app import clock
from app.extensions import db
from app.models import (
    ArrivalDay,
    GuestRequest,
    Hotel,
    HotelSalesDay,
    LineStatus,
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    RequestKind,
    SalesDay,
    Service,
    Slot,
    StaffRole,
    StaffUser,
    Stay,
    StayPaidLines,
)
from app.services import analytics, approvals, cancellations, ordering, payments, planning, sales_days
from tests import factories
from tests.conftest import utc
from tests.staff import make_staff

VIENNA = ZoneInfo("Europe/Vienna")


def direct_aggregate(hotel_id: int) -> dict[tuple, tuple[int, int]]:
    """What the roll-up must say, summed straight from order_line (placed lines only)."""
    booked = OrderLine.status == LineStatus.BOOKED
    rows = db.session.execute(
        select(
            OrderLine.service_id,
            OrderLine.placed_at,
            OrderLine.offer_place,
            OrderLine.offer_reason,
            Stay.arrival,
            func.sum(case((booked, 1), else_=0)),
            func.sum(
                case(
                    (booked, OrderLine.total),
                    (OrderLine.status == LineStatus.CANCELLED, OrderLine.cancellation_fee),
                    else_=0,
                )
            ),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .join(Stay, Stay.id == Order.stay_id)
        .where(OrderLine.hotel_id == hotel_id, OrderLine.placed_at.is_not(None))
        .group_by(
            OrderLine.service_id,
            OrderLine.placed_at,
            OrderLine.offer_place,
            OrderLine.offer_reason,
            Stay.arrival,
        )
    )
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for service_id, placed_at, place, reason, arrival, bookings, revenue in rows:
        day = placed_at.astimezone(VIENNA).date()
        key = (service_id, day, place or "", reason or "", day < arrival)
        totals[key][0] += bookings
        totals[key][1] += revenue
    return {key: tuple(value) for key, value in totals.items() if value != [0, 0]}


def roll_up(hotel_id: int) -> dict[tuple, tuple[int, int]]:
    rows = db.session.execute(
        select(
            SalesDay.service_id,
            SalesDay.day,
            SalesDay.offer_place,
            SalesDay.offer_reason,
            SalesDay.before_arrival,
            SalesDay.bookings,
            SalesDay.revenue,
        ).where(SalesDay.hotel_id == hotel_id)
    )
    found = {tuple(row[:5]): (row[5], row[6]) for row in rows if (row[5], row[6]) != (0, 0)}
    # Each check of the roll-up checks its per-hotel sums too (the group dashboard reads those).
    per_day = defaultdict(lambda: [0, 0])
    for (_service, day, *_rest), (bookings, revenue) in found.items():
        per_day[day][0] += bookings
        per_day[day][1] += revenue
    hotel_days = db.session.execute(
        select(HotelSalesDay.day, HotelSalesDay.bookings, HotelSalesDay.revenue).where(
            HotelSalesDay.hotel_id == hotel_id
        )
    )
    assert {day: (b, r) for day, b, r in hotel_days if (b, r) != (0, 0)} == {
        day: tuple(values) for day, values in per_day.items() if values != [0, 0]
    }
    return found


def live_arrivals(hotel_id: int) -> dict:
    """The attach rate per arrival day as the hotel dashboard counts it, straight from the stays."""
    hotel = db.session.get(Hotel, hotel_id)
    days = db.session.scalars(select(Stay.arrival).where(Stay.hotel_id == hotel_id).distinct())
    found = {}
    for day in days:
        figures = analytics.attach_rate(hotel, analytics.Period(day, day))
        found[day] = (figures.stays, figures.with_extra)
    return found


def arrivals_roll_up(hotel_id: int) -> dict:
    rows = db.session.execute(
        select(ArrivalDay.day, ArrivalDay.stays, ArrivalDay.with_extra).where(ArrivalDay.hotel_id == hotel_id)
    )
    return {day: (stays, with_extra) for day, stays, with_extra in rows if (stays, with_extra) != (0, 0)}


def slot_on(world, day_offset: int, which: int = 0) -> int:
    return db.session.scalars(
        select(Slot.id)
        .where(
            Slot.pool_id == world.pools["stable"], Slot.local_date == world.today + timedelta(days=day_offset)
        )
        .order_by(Slot.starts_at)
    ).all()[which]


def book(stay: Stay, world, code: str, day_offset: int, which: int = 0, **offer) -> Order:
    """Put one adult on a stable slot in the stay's cart (from an offer, if given) and check out."""
    request = planning.BookingRequest(
        world.services[code], slot_id=slot_on(world, day_offset, which), adults=1
    )
    line = ordering.add_to_cart(stay, request)
    for name, value in offer.items():
        setattr(line, name, value)
    db.session.commit()
    return ordering.checkout(stay, PaymentMethod.ROOM)


@pytest.fixture
def lodge(app, frozen_now):
    """The test lodge at 23:30 in Vienna (22:30 UTC), so a booking an hour later is on the next day there."""
    frozen_now(utc(2026, 3, 10, 22, 30))
    with app.test_request_context():
        world = factories.build_world()
        hotel = db.session.get(Hotel, world.hotel_id)
        world.stays["early"] = factories.make_stay(
            hotel,
            room="405",
            surname="Early",
            children_ages=[],
            arrival=world.today + timedelta(days=3),
            departure=world.today + timedelta(days=7),
        ).id
        db.session.get(Service, world.services["farm_visit"]).needs_approval = True
        db.session.get(Service, world.services["horse_riding"]).late_cancel_fee_percent = 50
        db.session.commit()
        make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST)
        yield world


def test_the_roll_up_follows_every_booking_step_and_equals_the_lines(app, lodge, frozen_now, monkeypatch):
    world = lodge
    hotel_id = world.hotel_id
    garcia = db.session.get(Stay, world.stays["garcia"])
    early = db.session.get(Stay, world.stays["early"])
    desk = db.session.scalar(select(StaffUser))

    # In house, from an offer on the home page, on the room: booked at once.
    riding = book(garcia, world, "horse_riding", 1, offer_place="home", offer_reason="often_with")
    # Two on-request farm visits: requests only, nothing earned yet.
    farm_yes = book(garcia, world, "farm_visit", 2, which=1)
    farm_no = book(garcia, world, "farm_visit", 3, which=1)
    assert direct_aggregate(hotel_id) == roll_up(hotel_id) != {}
    assert arrivals_roll_up(hotel_id) == live_arrivals(hotel_id)
    assert arrivals_roll_up(hotel_id)[garcia.arrival] == (2, 1)  # Garcia's riding; Novak has nothing

    # Before arrival, by card: held, then the hold runs out and the lines go back to the cart.
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_lobby")
    monkeypatch.setitem(app.config, "STRIPE_PUBLISHABLE_KEY", "pk_test_lobby")
    request = planning.BookingRequest(world.services["horse_riding"], slot_id=slot_on(world, 4), adults=1)
    ordering.add_to_cart(early, request).offer_place = "email"
    db.session.commit()
    held = ordering.checkout(early, PaymentMethod.CARD)
    assert {line.status for line in held.lines} == {LineStatus.HELD}
    frozen_now(utc(2026, 3, 10, 22, 50))
    assert ordering.release_expired_holds(clock.now()) == 1
    assert direct_aggregate(hotel_id) == roll_up(hotel_id)
    assert arrivals_roll_up(hotel_id)[early.arrival] == (1, 0)  # a held line is not a paid extra
    # ... and is booked on the room instead, still on the 10th in Vienna.
    ordering.checkout(early, PaymentMethod.ROOM)

    # After midnight in Vienna (still the 10th in UTC): a desk sale, attributed afterwards.
    frozen_now(utc(2026, 3, 10, 23, 10))
    sold = ordering.sell_at_desk(
        early,
        planning.BookingRequest(world.services["horse_riding"], slot_id=slot_on(world, 5), adults=1),
        PaymentMethod.ROOM,
    )
    sold.lines[0].offer_place, sold.lines[0].offer_reason = "desk", "pinned"
    db.session.commit()
    assert direct_aggregate(hotel_id) == roll_up(hotel_id)

    # Cancelled in time (nothing kept), and late (half kept); one request approved, one declined.
    cancellations.cancel_line(early, sold.lines[0].id)
    cancellations.cancel_line(garcia, riding.lines[0].id)
    assert db.session.get(OrderLine, riding.lines[0].id).cancellation_fee == 3000
    for order, answer in ((farm_yes, approvals.approve), (farm_no, approvals.decline)):
        waiting = db.session.scalar(
            select(GuestRequest).where(
                GuestRequest.order_line_id == order.lines[0].id, GuestRequest.kind == RequestKind.APPROVAL
            )
        )
        answer(hotel_id, waiting.id, desk)
    # A partial refund of the approved visit changes no line: the roll-up stays as it is.
    paid = db.session.scalar(select(Payment).where(Payment.order_id == farm_yes.id))
    payments.staff_refund(paid.id, hotel_id, 500, "Started late", desk)
    db.session.commit()

    expected = direct_aggregate(hotel_id)
    assert roll_up(hotel_id) == expected
    assert arrivals_roll_up(hotel_id) == live_arrivals(hotel_id)
    march_10, march_11 = world.today, world.today + timedelta(days=1)
    riding_id, farm_id = world.services["horse_riding"], world.services["farm_visit"]
    assert expected == {
        (riding_id, march_10, "home", "often_with", False): (0, 3000),  # the late fee kept
        (farm_id, march_10, "", "", False): (1, 1500),  # approved; the declined one earns nothing
        (riding_id, march_10, "email", "", True): (1, 6000),  # the card hold, booked on the room
    }  # the desk sale on the 11th was cancelled in time: nothing left

    # A change made to an object the session no longer has loaded is counted from the stored row.
    line_id = farm_yes.lines[0].id
    db.session.commit()  # expires everything
    line = db.session.get(OrderLine, line_id)
    db.session.expire(line)
    line.offer_place = "after_booking"
    db.session.commit()
    assert roll_up(hotel_id) == direct_aggregate(hotel_id)
    assert roll_up(hotel_id)[(farm_id, march_10, "after_booking", "", False)] == (1, 1500)

    # A placed line written straight through the ORM counts; deleted again, it takes its share with it.
    extra = OrderLine(
        hotel_id=hotel_id,
        order=riding,
        service_id=farm_id,
        status=LineStatus.BOOKED,
        starts_at=clock.now(),
        ends_at=clock.now(),
        currency="EUR",
        total=2500,
        placed_at=clock.now(),
    )
    db.session.add(extra)
    db.session.commit()
    assert roll_up(hotel_id)[(farm_id, march_11, "", "", False)] == (1, 2500)
    db.session.delete(extra)
    db.session.commit()
    assert roll_up(hotel_id) == direct_aggregate(hotel_id)
    assert (farm_id, march_11, "", "", False) not in roll_up(hotel_id)
    assert arrivals_roll_up(hotel_id) == live_arrivals(hotel_id)


def test_the_arrivals_roll_up_follows_stays_and_their_paid_lines(app, lodge):
    """Stays come, move their arrival (a PMS update) and go; lines cross zero and back."""
    world = lodge
    hotel_id = world.hotel_id
    hotel = db.session.get(Hotel, hotel_id)
    garcia = db.session.get(Stay, world.stays["garcia"])
    order = book(garcia, world, "horse_riding", 1)
    second = book(garcia, world, "horse_riding", 2)
    assert arrivals_roll_up(hotel_id)[garcia.arrival] == (2, 1)
    # One of two paid lines cancelled: still a stay with an extra; both: not any more.
    cancellations.cancel_line(garcia, order.lines[0].id)
    assert arrivals_roll_up(hotel_id)[garcia.arrival] == (2, 1)
    line = db.session.get(OrderLine, second.lines[0].id)
    line.total = 0  # made free by the desk: no longer a paid extra
    db.session.commit()
    assert arrivals_roll_up(hotel_id)[garcia.arrival] == (2, 0) == live_arrivals(hotel_id)[garcia.arrival]
    line.total = 4000
    db.session.commit()
    # The PMS moves Garcia's arrival: the stay and its extra move with it.
    moved_to = garcia.arrival - timedelta(days=2)
    before = garcia.arrival
    garcia.arrival = moved_to
    db.session.commit()
    assert arrivals_roll_up(hotel_id)[moved_to] == (1, 1)
    assert arrivals_roll_up(hotel_id)[before] == (1, 0)  # Novak stays
    assert arrivals_roll_up(hotel_id) == live_arrivals(hotel_id)
    # A new stay counts on its arrival day; deleted, it leaves it.
    walk_in = factories.make_stay(
        hotel, room="406", surname="Walker", arrival=world.today + timedelta(days=9)
    )
    assert arrivals_roll_up(hotel_id)[walk_in.arrival] == (1, 0)
    db.session.delete(walk_in)
    db.session.commit()
    assert world.today + timedelta(days=9) not in arrivals_roll_up(hotel_id)
    assert arrivals_roll_up(hotel_id) == live_arrivals(hotel_id)


def test_rebuild_recomputes_rows_written_without_the_orm(app, lodge):
    world = lodge
    garcia = db.session.get(Stay, world.stays["garcia"])
    book(garcia, world, "horse_riding", 1, offer_place="home", offer_reason="children")
    book(garcia, world, "horse_riding", 2)
    expected = roll_up(world.hotel_id)
    assert sum(bookings for bookings, _revenue in expected.values()) == 2
    arrivals = arrivals_roll_up(world.hotel_id)
    assert arrivals == live_arrivals(world.hotel_id) != {}
    db.session.execute(delete(SalesDay))
    db.session.execute(delete(HotelSalesDay))
    db.session.execute(delete(StayPaidLines))
    db.session.execute(delete(ArrivalDay))
    db.session.commit()
    assert roll_up(world.hotel_id) == {}

    result = app.test_cli_runner().invoke(args=["lobby", "rebuild-sales-days"])
    assert result.exit_code == 0, result.output
    assert "test-lodge: 2 rows" in result.output
    db.session.expire_all()
    assert roll_up(world.hotel_id) == expected == direct_aggregate(world.hotel_id)
    assert arrivals_roll_up(world.hotel_id) == arrivals
    # Running it twice changes nothing.
    assert sales_days.rebuild(db.session.get(Hotel, world.hotel_id)) == 2
    assert roll_up(world.hotel_id) == expected
    assert arrivals_roll_up(world.hotel_id) == arrivals
