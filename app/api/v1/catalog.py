"""What the hotel sells, as it set it up: packages, services with their price rules, free places by day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import date as Date  # for a field named date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.v1 import api
from app.api.v1.kit import MAX_ID, hotel
from app.api.v1.paging import Page, PageQuery, page
from app.api.v1.problems import ApiProblem, FieldError
from app.models import Hotel, Package, PoolMode, Service, ServiceKind
from app.models.ages import ADULT_AGE
from app.models.i18n import LocalizedText
from app.services import catalog, catalog_admin, planning
from app.services.catalog import on_sale

MAX_DAYS = 31
Texts = dict[str, str]
TEXTS = "The text in each language it is written in (language code to text)"


def texts(text: LocalizedText) -> Texts:
    return text.as_dict()


class PackageOut(BaseModel):
    id: int
    code: str
    audience: str = Field(description="Whom it is for: family, outdoor, nature")
    title: Texts = Field(description=TEXTS)
    summary: Texts = Field(description=TEXTS)
    position: int = Field(description="The manager's order, lowest first")
    on_sale: bool = Field(description="Shown to guests: active and not archived")
    archived: bool = Field(description="Retired for good (kept for the orders that name it)")
    bundle_size: int | None = Field(
        description="This many different services of the package in one order get bundle_percent off"
    )
    bundle_percent: int
    service_ids: list[int] = Field(description="Its services, in the package's order")


class PackageQuery(PageQuery):
    on_sale: bool | None = Field(None, description="Only packages that are (true) or are not (false) on sale")


class ServiceQuery(PageQuery):
    package_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only the services of this package")
    kind: ServiceKind | None = None
    on_sale: bool | None = Field(None, description="Only services that are (true) or are not (false) on sale")


class LargeFamilyOut(BaseModel):
    min_children: int = Field(description="A stay with at least this many children gets the discount")
    percent: int


class PricesOut(BaseModel):
    currency: str = Field(description="ISO 4217; amounts are in its minor units")
    basis: Literal["per_person", "per_unit_and_day", "free"] = Field(
        description="per_person: adult and child prices per participant (slots, tickets); "
        "per_unit_and_day: unit_per_day per unit and day (rentals); free: amenities"
    )
    adult: int | None = Field(description="Per adult (per_person)")
    child: int | None = Field(description="Per child (per_person)")
    children_free_under_age: int | None = Field(description="A child younger than this comes free")
    unit_per_day: int | None = Field(description="Per unit and day (per_unit_and_day)")
    large_family: LargeFamilyOut | None = Field(
        description="The hotel's large-family discount, applied to paid bookings; null when it has none"
    )


class AgesOut(BaseModel):
    min_age: int | None = Field(description="Youngest child allowed")
    max_age: int | None = Field(description="Oldest participant allowed")
    adults_allowed: bool = Field(
        description=f"False when the service is for children only (under {ADULT_AGE})"
    )


class CancellationOut(BaseModel):
    free_until_hours_before: int = Field(
        description="Free cancellation until this many hours before the start"
    )
    late_fee_percent: int | None = Field(
        description="Share of the price kept when cancelled later; null: after the free window only the "
        "desk can cancel (100: cancellable online, not refunded)"
    )
    by_day: bool = Field(
        description="Rentals and amenities: each booked day counts as a booking of its own from its midnight"
    )


class WeeklyTimeOut(BaseModel):
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    start_time: str = Field(
        pattern=r"^\d{2}:\d{2}$", description="HH:MM on the hotel's wall clock (its time zone)"
    )
    minutes: int


class ScheduleOut(BaseModel):
    mode: PoolMode = Field(
        description="sessions: weekly times; daily: one all-day allotment per day; events: dated one-offs"
    )
    capacity: int = Field(
        description="Places per time (per day for daily), shared with the pool's other services"
    )
    timezone: str = Field(description="IANA time zone of the weekly times")
    weekly: list[WeeklyTimeOut] = Field(description="The weekly times (sessions only)")
    duration_minutes: int
    lead_time_minutes: int = Field(description="A booking must be made at least this long before the start")


class ServiceOut(BaseModel):
    id: int
    code: str
    kind: ServiceKind = Field(
        description="slot: timed; rental: per day; amenity: free item per day; ticket: event"
    )
    title: Texts = Field(description=TEXTS)
    summary: Texts = Field(description=TEXTS)
    description: Texts = Field(description=TEXTS + ", as the manager wrote it (a small Markdown subset)")
    tags: list[str]
    package_ids: list[int]
    on_sale: bool = Field(description="Bookable by guests: active and not archived")
    active: bool = Field(description="False while the manager has paused it")
    archived: bool
    needs_approval: bool = Field(
        description="Booked only once the desk approves it (charged to the room then)"
    )
    prices: PricesOut
    ages: AgesOut
    cancellation: CancellationOut
    schedule: ScheduleOut


class SlotOut(BaseModel):
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int = Field(description="0 while the hotel has closed this time")
    seats_left: int = Field(description="Places (units, for rentals and amenities) still free")
    closed: bool
    bookable: bool = Field(description="A guest could book it now: on sale, open, in time, a place left")


class DayOut(BaseModel):
    date: Date = Field(description="The hotel's calendar day")
    available: bool = Field(description="At least one bookable slot (for by-day services: the day itself)")
    slots: list[SlotOut] = Field(description="Timed services: the day's times; by-day services: the day")


class AvailabilityOut(BaseModel):
    service_id: int
    kind: ServiceKind
    from_: date = Field(alias="from")
    to: date
    days: list[DayOut]

    model_config = ConfigDict(populate_by_name=True)


class AvailabilityQuery(BaseModel):
    from_: date | None = Field(None, alias="from", description="First day (the hotel's); default today")
    to: date | None = Field(
        None, description=f"Last day, inclusive; default a week on; at most {MAX_DAYS} days"
    )


def _package(package: Package) -> PackageOut:
    return PackageOut(
        id=package.id,
        code=package.code,
        audience=package.audience,
        title=texts(package.title),
        summary=texts(package.summary),
        position=package.position,
        on_sale=on_sale(package),
        archived=package.archived,
        bundle_size=package.bundle_size,
        bundle_percent=package.bundle_percent,
        service_ids=[service.id for service in package.services],
    )


def _prices(service: Service, current: Hotel) -> PricesOut:
    per_person = service.kind in (ServiceKind.SLOT, ServiceKind.TICKET)
    basis = {ServiceKind.RENTAL: "per_unit_and_day", ServiceKind.AMENITY: "free"}.get(
        service.kind, "per_person"
    )
    large_family = (
        LargeFamilyOut(
            min_children=current.large_family_min_children, percent=current.large_family_discount_percent
        )
        if current.large_family_discount_percent
        else None
    )
    return PricesOut(
        currency=current.currency,
        basis=basis,
        adult=service.price_adult if per_person else None,
        child=service.price_child if per_person else None,
        children_free_under_age=service.free_under_age if per_person else None,
        unit_per_day=service.price_unit if service.kind is ServiceKind.RENTAL else None,
        large_family=large_family,
    )


def _service(service: Service) -> ServiceOut:
    current = hotel()
    pool = service.pool
    return ServiceOut(
        id=service.id,
        code=service.code,
        kind=service.kind,
        title=texts(service.title),
        summary=texts(service.summary),
        description=texts(service.description),
        tags=list(service.tags or []),
        package_ids=sorted(package.id for package in service.packages),
        on_sale=on_sale(service),
        active=service.active,
        archived=service.archived,
        needs_approval=service.needs_approval,
        prices=_prices(service, current),
        ages=AgesOut(
            min_age=service.min_age,
            max_age=service.max_age,
            adults_allowed=service.max_age is None or service.max_age >= ADULT_AGE,
        ),
        cancellation=CancellationOut(
            free_until_hours_before=service.cancel_window_hours,
            late_fee_percent=service.late_cancel_fee_percent,
            by_day=service.kind.by_day,
        ),
        schedule=ScheduleOut(
            mode=pool.mode,
            capacity=pool.capacity,
            timezone=current.timezone,
            weekly=[
                WeeklyTimeOut(
                    weekday=item.weekday, start_time=item.start_time.strftime("%H:%M"), minutes=item.minutes
                )
                for item in sorted(pool.schedules, key=lambda item: (item.weekday, item.start_time))
            ]
            if pool.mode is PoolMode.SESSIONS
            else [],
            duration_minutes=service.duration_minutes,
            lead_time_minutes=service.lead_time_minutes,
        ),
    )


@api.route(
    "/packages",
    scope="catalog:read",
    summary="The hotel's packages",
    tags=["catalog"],
    responses={200: Page[PackageOut]},
    query=PackageQuery,
)
def list_packages(query: PackageQuery) -> Page[PackageOut]:
    """Every package of the hotel, archived ones too (each says whether it is on sale), by id."""
    return page(catalog.hotel_packages(hotel().id, query.on_sale), Package.id, query, _package)


@api.route(
    "/packages/<int:package_id>",
    scope="catalog:read",
    summary="One package",
    tags=["catalog"],
    responses={200: PackageOut},
)
def get_package(package_id: int) -> PackageOut:
    """A package with the ids of its services, in the package's order."""
    return _package(catalog_admin.hotel_package(hotel().id, package_id))


