"""The group dashboard: each hotel's figures as its own dashboard counts them, totals converted
exactly at the group's rates, a currency without a rate said so, and only the group's office sees it."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import (
    AuditEntry,
    ExchangeRate,
    Feedback,
    GuestRequest,
    Hotel,
    HotelGroup,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    RequestKind,
    RequestStatus,
    StaffRole,
    StaffUser,
)
from app.services import analytics, exchange_rates, group_figures
from app.services.analytics import Period
from tests import factories
from tests.conftest import utc
from tests.staff import StaffActions, make_staff

NOW = utc(2026, 6, 15, 10, 0)

# (slug, name, currency, time zone): the demo's three countries and the test lodge in Vienna.
HOTELS = [
    ("dalat", "Pine Hill Lodge", "VND", "Asia/Ho_Chi_Minh"),
    ("langkawi", "Langkawi Family Resort", "MYR", "Asia/Kuala_Lumpur"),
    ("kakheti", "Kakheti Mountain Hotel", "GEL", "Asia/Tbilisi"),
]


class Stock:
    """Orders, refunds, ratings and requests for one hotel, each at a known moment."""

    def __init__(self, hotel: Hotel):
        self.hotel = hotel
        pool = factories.make_pool(hotel, f"pool-{hotel.slug}", capacity=4)
        self.services = [factories.make_service(hotel, pool, f"{hotel.slug}_{n}").id for n in range(2)]
        self.count = 0

    def stay(self, surname: str, arrival_days_ago: int):
        return factories.make_stay(
            self.hotel,
            room=str(100 + self.count),
            surname=surname,
            arrival=self.hotel.today() - timedelta(days=arrival_days_ago),
            departure=self.hotel.today() + timedelta(days=3),
        )

    def order(self, stay, days_ago: float, totals: list[int], status=LineStatus.BOOKED, fee: int = 0):
        self.count += 1
        stay_id = stay.id
        placed = clock.now() - timedelta(days=days_ago)
        hotel_id, currency, slug = self.hotel.id, self.hotel.currency, self.hotel.slug
        order = Order(
            hotel_id=hotel_id,
            stay_id=stay_id,
            reference=f"{slug[:3].upper()}{self.count}",
            status=OrderStatus.CONFIRMED,
            currency=currency,
            placed_at=placed,
        )
        db.session.add(order)
        lines = []
        for number, total in enumerate(totals):
            lines.append(
                OrderLine(
                    hotel_id=hotel_id,
                    order=order,
                    service_id=self.services[number % 2],
                    status=status,
                    starts_at=placed + timedelta(days=1),
                    ends_at=placed + timedelta(days=1, hours=1),
                    adults=1,
                    currency=currency,
                    placed_at=placed,
                    subtotal=total,
                    total=total,
                    cancellation_fee=fee,
                    cancelled_at=placed + timedelta(hours=2) if status == LineStatus.CANCELLED else None,
                )
            )
        db.session.add_all(lines)
        payment = Payment(
            hotel_id=hotel_id,
            order=order,
            provider="room",
            status=PaymentStatus.SUCCEEDED,
            amount=sum(totals),
            currency=currency,
            idempotency_key=f"pay-{slug}-{self.count}",
        )
        db.session.add(payment)
        db.session.commit()
        return order, payment, lines

    def desk_refund(self, payment, amount: int, days_ago: float):
        db.session.add(
            Refund(
                hotel_id=self.hotel.id,
                payment=payment,
                amount=amount,
                currency=self.hotel.currency,
                status=RefundStatus.SUCCEEDED,
                created_at=clock.now() - timedelta(days=days_ago),
            )
        )
        db.session.commit()

    def feedback(self, stay, days_ago: float, rating=None, nps=None, line=None):
        db.session.add(
            Feedback(
                hotel_id=self.hotel.id,
                stay_id=stay.id,
                order_line_id=line.id if line is not None else None,
                service_id=line.service_id if line is not None else None,
                rating=rating,
                nps=nps,
                created_at=clock.now() - timedelta(days=days_ago),
            )
        )
        db.session.commit()

    def request(self, stay, days_ago: float, resolve_minutes: int | None, kind=RequestKind.AMENITY):
        created = clock.now() - timedelta(days=days_ago)
        done = resolve_minutes is not None
        db.session.add(
            GuestRequest(
                hotel_id=self.hotel.id,
                stay_id=stay.id,
                kind=kind,
                status=RequestStatus.DONE if done else RequestStatus.NEW,
                ack_due_at=created + timedelta(minutes=10),
                resolve_due_at=created + timedelta(minutes=60),
                acknowledged_at=created + timedelta(minutes=5) if done else None,
                resolved_at=created + timedelta(minutes=resolve_minutes) if done else None,
                created_at=created,
                updated_at=created,
            )
        )
        db.session.commit()


def fill(stock: Stock, scale: int) -> None:
    """A month of business, a few amounts just outside the 30 days, and every kind of figure."""
    first = stock.stay("First", 3)
    second = stock.stay("Second", 10)
    stock.stay("Third", 12)  # arrives, buys nothing
    old = stock.stay("Old", 80)
    _order, payment, lines = stock.order(first, 2, [120 * scale, 45 * scale])
    stock.order(second, 8, [300 * scale])
    stock.order(second, 9, [0])  # a free extra: a booking, but no paid extra
    stock.order(first, 5, [200 * scale], status=LineStatus.CANCELLED, fee=50 * scale)
    stock.order(old, 70, [999 * scale])  # outside the last 30 days
    stock.desk_refund(payment, 20 * scale, 1)
    stock.feedback(first, 1, rating=5, line=lines[0])
    stock.feedback(first, 1, rating=2, line=lines[1])
    stock.feedback(second, 4, nps=10)
    stock.feedback(first, 2, nps=6)
    stock.feedback(old, 60, nps=9)
    stock.request(first, 1, 30)  # on time
    stock.request(second, 6, 90, kind=RequestKind.HELP)  # late
    stock.request(first, 2, 45)  # on time
    stock.request(second, 3, None)  # still open


@pytest.fixture
def chain(app, frozen_now):
    """The test lodge (EUR, Vienna) and three hotels elsewhere in one group reporting in EUR, a
    second group with a hotel of its own, and a manager in each group's office."""
    frozen_now(NOW)
    with app.test_request_context():
        world = factories.build_world(slot_days=1)
        group = HotelGroup(slug="lobby-group", name="Lobby Hotels", reporting_currency="EUR")
        other = HotelGroup(slug="rival", name="Rival Hotels", reporting_currency="USD")
        db.session.add_all([group, other])
        db.session.flush()
        lodge = db.session.get(Hotel, world.hotel_id)
        lodge.group_id = group.id
        hotels = {"lodge": lodge}
        for slug, name, currency, zone in HOTELS:
            hotels[slug] = factories.make_hotel(
                slug, name={"en": name}, currency=currency, timezone=zone, group_id=group.id
            )
        hotels["rival"] = factories.make_hotel(
            "rival-inn",
            name={"en": "Rival Inn"},
            currency="USD",
            timezone="America/New_York",
            group_id=other.id,
        )
        db.session.commit()
        scales = {"lodge": 100, "dalat": 10_000, "langkawi": 100, "kakheti": 100, "rival": 100}
        for key, hotel in hotels.items():
            fill(Stock(hotel), scales[key])
        make_staff(app, world.hotel_id, StaffRole.MANAGER, "office@group.test")
        make_staff(app, hotels["rival"].id, StaffRole.MANAGER, "office@rival.test")
        make_staff(app, world.hotel_id, StaffRole.MANAGER, "manager@lodge.test")  # no group
        for email, group_id in (("office@group.test", group.id), ("office@rival.test", other.id)):
            db.session.scalar(select(StaffUser).where(StaffUser.email == email)).group_id = group_id
        db.session.commit()
        ids = {
            "group": group.id,
            "other": other.id,
            "hotels": {key: hotel.id for key, hotel in hotels.items()},
        }
    # Yielded outside any context: each request below gets its own, as in production (a context
    # held around them would share ``g``, and with it the signed-in user and the form token).
    return ids


