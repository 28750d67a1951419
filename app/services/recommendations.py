"""Which extras to offer a stay, and why, in words the guest can read.

``offers_for_stay`` ranks a hotel's services for one stay from what is known about it:
who is in the party (ages decide what a child may join), the length of the stay and
which day of it this is, the loyalty tier, what the stay already booked, what guests
with a similar party booked together (co-booking counts from one SQL aggregate,
kept for ``RECOMMENDATION_REFRESH_SECONDS``), what still has room during the stay,
and the manager's pins and pauses. Each offer carries the reason that weighed most,
both as a code (stored with impressions and bookings, so the dashboard can say which
reasons sell) and as a sentence in the guest's language.

``packages_for_stay`` orders the home page's package sections the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic  # datetime.time owns the name `time` here

from babel.lists import format_list
from flask import current_app
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import (
    Hotel,
    LineStatus,
    OfferPlace,
    Order,
    OrderLine,
    Package,
    Service,
    ServiceKind,
    ServiceTag,
    Slot,
    Stay,
    Tier,
    package_service,
)
from app.models.ages import ADULT_AGE, FAMILY_CHILD_UNDER
from app.models.stays import party_kind
from app.services import signed_links, view_counts
from app.services.availability import local_datetime
from app.services.catalog import service_facts_on_sale

OFFERS_SHOWN = 6  # the brief: 6–8 relevant extras, never the whole catalog
LOOK_AHEAD_DAYS = 7  # availability is checked this far ahead (the service page lists as far)
FEW_LEFT = 3  # "only 2 places left tomorrow" from this many down
HISTORY_DAYS = 365  # co-booking counts come from a year of bookings
LONG_STAY_NIGHTS = 3  # from this many nights left, a rental or a day out is worth offering


@dataclass(frozen=True)
class Weights:
    """What each thing known about a stay adds to a service's score; the highest scores are offered.

    The ranking's only knobs, in one place so ``bench/recommendations.py`` can try other
    values against what guests go on to book (``WEIGHTS="history=120" make bench-offers``).
    """

    pinned: float = 100  # the manager's pin comes first, whatever guests did
    booked_already: float = -60  # once is what most guests want; offer the rest first
    history: float = 100  # times the share of similar parties that booked it (0 to 1): weighs most
    together: float = 80  # times the share of those who booked one of this stay's services and this too
    young_left_out: float = -15  # grown-ups could go, but seldom do while travelling with small children
    for_the_children: float = 10  # made for children, and this stay's children may join
    whole_party: float = 3  # everyone may join, the children too
    on_arrival: float = 5  # an amenity (a crib) offered before or on the day of arrival
    long_stay_rental: float = 5  # wheels for a long stay, though renting is not "a day out" in itself
    long_stay_day_out: float = 5  # an excursion for a long stay
    few_left: float = 5  # only a few places left today or in the next two days
    bundle: float = 2  # part of a package deal
    tier: float = 1  # the loyal guest's discount applies
    earns: float = 2  # between equals, the one that earns something
    # The shares from which a reason is said in words (they add nothing to the score):
    popular_from: float = 0.15  # "Popular with families like yours."
    often_with_from: float = 0.2  # "Often booked with …"
    # The home page's package sections (packages_for_stay), highest first:
    package_family: int = 30  # the family package, for a stay with young children
    package_nature: int = 20
    package_outdoor: int = 10  # the outdoor package, for a long stay
    package_other: int = 5  # any other package, and the outdoor one for a short stay


WEIGHTS = Weights()

# Reason codes, kept with impressions and bookings (app/web/labels.py names them on the dashboard),
# in the order a guest finds them telling: the first that applies is shown.
REASON_CODES = (
    "pinned",
    "often_with",
    "few_left",
    "children",
    "arrival",
    "popular",
    "long_stay",
    "whole_party",
    "bundle",
    "tier",
    "available",
)


@dataclass(frozen=True)
class ServiceOffer:
    service: Service
    reason_code: str
    reason: str  # in the current locale
    score: float
    slot: Slot | None = None  # the soonest time with room (timed services), a hint for the booking form
    bundle: Package | None = None  # a package deal it is part of, shown with its discount
    # The soonest slot with room, by-day services' too (their first free day): cached offers check it.
    opening: Slot | None = None

    @property
    def shown_as(self) -> tuple:
        """What its card shows, as a key for the card's rendered HTML (app/web/fragments.py)."""
        bundle = self.bundle.id if self.bundle is not None else None
        return (self.service.id, self.reason_code, self.reason, self.slot.id if self.slot else None, bundle)


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """What the ranking weighs of a service: read as plain columns for the whole catalog."""

    id: int
    kind: ServiceKind
    pool_id: int
    min_age: int | None
    max_age: int | None
    tags: list[str]
    pinned: bool
    position: int
    lead_time_minutes: int
    is_free: bool

    @classmethod
    def on_sale(cls, hotel_id: int) -> list[ServiceFacts]:
        prices = (Service.price_adult, Service.price_child, Service.price_unit)
        rows = service_facts_on_sale(hotel_id, *(getattr(Service, name) for name in _FACTS), *prices)
        return [cls(*row[: len(_FACTS)], is_free=not any(row[len(_FACTS) :])) for row in rows]