@api.route(
    "/services",
    scope="catalog:read",
    summary="The hotel's services",
    tags=["catalog"],
    responses={200: Page[ServiceOut]},
    query=ServiceQuery,
)
def list_services(query: ServiceQuery) -> Page[ServiceOut]:
    """Every service of the hotel with its texts, price rules, ages, cancellation rule and schedule, by id."""
    statement = catalog.hotel_services(
        hotel().id, package_id=query.package_id, kind=query.kind, on_sale=query.on_sale
    )
    return page(statement, Service.id, query, _service)


@api.route(
    "/services/<int:service_id>",
    scope="catalog:read",
    summary="One service",
    tags=["catalog"],
    responses={200: ServiceOut},
)
def get_service(service_id: int) -> ServiceOut:
    """A service as the hotel set it up: texts per language, prices in minor units, rules and schedule."""
    return _service(catalog_admin.hotel_service(hotel().id, service_id))


@api.route(
    "/services/<int:service_id>/availability",
    scope="catalog:read",
    summary="A service's free places by day",
    tags=["catalog"],
    responses={200: AvailabilityOut},
    query=AvailabilityQuery,
)
def service_availability(service_id: int, query: AvailabilityQuery) -> AvailabilityOut:
    """Each day of the range with its slots (start and end in UTC), their capacity and places left.

    ``bookable`` applies the rules that hold for anyone (on sale, lead time, not closed, a place
    left); a guest's own stay dates and party are checked when they book. Rentals and amenities
    have one slot per day, midnight to midnight in the hotel's time zone, counting units.
    """
    service = catalog_admin.hotel_service(hotel().id, service_id)
    first = query.from_ or hotel().today()
    last = query.to or first + timedelta(days=min(6, (date.max - first).days))
    if last < first:
        raise _range_problem("query.to", "to must not be before from.")
    if (last - first).days >= MAX_DAYS:
        raise _range_problem("query.to", f"Ask for at most {MAX_DAYS} days at a time.")
    days = planning.open_days(service, first, last)
    return AvailabilityOut(
        service_id=service.id,
        kind=service.kind,
        from_=first,
        to=last,
        days=[
            DayOut(
                date=day.day,
                available=day.available,
                slots=[
                    SlotOut(
                        id=item.slot.id,
                        starts_at=item.slot.starts_at,
                        ends_at=item.slot.ends_at,
                        capacity=item.slot.capacity,
                        seats_left=item.slot.seats_left,
                        closed=item.slot.closed,
                        bookable=item.bookable,
                    )
                    for item in day.slots
                ],
            )
            for day in days
        ],
    )


def _range_problem(field: str, message: str) -> ApiProblem:
    return ApiProblem(
        "validation-error", "The dates did not validate.", errors=[FieldError(field=field, message=message)]
    )