@pytest.fixture
def inside(app):
    """A context for the service calls and database checks a test makes itself, between requests."""
    with app.test_request_context():
        yield


def sign_in(actions: StaffActions, email: str) -> None:
    actions.sign_in(email)


def dashboard_figures(hotel: Hotel, period: Period) -> dict:
    """What the hotel's own dashboard says (or, for the average rating, every rating it shows)."""
    services = analytics.service_figures(hotel, period)
    attach = analytics.attach_rate(hotel, period)
    sla = analytics.sla_figures(hotel, period)
    start, end = period.bounds(hotel)
    ratings, rating_sum = db.session.execute(
        select(func.count(Feedback.rating), func.sum(Feedback.rating)).where(
            Feedback.hotel_id == hotel.id, Feedback.created_at >= start, Feedback.created_at < end
        )
    ).one()
    return {
        "revenue": analytics.revenue_total(hotel, period).net,
        "bookings": sum(item.bookings for item in services),
        "attach": (attach.stays, attach.with_extra),
        "ratings": (ratings, int(rating_sum or 0)),
        "nps": analytics.nps(hotel, period),
        "sla": (sum(item.resolved for item in sla), sum(item.resolved_on_time for item in sla)),
    }


def test_each_hotels_figures_are_those_of_its_own_dashboard(app, chain, inside):
    group = db.session.get(HotelGroup, chain["group"])
    lodge = db.session.get(Hotel, chain["hotels"]["lodge"])
    today = lodge.today()
    for period in (Period(today - timedelta(days=29), today), Period(today - timedelta(days=364), today)):
        found = group_figures.group_figures(group, period)
        assert sorted(item.hotel_id for item in found.hotels) == sorted(
            chain["hotels"][key] for key in ("lodge", "dalat", "langkawi", "kakheti")
        )
        for item in found.hotels:
            expected = dashboard_figures(db.session.get(Hotel, item.hotel_id), period)
            assert item.revenue == expected["revenue"]
            assert item.bookings == expected["bookings"]
            assert (item.stays, item.with_extra) == expected["attach"]
            assert (item.ratings, item.rating_sum) == expected["ratings"]
            assert item.nps == expected["nps"]
            assert (item.resolved, item.resolved_on_time) == expected["sla"]

    # The numbers themselves, for the lodge's last 30 days (euros, in cents).
    month = group_figures.group_figures(group, Period(today - timedelta(days=29), today))
    lodge_row = next(item for item in month.hotels if item.hotel_id == lodge.id)
    assert lodge_row.revenue == 12000 + 4500 + 30000 + 0 + 5000 - 2000  # booked, fee kept, less the refund
    assert lodge_row.bookings == 4
    assert (lodge_row.stays, lodge_row.with_extra) == (5, 2)  # the world's Garcia and Novak bought nothing
    assert lodge_row.rating == 3.5 and lodge_row.nps.score == 0
    assert lodge_row.on_time_share == pytest.approx(2 / 3)
    # A year counts the older order and the older recommendation too.
    year = group_figures.group_figures(group, Period(today - timedelta(days=364), today))
    assert (
        next(item for item in year.hotels if item.hotel_id == lodge.id).revenue == lodge_row.revenue + 99900
    )


