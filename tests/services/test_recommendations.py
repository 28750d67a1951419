"""The offers a stay is shown: ages, what it booked, what is left, the manager's pins, and the reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select, update

from app import clock
from app.extensions import db
from app.models import (
    Hotel,
    OfferImpression,
    OfferPlace,
    OrderLine,
    ResourcePool,
    Service,
    ServiceTag,
    Slot,
    Stay,
)
from app.services import availability, ordering, planning, recommendations, signed_links, view_counts
from tests.factories import make_service, make_stay


@pytest.fixture
def ctx(app, world):
    with app.test_request_context():
        yield world


def stay(world, key="garcia") -> Stay:
    return db.session.get(Stay, world.stays[key])


def offers(world, key="garcia", **kwargs):
    return recommendations.offers_for_stay(stay(world, key), clock.now(), **kwargs)


def codes(found) -> list[str]:
    return [offer.service.code for offer in found]


def book(world, guest_stay: Stay, code: str, children: list[int] | None = None, adults: int = 1):
    service = db.session.get(Service, world.services[code])
    if service.kind.by_day:
        request = planning.BookingRequest(
            service_id=service.id, start_date=max(world.today, guest_stay.arrival)
        )
    else:
        party = adults + len(children or [])
        slots = availability.slots_for_stay(service, guest_stay, clock.now())
        slot = next(slot for slot in reversed(slots) if slot.seats_left >= party)
        request = planning.BookingRequest(
            service_id=service.id, slot_id=slot.id, adults=adults, child_indexes=children or []
        )
    return ordering.book_now(guest_stay, request)


def paintball(world) -> Service:
    hotel = db.session.get(Hotel, world.hotel_id)
    pool = db.session.get(ResourcePool, world.pools["stable"])
    service = make_service(hotel, pool, "paintball", price_adult=5000, price_child=4000, min_age=12)
    db.session.commit()
    return service


def test_a_family_is_offered_what_its_children_may_join_before_grown_up_activities(ctx):
    paintball(ctx)

    found = offers(ctx)

    order = codes(found)
    assert "paintball" in order  # the parents may still go…
    for family_item in ("pony_ride", "farm_visit", "crib"):
        assert order.index(family_item) < order.index("paintball")  # …but it comes after the children's
    pony = next(offer for offer in found if offer.service.code == "pony_ride")
    assert pony.reason_code == "children"
    assert pony.reason == "For children aged 3 and over, like yours."


def test_nothing_for_children_is_offered_to_a_couple(ctx):
    order = codes(offers(ctx, "other"))

    assert "pony_ride" not in order  # 3 to 10 years: nobody in the party may join
    assert "horse_riding" in order and "car_rental" in order


def test_a_second_crib_or_car_is_never_offered(ctx):
    guest_stay = stay(ctx)
    before = codes(offers(ctx))
    book(ctx, guest_stay, "crib")
    book(ctx, guest_stay, "car_rental")

    after = codes(offers(ctx))

    assert "crib" in before and "car_rental" in before
    assert "crib" not in after and "car_rental" not in after


def test_an_activity_already_booked_goes_to_the_end(ctx):
    couple = stay(ctx, "other")
    assert codes(offers(ctx, "other"))[-1] != "horse_riding"
    book(ctx, couple, "horse_riding")

    assert codes(offers(ctx, "other"))[-1] == "horse_riding"


def test_a_crib_is_offered_to_families_only(ctx):
    assert "crib" in codes(offers(ctx))
    assert "crib" not in codes(offers(ctx, "other"))


def test_sold_out_or_closed_services_are_not_offered(ctx):
    db.session.execute(
        update(Slot).where(Slot.pool_id == ctx.pools["stable"]).values(taken=Slot.capacity)
    )  # every ride sold out
    db.session.execute(update(Slot).where(Slot.pool_id == ctx.pools["cars"]).values(capacity=0))  # closed
    db.session.commit()

    order = codes(offers(ctx))

    assert order == ["crib"]


def test_a_slot_freed_later_in_the_week_makes_the_service_offered_again(ctx):
    later = ctx.today + timedelta(days=3)
    stable = Slot.pool_id == ctx.pools["stable"]
    db.session.execute(update(Slot).where(stable, Slot.local_date != later).values(taken=Slot.capacity))
    db.session.commit()
    free = db.session.scalars(select(Slot.id).where(stable, Slot.local_date == later)).all()

    found = {offer.service.code: offer for offer in offers(ctx)}

    assert "pony_ride" in found
    assert found["pony_ride"].slot.id in free


def test_paused_and_archived_services_are_not_offered(ctx):
    db.session.get(Service, ctx.services["pony_ride"]).active = False
    db.session.get(Service, ctx.services["farm_visit"]).archived = True
    db.session.commit()

    order = codes(offers(ctx))

    assert "pony_ride" not in order and "farm_visit" not in order
    assert "crib" in order


def test_a_pinned_service_comes_first_with_the_hotels_reason(ctx):
    db.session.get(Service, ctx.services["horse_riding"]).pinned = True
    db.session.commit()

    found = offers(ctx, "other")

    assert found[0].service.code == "horse_riding"
    assert found[0].reason_code == "pinned"
    assert found[0].reason == "Recommended by the hotel."


def test_what_similar_guests_booked_together_is_offered_with_that_reason(ctx):
    hotel = db.session.get(Hotel, ctx.hotel_id)
    for number in range(4):  # four families rode horses and then visited the farm
        earlier = make_stay(hotel, room=f"1{number}", surname=f"Guest{number}", children_ages=[9])
        book(ctx, earlier, "horse_riding")
        book(ctx, earlier, "farm_visit")
    couple = make_stay(hotel, room="50", surname="Lonely", children_ages=[])
    book(ctx, couple, "car_rental")  # a couple's bookings don't speak for families
    db.session.commit()
    guest_stay = stay(ctx)
    book(ctx, guest_stay, "horse_riding", children=[1])

    found = {offer.service.code: offer for offer in offers(ctx)}

    assert found["farm_visit"].reason_code == "often_with"
    assert found["farm_visit"].reason == "Often booked with Horse riding."
    assert next(iter(found)) == "farm_visit"


def test_few_places_left_tomorrow_is_said(ctx, frozen_now):
    hotel = db.session.get(Hotel, ctx.hotel_id)
    tomorrow = ctx.today + timedelta(days=1)
    first = db.session.scalars(
        select(Slot)
        .where(Slot.pool_id == ctx.pools["stable"], Slot.local_date == tomorrow)
        .order_by(Slot.starts_at)
    ).first()
    # Nothing left today; tomorrow's first ride has 2 of 6 places.
    db.session.execute(
        update(Slot)
        .where(Slot.pool_id == ctx.pools["stable"], Slot.local_date <= ctx.today)
        .values(taken=Slot.capacity)
    )
    first.taken = 4
    db.session.commit()
    guest_stay = make_stay(
        hotel, room="60", surname="Short", children_ages=[], departure=ctx.today + timedelta(days=2)
    )
    db.session.commit()

    found = {offer.service.code: offer for offer in recommendations.offers_for_stay(guest_stay, clock.now())}

    assert found["horse_riding"].reason_code == "few_left"
    assert found["horse_riding"].reason == "Only 2 places left tomorrow."
    assert found["horse_riding"].slot.id == first.id


def test_at_most_six_offers_and_the_page_can_leave_one_out(ctx):
    hotel = db.session.get(Hotel, ctx.hotel_id)
    pool = db.session.get(ResourcePool, ctx.pools["stable"])
    for number in range(5):
        make_service(hotel, pool, f"extra_{number}", price_adult=1000)
    db.session.commit()

    assert len(offers(ctx)) == 6
    assert ctx.services["crib"] not in {o.service.id for o in offers(ctx, exclude={ctx.services["crib"]})}


def test_reasons_are_in_the_guests_language(ctx):
    with force_locale("vi"):
        found = {offer.service.code: offer for offer in offers(ctx)}
    english = {offer.service.code: offer for offer in offers(ctx)}

    assert found["pony_ride"].reason != english["pony_ride"].reason
    assert "3" in found["pony_ride"].reason


def test_impressions_are_counted_once_per_stay_service_and_place(ctx):
    guest_stay = stay(ctx)
    found = offers(ctx)
    now = clock.now()

    recommendations.record_impressions(guest_stay, found, OfferPlace.HOME, now)
    recommendations.record_impressions(guest_stay, found, OfferPlace.HOME, now + timedelta(minutes=5))
    recommendations.record_impressions(guest_stay, found[:2], OfferPlace.AFTER_BOOKING, now)
    assert db.session.scalars(select(OfferImpression)).all() == []  # buffered, not written yet
    view_counts.flush()

    rows = db.session.scalars(select(OfferImpression)).all()
    assert len(rows) == len(found) + 2
    home = [row for row in rows if row.place == "home"]
    assert {row.times for row in home} == {2}
    assert {row.first_shown_at for row in home} == {now}
    assert {row.last_shown_at for row in home} == {now + timedelta(minutes=5)}
    assert {row.reason for row in home} == {offer.reason_code for offer in found}


def test_a_booking_is_attributed_only_from_a_link_signed_for_the_stay_and_service(ctx):
    guest_stay = stay(ctx)
    found = offers(ctx)
    shown = found[0].service.id
    signed = signed_links.offer_link_signature(guest_stay, shown, "home", "children")

    # Nothing was counted or flushed: the signature alone proves the stay was shown the offer.
    assert recommendations.attribution(guest_stay, shown, "home", "children", signed) == ("home", "children")
    assert recommendations.attribution(guest_stay, shown, "home", "children", None) is None
    assert recommendations.attribution(guest_stay, shown, "email", "children", signed) is None  # edited place
    assert recommendations.attribution(guest_stay, shown, "home", "pinned", signed) is None  # edited reason
    assert recommendations.attribution(guest_stay, found[1].service.id, "home", "children", signed) is None
    assert recommendations.attribution(guest_stay, shown, "home", "made-up", signed) is None
    assert recommendations.attribution(guest_stay, shown, "<script>", "children", signed) is None
    tampered = signed[:-1] + ("A" if signed[-1] != "A" else "B")
    assert recommendations.attribution(guest_stay, shown, "home", "children", tampered) is None
    other = stay(ctx, "other")
    assert recommendations.attribution(other, shown, "home", "children", signed) is None


def test_book_now_from_an_offer_records_where_it_came_from(ctx):
    guest_stay = stay(ctx)
    service = db.session.get(Service, ctx.services["pony_ride"])
    slot = availability.slots_for_stay(service, guest_stay, clock.now())[0]
    request = planning.BookingRequest(
        service_id=service.id, slot_id=slot.id, child_indexes=[0], offer=("home", "children")
    )

    order = ordering.book_now(guest_stay, request)

    line = db.session.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    assert (line.offer_place, line.offer_reason) == ("home", "children")
    assert line.status.value == "booked"


def test_only_an_excursion_is_time_for_a_day_out_never_an_airport_transfer(app, demo_template):
    """The demo lodge's transfer sits in the outdoor package (and the family one); its tag says what it is."""
    with app.test_request_context():
        hotel, _stays = demo_template.seed()
        services = {
            service.code: service
            for service in db.session.scalars(select(Service).where(Service.hotel_id == hotel.id))
        }
        # A long stay, arriving in two days: days out are what the ranking should suggest.
        long_stay = make_stay(
            hotel,
            room="402",
            surname="Long",
            arrival=clock.now().astimezone(hotel.tz).date() + timedelta(days=2),
            departure=clock.now().astimezone(hotel.tz).date() + timedelta(days=9),
            children_ages=[],
        )
        db.session.commit()
        found = recommendations.offers_for_stay(long_stay, clock.now(), limit=len(services))
        day_out = {offer.service.code for offer in found if offer.reason_code == "long_stay"}
        assert "airport_transfer" in codes(found)  # still offered, for what it is…
        assert "airport_transfer" not in day_out  # …but never as a day out
        assert day_out and all(ServiceTag.EXCURSION in services[code].tags for code in day_out)
        sentence = next(offer.reason for offer in found if offer.reason_code == "long_stay")
        assert sentence == "You are staying 7 nights: time for a day out."