_FACTS = ("id", "kind", "pool_id", "min_age", "max_age", "tags", "pinned", "position", "lead_time_minutes")


# A reason's sentence, said only if the offer makes the shortlist: translating and formatting one
# for each of 2,000 services on sale cost more than ranking them.
Sentence = Callable[[], str]


@dataclass
class _Candidate:
    service: ServiceFacts
    points: list[tuple[float, str, Sentence | None]] = field(default_factory=list)  # (weight, code, sentence)

    def add(self, weight: float, code: str = "", sentence: Sentence | None = None) -> None:
        self.points.append((weight, code, sentence))

    @property
    def score(self) -> float:
        return sum(weight for weight, _code, _sentence in self.points)

    def reason(self, worn_out: set[str]) -> tuple[str, str]:
        """The most telling reason (REASON_CODES is in that order) not ``worn_out`` by the offers above."""
        explained = {code: sentence for _weight, code, sentence in self.points if code and sentence}
        ordered = [code for code in REASON_CODES if code in explained]
        for code in ordered:
            if code not in worn_out:
                return code, explained[code]()
        if ordered:
            return ordered[0], explained[ordered[0]]()
        return "available", _("There is room for you during your stay.")


def offers_for_stay(
    stay: Stay,
    now: datetime,
    limit: int = OFFERS_SHOWN,
    exclude: set[int] | frozenset[int] = frozenset(),
) -> list[ServiceOffer]:
    """The ``limit`` services most worth offering ``stay`` now, best first, each with its reason.

    Never offered: paused or archived services, what nobody in the party may join, a
    second crib or rental already booked, and anything with no room left during the
    stay. ``exclude`` leaves out services the page already shows (the one just booked).
    """
    hotel = stay.hotel
    today = hotel.local(now).date()
    if stay.departure < today:
        return []
    # Plain columns for the whole catalog, objects for the shortlist only (_shortlisted): at 2,000
    # services, building and decoding every service was most of the ranking's time.
    services = ServiceFacts.on_sale(stay.hotel_id)
    booked = _booked_services(stay)
    history = co_bookings(stay.hotel_id)
    party = stay.party or party_kind(stay.adults, stay.children_ages)
    openings = openings_during_stay(stay, services, hotel, now)
    bundles = _bundle_packages(stay.hotel_id)
    candidates = []
    for service in services:
        if service.id in exclude:
            continue
        opening = openings.get(service.id)
        if opening is None:
            continue  # sold out, closed or nothing during the stay
        candidate = _Candidate(service)
        if not _fits_party(candidate, stay, service):
            continue
        if service.id in booked and (service.kind.by_day or service.kind is ServiceKind.AMENITY):
            continue  # no second crib, no second car
        if service.pinned:
            candidate.add(WEIGHTS.pinned, "pinned", lambda: _("Recommended by the hotel."))
        if service.id in booked:
            candidate.add(WEIGHTS.booked_already)
        else:
            _weigh_history(candidate, history, party, booked)
        _weigh_stay(candidate, stay, today)
        _weigh_opening(candidate, opening, today, hotel)
        _weigh_bundle(candidate, bundles.get(service.id))
        _weigh_tier(candidate, stay, hotel)
        if not service.is_free:
            candidate.add(WEIGHTS.earns)
        candidates.append((candidate, opening))
    candidates.sort(key=lambda pair: (-pair[0].score, pair[0].service.position, pair[0].service.id))
    shortlist = _shortlisted([candidate.service.id for candidate, _opening in candidates[:limit]])
    offers = []
    said: Counter[str] = Counter()
    for candidate, opening in candidates[:limit]:
        # Six cards with the same sentence read like a form letter: after two, say the next reason.
        code, sentence = candidate.reason({code for code, times in said.items() if times >= 2})
        said[code] += 1
        slot = opening if not candidate.service.kind.by_day else None
        offers.append(
            ServiceOffer(
                shortlist[candidate.service.id],
                code,
                sentence,
                round(candidate.score, 2),
                slot,
                bundles.get(candidate.service.id),
                opening,
            )
        )
    return offers