def set_rates(group: HotelGroup, rates: dict[str, str]) -> None:
    exchange_rates.save_rates(group, {currency: Decimal(rate) for currency, rate in rates.items()})


def set_group_rates(app, group_id: int, rates: dict[str, str]) -> None:
    with app.test_request_context():
        set_rates(db.session.get(HotelGroup, group_id), rates)


def count_rates(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ExchangeRate.id)))


def test_totals_are_converted_exactly_and_rounded_once(app, chain, inside):
    group = db.session.get(HotelGroup, chain["group"])
    today = db.session.get(Hotel, chain["hotels"]["lodge"]).today()
    month = Period(today - timedelta(days=29), today)
    # Every hotel's net revenue in the month is 665 of its units of business times its scale:
    # 120 + 45 + 300 + 50 (fee kept) - 20 (refund) = 495 units; VND has no minor unit.
    set_rates(group, {"VND": "0.0000365", "MYR": "0.1995", "GEL": "0.3431"})
    found = group_figures.group_figures(group, month)
    by_currency = {total.currency: total.revenue for total in found.currencies}
    assert by_currency == {"EUR": 49500, "VND": 4_950_000, "MYR": 49500, "GEL": 49500}
    # By hand: 495.00 EUR + 4,950,000 VND × 0.0000365 (180.675) + 495.00 MYR × 0.1995 (98.7525)
    # + 495.00 GEL × 0.3431 (169.8345) = 944.262 EUR -> 944.26.
    assert found.missing_rates == []
    assert found.converted_revenue == 94426
    assert {item.currency: item.converted for item in found.hotels} == {
        "EUR": Decimal("495.00"),
        "VND": Decimal("180.6750000"),
        "MYR": Decimal("98.752500"),
        "GEL": Decimal("169.834500"),
    }

    # Reporting in US dollars, with the euro converted too.
    group.reporting_currency = "USD"
    db.session.commit()
    set_rates(group, {"EUR": "1.0825", "VND": "0.0000393", "MYR": "0.2125", "GEL": "0.3705"})
    found = group_figures.group_figures(group, month)
    # 495 × 1.0825 = 535.8375; 4,950,000 × 0.0000393 = 194.535; 495 × 0.2125 = 105.1875;
    # 495 × 0.3705 = 183.3975: 1018.9575 USD -> 1018.96 (its own currency needs no rate).
    assert found.converted_revenue == 101896


