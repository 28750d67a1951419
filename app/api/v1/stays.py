"""Stays (reservations) for the hotel's systems: listed, read, upserted by the PMS's id, changed, cancelled.

A PMS sends each reservation with its own id (``PUT /stays/by-reservation/<id>``): the
first time makes the stay, later times bring it up to date, the same body twice changes
nothing. Everything goes through ``services.reservations`` and ``services.stay_desk``,
the same doors the connector, the arrivals import and the desk use.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from flask import url_for
from pydantic import BaseModel, Field

from app.api.v1 import api
from app.api.v1.kit import hotel
from app.api.v1.paging import Page, PageQuery, page
from app.api.v1.problems import ApiProblem, FieldError
from app.models import Stay, StaySource, Tier
from app.models.ages import OLDEST_CHILD
from app.services import consent, reservations, stay_desk
from app.web.sites import hotel_link

LINE = r"^[^\x00-\x1f\x7f]*$"  # one line of text: no control characters (PostgreSQL refuses NUL)
PMS_ID = r"^[^\x00-\x1f\x7f/]*$"  # also usable in a path
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

PmsReservationId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=reservations.PMS_ID_MAX,
        pattern=PMS_ID,
        description="The reservation's id in the hotel's PMS; unique per hotel",
    ),
]
Name = Annotated[str, Field(max_length=reservations.NAME_MAX, pattern=LINE)]
Email = Annotated[str, Field(max_length=254, pattern=LINE, description='"" for none')]
Language = Annotated[
    str,
    Field(
        min_length=1,
        max_length=35,
        pattern=r"^[A-Za-z]{1,8}([-_][A-Za-z0-9]{1,8})*$",
        description='A language tag ("de-DE", "ru"); the closest language the hotel has is taken',
    ),
]
Room = Annotated[str, Field(max_length=reservations.ROOM_MAX, pattern=LINE, description='"" until assigned')]
Adults = Annotated[int, Field(ge=1, le=stay_desk.MAX_ADULTS)]
ChildrenAges = Annotated[
    list[Annotated[int, Field(ge=0, le=OLDEST_CHILD)]],
    Field(max_length=stay_desk.MAX_CHILDREN, description="One age per child, 0 to 17"),
]
MarketingConsentAnswer = Annotated[
    bool,
    Field(
        description="The guest's answer to offers by email (pre-arrival offers, thank-you), recorded "
        'with its time and source "api"; left out: no answer (the hotel\'s opt-in or opt-out rule applies). '
        "Confirmations and reminders are sent in any case."
    ),
]
StayStatus = Literal["expected", "in_house", "departed", "cancelled"]
TierName = Literal["standard", "silver", "gold"]


class ReservationIn(BaseModel):
    """A reservation as the PMS has it. Optional fields left out keep the stay's value (tier,
    language, pms_account_id) or are empty (names, email, room, children)."""

    surname: Annotated[str, Field(min_length=1, max_length=reservations.NAME_MAX, pattern=LINE)]
    first_name: Name = ""
    email: Email = ""
    language: Language | None = None
    arrival: date
    departure: date
    adults: Adults = 1
    children_ages: ChildrenAges = Field(default_factory=list)
    room: Room = ""
    tier: TierName | None = None
    pms_account_id: (
        Annotated[
            str, Field(max_length=100, pattern=LINE, description="The PMS account billed (Mews AccountId)")
        ]
        | None
    ) = None
    marketing_consent: MarketingConsentAnswer | None = None

    def reservation(self, pms_reservation_id: str) -> reservations.Reservation:
        return reservations.Reservation(
            pms_reservation_id=pms_reservation_id,
            surname=self.surname,
            first_name=self.first_name,
            email=self.email,
            language=self.language,
            arrival=self.arrival,
            departure=self.departure,
            adults=self.adults,
            children_ages=list(self.children_ages),
            room=self.room,
            tier=Tier(self.tier) if self.tier is not None else None,
            pms_account_id=self.pms_account_id,
        )


class StayIn(ReservationIn):
    """A reservation with its PMS id, for clients that POST."""

    pms_reservation_id: PmsReservationId


class StayUpdate(BaseModel):
    """Only the fields sent change; a field left out keeps its value. ``null`` is not a value."""

    surname: Annotated[str, Field(min_length=1, max_length=reservations.NAME_MAX, pattern=LINE)] = None
    first_name: Name = None
    email: Email = None
    language: Language = None
    room: Room = None
    arrival: date = None
    departure: date = None
    adults: Adults = None
    children_ages: ChildrenAges = None
    marketing_consent: MarketingConsentAnswer = None


class StayOut(BaseModel):
    id: int
    pms_reservation_id: str | None
    pms_account_id: str | None
    source: Literal["desk", "api", "pms", "import"]
    status: StayStatus
    room: str = Field(description='"" until a room is assigned')
    surname: str
    first_name: str
    email: str
    language: str = Field(description="One of the hotel's languages: the guest's pages and emails use it")
    arrival: date
    departure: date
    adults: int
    children_ages: list[int]
    tier: TierName
    marketing_consent: bool | None = Field(
        description="The guest's last answer to offers by email; null when never asked"
    )
    booking_reference: str = Field(
        description="What the guest types with the surname to sign in before arrival"
    )
    guest_link: str = Field(
        description="The guest's own link (the room QR code holds it): opens their stay without a password. "
        "Put it in the hotel's emails to the guest; never show it to anyone else."
    )
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime


class ReservationOut(StayOut):
    outcome: Literal["created", "updated", "unchanged"] = Field(
        description="What sending the reservation did: made the stay, changed it, or nothing"
    )


class StayQuery(PageQuery):
    arriving_from: date | None = Field(None, description="Arrival on or after this day")
    arriving_until: date | None = Field(None, description="Arrival on or before this day")
    departing_from: date | None = Field(None, description="Departure on or after this day")
    departing_until: date | None = Field(None, description="Departure on or before this day")
    status: StayStatus | None = None
    pms_reservation_id: str | None = Field(
        None, min_length=1, max_length=reservations.PMS_ID_MAX, pattern=LINE
    )


def stay_out(stay: Stay) -> StayOut:
    return StayOut(**_fields_of(stay))


def _fields_of(stay: Stay) -> dict:
    return {
        "id": stay.id,
        "pms_reservation_id": stay.pms_reservation_id,
        "pms_account_id": stay.pms_account_id,
        "source": StaySource(stay.source).value,
        "status": reservations.status(stay).value,
        "room": stay.room,
        "surname": stay.surname,
        "first_name": stay.first_name,
        "email": stay.email,
        "language": stay.locale,
        "arrival": stay.arrival,
        "departure": stay.departure,
        "adults": stay.adults,
        "children_ages": list(stay.children_ages),
        "tier": Tier(stay.tier).value,
        "marketing_consent": stay.marketing_consent,
        "booking_reference": stay.booking_reference,
        "guest_link": hotel_link(stay.hotel, "guest.token_signin", token=stay.access_token),
        "checked_in_at": stay.checked_in_at,
        "checked_out_at": stay.checked_out_at,
        "cancelled_at": stay.cancelled_at,
        "created_at": stay.created_at,
    }


def _stay(stay_id: int) -> Stay:
    stay = reservations.stay_of(hotel().id, stay_id)
    if stay is None:
        raise ApiProblem("not-found", "No such stay.")
    return stay


@api.route(
    "/stays",
    scope="stays:read",
    summary="List stays",
    tags=["stays"],
    responses={200: Page[StayOut]},
    query=StayQuery,
)
def list_stays(query: StayQuery) -> Page[StayOut]:
    """The hotel's stays by ascending id, narrowed by the filters given (date bounds are inclusive)."""
    narrowed = reservations.StayFilter(
        arriving_from=query.arriving_from,
        arriving_until=query.arriving_until,
        departing_from=query.departing_from,
        departing_until=query.departing_until,
        status=reservations.Status(query.status) if query.status else None,
        pms_reservation_id=query.pms_reservation_id,
    )
    return page(reservations.stays(hotel().id, narrowed), Stay.id, query, stay_out)