def _booked_services(stay: Stay) -> set[int]:
    live = (LineStatus.BOOKED, LineStatus.REQUESTED, LineStatus.HELD)
    return set(
        db.session.scalars(
            select(OrderLine.service_id)
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.stay_id == stay.id, OrderLine.status.in_(live))
        )
    )


def _who_may_join(stay: Stay, service: ServiceFacts) -> tuple[int, list[int]]:
    """How many adults and which children's ages may take part in ``service``."""
    adults_allowed = service.max_age is None or service.max_age >= ADULT_AGE
    adults = stay.adults if adults_allowed and (service.min_age or 0) <= ADULT_AGE else 0
    children = [
        age
        for age in stay.children_ages
        if (service.min_age is None or age >= service.min_age)
        and (service.max_age is None or age <= service.max_age)
    ]
    return adults, children


def _fits_party(candidate: _Candidate, stay: Stay, service: ServiceFacts) -> bool:
    adults, children = _who_may_join(stay, service)
    if not adults and not children:
        return False
    # What the service is comes from the manager's tags, never from the package it sits in
    # (a package mixes things: the family one also lists the airport transfer).
    for_kids = ServiceTag.KIDS in (service.tags or ())
    if for_kids and service.kind is not ServiceKind.SLOT and not stay.children_ages:
        return False  # a crib or a stroller is for families, whoever may "join" it
    for_children = (service.max_age is not None and service.max_age < ADULT_AGE) or for_kids
    young = [age for age in stay.children_ages if age < FAMILY_CHILD_UNDER]
    if young and not children:
        candidate.add(WEIGHTS.young_left_out)
    elif children and for_children:
        candidate.add(WEIGHTS.for_the_children, "children", lambda: _children_sentence(service, children))
    elif children and len(children) == len(stay.children_ages) and adults:
        candidate.add(WEIGHTS.whole_party, "whole_party", lambda: _("All of you can join, the children too."))
    return True


def _children_sentence(service: ServiceFacts, ages: list[int]) -> str:
    if service.min_age:
        return _("For children aged %(age)d and over, like yours.", age=service.min_age)
    listed = format_list([str(age) for age in sorted(ages)], locale=str(get_locale()))
    return ngettext(
        "Chosen for your child aged %(ages)s.",
        "Chosen for your children aged %(ages)s.",
        len(ages),
        ages=listed,
    )


def _weigh_history(candidate: _Candidate, history: CoBookings, party: str, booked: set[int]) -> None:
    """What similar parties booked weighs most: the share that booked it, and with what."""
    service_id = candidate.service.id
    popularity = history.share(service_id, party)
    candidate.add(WEIGHTS.history * popularity)
    if popularity >= WEIGHTS.popular_from:
        candidate.add(0, "popular", lambda: _popular_sentence(party))
    best, partner = 0.0, None
    for other in booked:
        if other == service_id:
            continue
        likelihood = history.together(other, service_id, party)
        if likelihood > best:
            best, partner = likelihood, other
    candidate.add(WEIGHTS.together * best)
    if partner is not None and best >= WEIGHTS.often_with_from:
        candidate.add(0, "often_with", lambda: _("Often booked with %(service)s.", service=_title(partner)))