def test_rounding_is_half_even_and_once_on_the_total():
    def total(amounts: list[tuple[int, str, str]], reporting: str = "EUR") -> int:
        rows = [
            group_figures.HotelFigures(
                n, f"h{n}", currency, amount, 0, 0, 0, 0, 0, analytics.Nps(0, 0, 0), 0, 0, None
            )
            for n, (amount, currency, _rate) in enumerate(amounts)
        ]
        rates = {currency: Decimal(rate) for _amount, currency, rate in amounts}
        return group_figures._totals(reporting, rows, rates).converted_revenue

    # 100 VND × 0.00005 = 0.005 EUR: half a cent rounds to the even 0.00 ...
    assert total([(100, "VND", "0.00005")]) == 0
    # ... and 300 VND = 0.015 EUR to the even 0.02.
    assert total([(300, "VND", "0.00005")]) == 2
    # Two hotels of 0.005 each make a cent: rounding each first would have lost it.
    assert total([(100, "VND", "0.00005"), (100, "VND", "0.00005")]) == 1
    # Minor-unit digits per currency: 1,000 JPY is 1000 yen (no minor unit), 1.000 KWD three digits.
    assert total([(1000, "JPY", "0.0062")]) == 620
    assert total([(1000, "KWD", "2.98")]) == 298


def test_a_currency_without_a_rate_is_shown_flagged_and_left_out(app, chain, staff):
    set_group_rates(app, chain["group"], {"VND": "0.0000365", "MYR": "0.1995"})  # nothing for GEL
    with app.test_request_context():
        group = db.session.get(HotelGroup, chain["group"])
        today = db.session.get(Hotel, chain["hotels"]["lodge"]).today()
        found = group_figures.group_figures(group, Period(today - timedelta(days=29), today))
        assert found.missing_rates == ["GEL"]
        # 495 + 180.675 + 98.7525 = 774.4275 EUR, without Kakheti's 495 GEL.
        assert found.converted_revenue == 77443
        assert [item.converted for item in found.hotels if item.currency == "GEL"] == [None]
    sign_in(staff, "office@group.test")
    page = staff.client.get("/manage/group")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "No exchange rate for GEL" in text
    assert "No rate for GEL" in text
    assert "Kakheti Mountain Hotel" in text
    assert "(without GEL)" in text


def test_the_page_shows_every_hotel_of_the_group_and_no_other(app, chain, staff):
    set_group_rates(app, chain["group"], {"VND": "0.0000365", "MYR": "0.1995", "GEL": "0.3431"})
    sign_in(staff, "office@group.test")
    for query in ("", "?preset=year", "?preset=12months", "?from=2026-05-01&to=2026-06-15", "?from=nonsense"):
        page = staff.client.get(f"/manage/group{query}")
        assert page.status_code == 200, query
        text = page.get_data(as_text=True)
        for name in ("Test Lodge", "Pine Hill Lodge", "Langkawi Family Resort", "Kakheti Mountain Hotel"):
            assert name in text
        assert "Rival Inn" not in text
    text = staff.client.get("/manage/group").get_data(as_text=True)
    assert "€944.26" in text
    assert 'href="/manage/group"' in text  # the nav link, for members of a group's office

    # The other group's office sees only its own hotel, in its own reporting currency.
    rival = StaffActions(app.test_client())
    sign_in(rival, "office@rival.test")
    text = rival.client.get("/manage/group?preset=year").get_data(as_text=True)
    assert "Rival Inn" in text
    for name in ("Test Lodge", "Pine Hill Lodge", "Langkawi Family Resort", "Kakheti Mountain Hotel"):
        assert name not in text
    assert "No exchange rate" not in text  # its one hotel counts in USD