@api.route(
    "/stays/<int:stay_id>", scope="stays:read", summary="One stay", tags=["stays"], responses={200: StayOut}
)
def get_stay(stay_id: int) -> StayOut:
    return stay_out(_stay(stay_id))


@api.route(
    "/stays/by-reservation/<pms_reservation_id>",
    scope="stays:read",
    summary="The stay of a PMS reservation",
    tags=["stays"],
    responses={200: StayOut},
)
def get_stay_by_reservation(pms_reservation_id: str) -> StayOut:
    stay = reservations.find(hotel(), pms_reservation_id)
    if stay is None:
        raise ApiProblem("not-found", "No stay has this reservation id.")
    return stay_out(stay)


def _path_id(pms_reservation_id: str) -> str:
    """The path's reservation id, held to the body's rules (the router takes any text without a slash)."""
    if (
        not pms_reservation_id.strip()
        or len(pms_reservation_id) > reservations.PMS_ID_MAX
        or _CONTROL.search(pms_reservation_id)
    ):
        raise ApiProblem(
            "validation-error",
            "1 field(s) did not validate.",
            errors=[
                FieldError(
                    field="path.pms_reservation_id",
                    message=f"Give 1 to {reservations.PMS_ID_MAX} characters, not only spaces, "
                    "no control characters.",
                )
            ],
        )
    return pms_reservation_id