def _popular_sentence(party: str) -> str:
    if party == "couple":
        return _("Popular with couples staying here.")
    if party == "group":
        return _("Popular with groups of friends staying here.")
    return _("Popular with families like yours.")


def _weigh_stay(candidate: _Candidate, stay: Stay, today: date) -> None:
    service = candidate.service
    before_or_first_day = today <= stay.arrival
    if service.kind is ServiceKind.AMENITY and before_or_first_day:
        candidate.add(WEIGHTS.on_arrival, "arrival", lambda: _("Ready in your room when you arrive."))
    days_left = (stay.departure - max(today, stay.arrival)).days
    tags = service.tags or ()
    if days_left >= LONG_STAY_NIGHTS and ServiceTag.RENTAL in tags and ServiceTag.EXCURSION not in tags:
        candidate.add(WEIGHTS.long_stay_rental)
    if days_left >= LONG_STAY_NIGHTS and ServiceTag.EXCURSION in tags:
        candidate.add(
            WEIGHTS.long_stay_day_out, "long_stay", lambda: _day_out_sentence(days_left, today < stay.arrival)
        )


def _day_out_sentence(days_left: int, before_arrival: bool) -> str:
    if before_arrival:
        return ngettext(
            "You are staying %(num)d night: time for a day out.",
            "You are staying %(num)d nights: time for a day out.",
            days_left,
        )
    return ngettext(
        "You are here for %(num)d more night: time for a day out.",
        "You are here for %(num)d more nights: time for a day out.",
        days_left,
    )


def _weigh_opening(candidate: _Candidate, opening: Slot, today: date, hotel: Hotel) -> None:
    left = opening.seats_left
    days_away = (opening.local_date - today).days
    if left > FEW_LEFT or not opening.taken or days_away > 2:
        return  # a small pool nobody booked yet is not "only 2 left"
    candidate.add(
        WEIGHTS.few_left, "few_left", lambda: _few_left_sentence(left, days_away, opening.local_date)
    )


def _few_left_sentence(left: int, days_away: int, day: date) -> str:
    if days_away <= 0:
        return ngettext("Only %(num)d place left today.", "Only %(num)d places left today.", left)
    if days_away == 1:
        return ngettext("Only %(num)d place left tomorrow.", "Only %(num)d places left tomorrow.", left)
    return ngettext(
        "Only %(num)d place left on %(day)s.",
        "Only %(num)d places left on %(day)s.",
        left,
        day=format_date(day, "EEEE"),
    )


def _weigh_bundle(candidate: _Candidate, package: Package | None) -> None:
    if package is None:
        return
    candidate.add(
        WEIGHTS.bundle,
        "bundle",
        lambda: _(
            "Book %(num)d from %(package)s together and save %(percent)d%%.",
            num=package.bundle_size,
            package=package.title,
            percent=package.bundle_percent,
        ),
    )


def _weigh_tier(candidate: _Candidate, stay: Stay, hotel: Hotel) -> None:
    percent = {Tier.SILVER: hotel.silver_discount_percent, Tier.GOLD: hotel.gold_discount_percent}.get(
        stay.tier, 0
    )
    if percent and not candidate.service.is_free:
        candidate.add(
            WEIGHTS.tier,
            "tier",
            lambda: _("Your loyal guest discount of %(percent)d%% applies.", percent=percent),
        )


def _bundle_packages(hotel_id: int) -> dict[int, Package]:
    """For each service, the best package deal on sale it is part of: one query over the deals only."""
    deals = db.session.execute(
        select(package_service.c.service_id, Package)
        .join(Package, Package.id == package_service.c.package_id)
        .where(
            Package.hotel_id == hotel_id,
            Package.active.is_(True),
            Package.archived.is_(False),
            Package.bundle_size.is_not(None),
            Package.bundle_percent > 0,
        )
    ).all()
    best: dict[int, Package] = {}
    for service_id, package in deals:
        current = best.get(service_id)
        if current is None or package.bundle_percent > current.bundle_percent:
            best[service_id] = package
    return best


