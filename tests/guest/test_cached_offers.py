"""Offers on /home are ranked once per change and read back after: each change still shows at once.

A view that ranks runs the co-booking counts (``recommendations.count_co_bookings``, every time
under TestConfig); a view that reads the cache does not, and costs fewer statements.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta

import pytest
import redis
from flask_babel import force_locale

from app import clock, create_app
from app.extensions import db
from app.models import Hotel, Slot, Stay
from app.services import ordering, planning, recommendations
from config import TestConfig
from tests.desk.helpers import signed_in_guest
from tests.factories import riding_slot
from tests.manage.test_catalog_editor import service_form
from tests.statements import statements_sent

# A database of its own on the shared Redis, flushed by each test that uses it.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CARD = re.compile(r'<a class="offer-card" href="([^"]+)">.*?<span class="offer-reason">([^<]*)</span>', re.S)


def shown(page: str) -> list[tuple[int, str, str, int | None]]:
    """The offer cards, in order: (service id, reason code, reason, suggested slot id or None)."""
    found = []
    for href, reason in CARD.findall(page):
        href = html.unescape(href)
        service = int(re.search(r"/services/(\d+)", href).group(1))
        why = re.search(r"why=(\w+)", href).group(1)
        slot = re.search(r"slot=(\d+)", href)
        found.append((service, why, html.unescape(reason), int(slot.group(1)) if slot else None))
    return found


def ranked_now(app, stay_id: int, locale: str = "en") -> list[tuple[int, str, str, int | None]]:
    """What ranking the stay's offers right now gives, uncached, in the page's terms."""
    with app.test_request_context(), force_locale(locale):
        stay = db.session.get(Stay, stay_id)
        offers = recommendations.offers_for_stay(stay, clock.now())
        return [
            (offer.service.id, offer.reason_code, offer.reason, offer.slot.id if offer.slot else None)
            for offer in offers
        ]


def ranked(seen: list[str]) -> bool:
    return any("count(distinct" in statement.lower() for statement in seen)


def versions(app, world) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.get(Stay, world.stays["garcia"]).bookings_version,
            db.session.get(Hotel, world.hotel_id).catalog_version,
        )


def home(guest) -> str:
    answer = guest.client.get("/home")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


@pytest.fixture
def early_tomorrow(app, world, frozen_now) -> datetime:
    """03:00 at the hotel tomorrow: the first riding time (09:00) is hours away whatever the minutes."""
    with app.app_context():
        tz = db.session.get(Hotel, world.hotel_id).tz
    return frozen_now(datetime.combine(world.today + timedelta(days=1), time(3), tzinfo=tz))


def test_a_second_view_reads_the_offers_instead_of_ranking_them(app, world, early_tomorrow):
    guest = signed_in_guest(app)
    with statements_sent(app) as first:
        first_offers = shown(home(guest))
    with statements_sent(app) as second:
        second_offers = shown(home(guest))

    assert ranked(first) and not ranked(second)
    assert len(second) < len(first) - 3  # the catalog, the bookings, the counts and the slots
    assert first_offers and second_offers == first_offers == ranked_now(app, world.stays["garcia"])


def test_booking_an_offered_service_shows_on_the_next_view(app, world, early_tomorrow):
    guest = signed_in_guest(app)
    before = shown(home(guest))
    crib = world.services["crib"]
    assert crib in [service for service, *_ in before]
    page = guest.client.get(f"/services/{crib}").get_data(as_text=True)
    start = re.search(r'name="start_date"[^>]*value="([^"]+)"', page).group(1)

    booked = guest.post(f"/services/{crib}", {"start_date": start, "days": 1, "quantity": 1, "then": "book"})

    assert booked.status_code == 302
    after = shown(home(guest))
    assert crib not in [service for service, *_ in after]  # no second crib
    assert after == ranked_now(app, world.stays["garcia"])


def test_booking_at_another_time_than_the_one_offered_shows_on_the_next_view(app, world, early_tomorrow):
    guest = signed_in_guest(app)
    before = shown(home(guest))
    farm = world.services["farm_visit"]
    with app.app_context():
        later = riding_slot(world, days_ahead=3).id
    assert later not in [slot for *_, slot in before]  # the offered time's seats do not move

    booked = guest.post(f"/services/{farm}", {"slot": later, "adults": 1, "then": "book"})

    assert booked.status_code == 302
    after = shown(home(guest))
    assert after != before and after[-1][0] == farm  # booked once already: offered last
    assert after == ranked_now(app, world.stays["garcia"])


def test_a_pinned_service_comes_first_on_the_next_view(app, world, early_tomorrow, manager):
    guest = signed_in_guest(app)
    horse = world.services["horse_riding"]
    assert shown(home(guest))[0][0] != horse

    fields = service_form(app, world, "horse_riding", pinned="y")
    assert manager.post(f"/manage/services/{horse}", fields).status_code == 302

    after = shown(home(guest))
    assert after[0][:2] == (horse, "pinned")
    assert after == ranked_now(app, world.stays["garcia"])


def test_a_paused_service_leaves_the_offers_on_the_next_view(app, world, early_tomorrow, manager):
    guest = signed_in_guest(app)
    pony = world.services["pony_ride"]
    assert pony in [service for service, *_ in shown(home(guest))]
    fields = service_form(app, world, "pony_ride")
    del fields["active"]

    assert manager.post(f"/manage/services/{pony}", fields).status_code == 302

    after = shown(home(guest))
    assert pony not in [service for service, *_ in after]
    assert after == ranked_now(app, world.stays["garcia"])


def test_another_stay_taking_the_last_seats_moves_the_offer_off_that_time(app, world, early_tomorrow):
    guest = signed_in_guest(app)
    [slot_id] = {slot for _service, _why, _reason, slot in shown(home(guest)) if slot is not None}
    with app.app_context():
        slot = db.session.get(Slot, slot_id)
        slot.taken = slot.capacity - 2  # earlier bookings, as the test world has none
        db.session.commit()
    cached = shown(home(guest))
    assert any(slot == slot_id for *_, slot in cached)
    seen_before = versions(app, world)

    with app.test_request_context():
        novak = db.session.get(Stay, world.stays["other"])
        ordering.book_now(
            novak,
            planning.BookingRequest(service_id=world.services["horse_riding"], slot_id=slot_id, adults=2),
        )

    assert versions(app, world) == seen_before  # nothing of Garcia's stay or the catalog changed
    after = shown(home(guest))
    assert after and all(slot != slot_id for *_, slot in after)
    assert after == ranked_now(app, world.stays["garcia"])


def test_changing_language_gives_the_reasons_in_the_new_one(app, world, early_tomorrow):
    guest = signed_in_guest(app)
    english = shown(home(guest))

    guest.post("/language", {"lang": "vi", "next": "/home"}, page="/home")

    vietnamese = shown(home(guest))
    assert [reason for _s, _w, reason, _t in vietnamese] != [reason for _s, _w, reason, _t in english]
    assert vietnamese == ranked_now(app, world.stays["garcia"], "vi")


def test_the_offers_are_ranked_again_when_the_time_bucket_ends(app, world, early_tomorrow, frozen_now):
    guest = signed_in_guest(app)
    home(guest)
    frozen_now(early_tomorrow + timedelta(seconds=app.config["OFFER_CACHE_SECONDS"]))
    with statements_sent(app) as later:
        offers = shown(home(guest))

    assert ranked(later)
    assert offers == ranked_now(app, world.stays["garcia"])


def test_the_confirmation_page_caches_its_offers_apart_from_home(app, world, early_tomorrow):
    guest = signed_in_guest(app)
    home(guest)
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        before = stay.bookings_version
    page = guest.client.get(f"/services/{world.services['car_rental']}").get_data(as_text=True)
    start = re.search(r'name="start_date"[^>]*value="([^"]+)"', page).group(1)
    booked = guest.post(
        f"/services/{world.services['car_rental']}",
        {"start_date": start, "days": 1, "quantity": 1, "then": "book"},
    )
    assert versions(app, world)[0] > before

    confirmation = guest.client.get(booked.location).get_data(as_text=True)
    with statements_sent(app) as again:
        assert shown(guest.client.get(booked.location).get_data(as_text=True)) == shown(confirmation)

    assert shown(confirmation)
    assert world.services["car_rental"] not in [service for service, *_ in shown(confirmation)]
    assert not ranked(again)


@contextmanager
def second_app(database_url: str, **settings) -> Iterator:
    """Another worker on the same database: its own memory, so only Redis can share with it."""
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, **settings)
    try:
        yield other
    finally:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def shared_redis() -> str:
    with redis.Redis.from_url(REDIS_URL) as client:
        try:
            client.flushdb()
        except redis.ConnectionError as error:
            pytest.fail(f"This test needs Redis at {REDIS_URL}: {error}")
    return REDIS_URL


def test_two_workers_share_one_cached_entry_through_redis(database_url, world, shared_redis, early_tomorrow):
    with (
        second_app(database_url, REDIS_URL=shared_redis) as first,
        second_app(database_url, REDIS_URL=shared_redis) as second,
    ):
        with statements_sent(first) as ranking:
            offers = shown(home(signed_in_guest(first)))
        guest = signed_in_guest(second)
        with statements_sent(second) as reading:
            again = shown(home(guest))

    assert ranked(ranking) and not ranked(reading)
    assert offers and again == offers
    with redis.Redis.from_url(shared_redis) as client:
        assert len(client.keys("lobby:offers:*")) == 1


def test_without_redis_each_worker_ranks_for_itself(database_url, world, early_tomorrow):
    with second_app(database_url) as first, second_app(database_url) as second:
        home(signed_in_guest(first))
        with statements_sent(second) as reading:
            home(signed_in_guest(second))

    assert ranked(reading)


def test_an_unreachable_redis_still_gives_the_page(database_url, world, early_tomorrow):
    with second_app(database_url, REDIS_URL="redis://127.0.0.1:9/1") as lost:
        guest = signed_in_guest(lost)
        first = home(guest)
        with statements_sent(lost) as second:
            again = home(guest)

    assert shown(first) and shown(again) == shown(first)
    assert not ranked(second)  # kept in the worker's memory meanwhile