def _upserted(reservation: reservations.Reservation, marketing_consent: bool | None):
    stay, outcome = reservations.upsert(hotel(), reservation, StaySource.API)
    answered = marketing_consent is not None and consent.record_consent(stay, marketing_consent, "api")
    if answered and outcome is reservations.Outcome.UNCHANGED:
        outcome = reservations.Outcome.UPDATED
    answer = ReservationOut(**_fields_of(stay), outcome=outcome.value)
    if outcome is reservations.Outcome.CREATED:
        return answer, 201, {"Location": url_for("api_v1.get_stay", stay_id=stay.id)}
    return answer, 200


@api.route(
    "/stays/by-reservation/<pms_reservation_id>",
    "PUT",
    scope="stays:write",
    summary="Create or update the stay of a PMS reservation",
    tags=["stays"],
    responses={200: ReservationOut, 201: ReservationOut},
    body=ReservationIn,
)
def put_reservation(pms_reservation_id: str, body: ReservationIn):
    """Make the reservation's stay (201) or bring it up to date (200); ``outcome`` says which.

    Sending the same body again changes nothing (``outcome: "unchanged"``). A cancelled
    reservation sent again is live again. The PMS is the truth about dates: new dates are
    taken even when some of the stay's bookings fall outside them (the desk settles those).
    """
    return _upserted(body.reservation(_path_id(pms_reservation_id)), body.marketing_consent)


@api.route(
    "/stays",
    "POST",
    scope="stays:write",
    summary="Create or update a stay by its PMS reservation id",
    tags=["stays"],
    responses={200: ReservationOut, 201: ReservationOut},
    body=StayIn,
)
def post_stay(body: StayIn):
    """As ``PUT /stays/by-reservation/{pms_reservation_id}``, with the id in the body."""
    return _upserted(body.reservation(body.pms_reservation_id), body.marketing_consent)


@api.route(
    "/stays/<int:stay_id>",
    "PATCH",
    scope="stays:write",
    summary="Change a stay's guest, room, dates or party",
    tags=["stays"],
    responses={200: StayOut},
    body=StayUpdate,
)
def patch_stay(stay_id: int, body: StayUpdate) -> StayOut:
    """Only the fields sent change. New dates that would leave a live booking of the stay outside
    them are refused with 409: move or cancel those bookings first."""
    stay = _stay(stay_id)
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    answer = changes.pop("marketing_consent", None)
    if changes or answer is None:
        reservations.update(hotel(), stay, changes)
    if answer is not None:
        consent.record_consent(stay, answer, "api")
    return stay_out(stay)


@api.route(
    "/stays/<int:stay_id>/cancel",
    "POST",
    scope="stays:write",
    summary="Cancel a stay",
    tags=["stays"],
    responses={200: StayOut},
)
def cancel_stay(stay_id: int) -> StayOut:
    """The guest can no longer sign in (room, reference, link or emailed link) and their open sessions end;
    nothing more can be sold to the stay. Bookings already made are kept for the desk to settle
    (cancel and refund them there): a cancelled reservation often comes back, and it comes back
    with its bookings. Only an expected stay can be cancelled (409 for one in house or departed);
    cancelling again answers the same. Sending the reservation again (PUT) makes it live again."""
    stay = _stay(stay_id)
    reservations.cancel(hotel(), stay)
    return stay_out(stay)


@api.route(
    "/stays/<int:stay_id>/check-in",
    "POST",
    scope="stays:write",
    summary="Check a stay in",
    tags=["stays"],
    responses={200: StayOut},
)
def check_in_stay(stay_id: int) -> StayOut:
    """The guest is in the house from now on; 409 unless the stay is expected, not cancelled and today
    is within its dates."""
    stay = _stay(stay_id)
    stay_desk.check_in_stay(stay)
    return stay_out(stay)


@api.route(
    "/stays/<int:stay_id>/check-out",
    "POST",
    scope="stays:write",
    summary="Check a stay out",
    tags=["stays"],
    responses={200: StayOut},
)
def check_out_stay(stay_id: int) -> StayOut:
    """The stay ends: the guest's link and sessions stop working at once; 409 unless it is in house."""
    stay = _stay(stay_id)
    stay_desk.check_out(stay)
    return stay_out(stay)