def _shortlisted(service_ids: list[int]) -> dict[int, Service]:
    """The services to show, as objects, in one query."""
    if not service_ids:
        return {}
    return {
        service.id: service
        for service in db.session.scalars(select(Service).where(Service.id.in_(service_ids)))
    }


def _title(service_id: int) -> str:
    service = db.session.get(Service, service_id)
    return str(service.title) if service is not None else ""


def openings_during_stay(
    stay: Stay, services: list[ServiceFacts], hotel: Hotel, now: datetime
) -> dict[int, Slot]:
    """Each service's soonest slot with room during the rest of the stay, from one query.

    Looks at most ``LOOK_AHEAD_DAYS`` ahead, like the service page, and respects each
    service's lead time. A closed slot has no room, so it never counts.
    """
    tz = hotel.tz
    start = max(now, local_datetime(stay.arrival, time(0), tz))
    first_day = hotel.local(start).date()
    last_day = min(stay.departure, first_day + timedelta(days=LOOK_AHEAD_DAYS - 1))
    end = local_datetime(last_day + timedelta(days=1), time(0), tz)
    pools = {service.pool_id for service in services}
    if not pools or first_day > last_day:
        return {}
    slots = db.session.scalars(
        select(Slot)
        .where(
            Slot.hotel_id == hotel.id,
            Slot.pool_id.in_(pools),
            Slot.taken < Slot.capacity,
            Slot.local_date >= first_day,
            Slot.local_date <= last_day,
            Slot.starts_at < end,
        )
        .order_by(Slot.starts_at)
    ).all()
    by_pool: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_pool[slot.pool_id].append(slot)
    openings = {}
    for service in services:
        earliest = now + timedelta(minutes=service.lead_time_minutes)
        for slot in by_pool.get(service.pool_id, []):
            if service.kind.by_day:
                if slot.local_date >= max(first_day, hotel.local(now).date()):
                    openings[service.id] = slot
                    break
            elif slot.starts_at >= earliest:
                openings[service.id] = slot
                break
    return openings


@dataclass
class CoBookings:
    """How often each service, and each pair, was booked by one stay, for families and for others."""

    stays: dict[str, int] = field(default_factory=dict)  # kind of party -> stays that booked anything
    singles: dict[tuple[int, str], int] = field(default_factory=dict)
    pairs: dict[tuple[int, int, str], int] = field(default_factory=dict)

    def share(self, service_id: int, party: str) -> float:
        """Of the similar parties that booked extras, the share that booked this one."""
        total = self.stays.get(party, 0)
        return self.singles.get((service_id, party), 0) / total if total else 0.0

    def together(self, booked_id: int, service_id: int, party: str) -> float:
        """Of the similar parties that booked ``booked_id``, the share that booked ``service_id`` too."""
        base = self.singles.get((booked_id, party), 0)
        if base < 3:  # too few to say anything
            return 0.0
        return self.pairs.get((booked_id, service_id, party), 0) / base


def co_bookings(hotel_id: int) -> CoBookings:
    """The hotel's co-booking counts, recomputed at most every ``RECOMMENDATION_REFRESH_SECONDS``.

    Each worker keeps its own copy: the counts move slowly, and one aggregate query
    every few minutes is far cheaper than sharing them.
    """
    cache = current_app.extensions.setdefault("lobby_co_bookings", {})
    refresh = current_app.config["RECOMMENDATION_REFRESH_SECONDS"]
    cached = cache.get(hotel_id)
    if cached is not None and monotonic() - cached[0] < refresh:
        return cached[1]
    counts = count_co_bookings(hotel_id, since=clock.now() - timedelta(days=HISTORY_DAYS))
    cache[hotel_id] = (monotonic(), counts)
    return counts