def test_staff_outside_a_groups_office_are_refused(app, chain, staff):
    anonymous = app.test_client()
    for path in ("/manage/group", "/manage/group/rates"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/staff/signin" in response.location
    sign_in(staff, "manager@lodge.test")
    assert 'href="/manage/group"' not in staff.client.get("/manage/").get_data(as_text=True)
    for path in ("/manage/group", "/manage/group/rates"):
        assert staff.client.get(path).status_code == 403
    token = staff.csrf("/desk/")
    assert (
        staff.client.post("/manage/group/rates", data={"csrf_token": token, "rate_VND": "1"}).status_code
        == 403
    )
    assert count_rates(app) == 0


def rates_form(staff, **fields):
    token = staff.csrf("/manage/group/rates")
    return staff.client.post("/manage/group/rates", data={"csrf_token": token, **fields})


def test_rates_are_entered_checked_and_audited(app, chain, staff):
    sign_in(staff, "office@group.test")
    page = staff.client.get("/manage/group/rates")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    # One field per currency the group's hotels use, but the reporting currency's own.
    assert re.findall(r'name="rate_(\w+)"', text) == ["GEL", "MYR", "VND"]
    assert text.count("Never: no rate yet") == 3

    for typed, message in (
        ("abc", "Write the rate as a number"),
        ("-1", "Write the rate as a number"),
        ("1,000.5", "Write the rate as a number"),
        ("0", "more than zero"),
        ("0.0000000000001", "at most 12 decimals"),
        ("1234567890123456", "at most 15 digits in all"),
    ):
        response = rates_form(staff, rate_VND=typed, rate_MYR="0.2", rate_GEL="")
        assert response.status_code == 400, typed
        assert message in response.get_data(as_text=True), typed
        assert f'value="{typed}"' in response.get_data(as_text=True)  # what was typed stays
    assert count_rates(app) == 0

    response = rates_form(staff, rate_VND=" 0.0000365 ", rate_MYR="0.1995", rate_GEL="")
    assert response.status_code == 302
    with app.app_context():
        stored = dict(db.session.execute(select(ExchangeRate.currency, ExchangeRate.rate_text)).all())
    assert stored == {"VND": "0.0000365", "MYR": "0.1995"}
    text = staff.client.get("/manage/group/rates").get_data(as_text=True)
    assert text.count("Never: no rate yet") == 1  # GEL
    assert 'value="0.0000365"' in text

    # In Vietnamese a comma is the decimal mark; an emptied known rate is refused, not deleted.
    staff.client.post("/staff/language", data={"csrf_token": staff.csrf("/manage/group/rates"), "lang": "vi"})
    response = rates_form(staff, rate_VND="0,00004", rate_MYR="0,1995", rate_GEL="0,3431")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ExchangeRate.rate_text).where(ExchangeRate.currency == "VND")) == (
            "0.00004"
        )
    assert rates_form(staff, rate_VND="", rate_MYR="0,1995", rate_GEL="0,3431").status_code == 400
    assert 'value="0,1995"' in staff.client.get("/manage/group/rates").get_data(as_text=True)

    # Audited in each hotel whose currency the rate converts, by the person who set it.
    dalat = chain["hotels"]["dalat"]
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "hotel.exchange_rate_set").order_by(AuditEntry.id)
        ).all()
    assert [(entry.hotel_id, entry.after) for entry in entries if entry.hotel_id == dalat] == [
        (dalat, {"exchange_rate": "1 VND = 0.0000365 EUR"}),
        (dalat, {"exchange_rate": "1 VND = 0.00004 EUR"}),
    ]
    assert entries[-1].actor_name == "manager"
    assert {entry.hotel_id for entry in entries} == {
        dalat,
        chain["hotels"]["langkawi"],
        chain["hotels"]["kakheti"],
    }