def count_co_bookings(hotel_id: int, since: datetime | None = None) -> CoBookings:
    """Three aggregate queries over the distinct (stay, service) pairs booked since ``since``."""
    conditions = [OrderLine.hotel_id == hotel_id, OrderLine.status == LineStatus.BOOKED]
    if since is not None:
        conditions.append(OrderLine.placed_at >= since)
    booked = (
        select(Order.stay_id.label("stay_id"), OrderLine.service_id.label("service_id"), Stay.party)
        .join(Order, Order.id == OrderLine.order_id)
        .join(Stay, Stay.id == Order.stay_id)
        .where(*conditions)
        .distinct()
        .subquery()
    )
    counts = CoBookings()
    for party, stays in db.session.execute(
        select(booked.c.party, func.count(func.distinct(booked.c.stay_id))).group_by(booked.c.party)
    ):
        counts.stays[party] = stays
    for service_id, party, stays in db.session.execute(
        select(booked.c.service_id, booked.c.party, func.count()).group_by(
            booked.c.service_id, booked.c.party
        )
    ):
        counts.singles[(service_id, party)] = stays
    other = booked.alias("other")
    for first, second, party, stays in db.session.execute(
        select(booked.c.service_id, other.c.service_id, booked.c.party, func.count())
        .join(other, (other.c.stay_id == booked.c.stay_id) & (other.c.service_id != booked.c.service_id))
        .group_by(booked.c.service_id, other.c.service_id, booked.c.party)
    ):
        counts.pairs[(first, second, party)] = stays
    return counts


def record_impressions(stay: Stay, offers: list[ServiceOffer], place: OfferPlace, now: datetime) -> None:
    """Count the offers shown at ``place``; counted in a buffer, written later (``view_counts``)."""
    if not offers:
        return
    view_counts.count_shown(
        stay.hotel_id,
        stay.id,
        [(offer.service.id, offer.reason_code) for offer in offers],
        place.value,
        stay.hotel.local(now).date(),
        now,
    )


def attribution(
    stay: Stay, service_id: int, place: str | None, reason: str | None, signature: str | None
) -> tuple[str, str] | None:
    """The offer a booking came from, if its link was signed for this stay and service (links can be edited).

    The signature, not an impression row, is the proof: the row may still sit in another
    worker's buffer when the guest books (``view_counts``).
    """
    if not place or not reason or place not in OfferPlace.__members__.values() or reason not in REASON_CODES:
        return None
    if not signed_links.offer_link_ok(stay, service_id, place, reason, signature):
        return None
    return place, reason


@dataclass(frozen=True)
class PackageOffer:
    package: Package
    reason: str | None
    score: int


def packages_for_stay(stay: Stay, packages: list[Package]) -> list[PackageOffer]:
    """Rank ``packages`` for ``stay``; ties keep the manager's order."""
    offers = [_package_offer(stay, package) for package in packages if package.active]
    return sorted(offers, key=lambda offer: -offer.score)


def _package_offer(stay: Stay, package: Package) -> PackageOffer:
    young = sorted(age for age in stay.children_ages if age < FAMILY_CHILD_UNDER)
    if package.audience == "family":
        if young:
            ages = format_list([str(age) for age in young], locale=str(get_locale()))
            reason = ngettext(
                "Chosen for you: you are travelling with a child aged %(ages)s.",
                "Chosen for you: you are travelling with children aged %(ages)s.",
                len(young),
                ages=ages,
            )
            return PackageOffer(package, reason, WEIGHTS.package_family)
        return PackageOffer(package, None, 0)
    if package.audience == "nature":
        return PackageOffer(
            package, _("Forest, lake and animals, right outside the hotel."), WEIGHTS.package_nature
        )
    if package.audience == "outdoor" and stay.nights >= LONG_STAY_NIGHTS:
        reason = ngettext(
            "You are here for %(num)d night: time for a day out.",
            "You are here for %(num)d nights: time for a day out.",
            stay.nights,
        )
        return PackageOffer(package, reason, WEIGHTS.package_outdoor)
    return PackageOffer(package, None, WEIGHTS.package_other)
