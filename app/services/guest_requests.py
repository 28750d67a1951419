"""Guest requests and the desk's answers: opening them, moving them along, SLA deadlines, the queue.

Every change goes through :func:`_record`, so each request carries its whole history
(who, when, from what to what), and the guest's live view and the desk's queue are
two readings of the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.models import (
    ActorKind,
    Feedback,
    GuestRequest,
    Hotel,
    OrderLine,
    RequestEvent,
    RequestKind,
    RequestStatus,
    SlaTarget,
    StaffUser,
    Stay,
    Tier,
)
from app.services import signals, staff_access, stay_life
from app.services.audit import current_actor
from app.services.errors import LobbyError, NotAllowed, NotFound
from app.services.hotel_rows import hotel_row
from app.services.transactions import operation

# Minutes to acknowledge and to resolve, before loyal guests' shortening; a hotel overrides them.
DEFAULT_SLA = {
    RequestKind.AMENITY: (10, 60),
    RequestKind.HELP: (5, 30),
    RequestKind.APPROVAL: (10, 60),
    RequestKind.FOLLOW_UP: (15, 120),
    RequestKind.COMPLAINT: (5, 60),
    RequestKind.RECOVERY: (5, 30),
    # The law gives a month; a guest who asked at the desk's app should not wait more than days.
    RequestKind.ERASURE: (240, 4320),
}

# Things a guest can ask to have brought to the room, free of charge (named in app/web/labels.py).
ROOM_ITEMS = ("towels", "pillows", "blanket", "toiletries", "water", "adapter", "iron")

# Where a request may go next from each status.
MOVES = {
    RequestStatus.NEW: {
        RequestStatus.ACKNOWLEDGED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.DONE,
        RequestStatus.DECLINED,
        RequestStatus.CANCELLED,
    },
    RequestStatus.ACKNOWLEDGED: {
        RequestStatus.IN_PROGRESS,
        RequestStatus.DONE,
        RequestStatus.DECLINED,
        RequestStatus.CANCELLED,
    },
    RequestStatus.IN_PROGRESS: {RequestStatus.DONE, RequestStatus.DECLINED, RequestStatus.CANCELLED},
}

MAX_TEXT = 2000


def sla_minutes(hotel: Hotel, kind: RequestKind, tier: Tier) -> tuple[int, int]:
    """(acknowledge, resolve) minutes for a kind of request from a guest of ``tier``."""
    target = db.session.scalar(
        select(SlaTarget).where(SlaTarget.hotel_id == hotel.id, SlaTarget.kind == kind)
    )
    ack, resolve = (target.ack_minutes, target.resolve_minutes) if target else DEFAULT_SLA[kind]
    percent = {Tier.GOLD: hotel.gold_sla_percent, Tier.SILVER: hotel.silver_sla_percent}.get(tier, 100)
    return max(1, ack * percent // 100), max(1, resolve * percent // 100)


def _priority(kind: RequestKind, tier: Tier) -> int:
    base = 0 if kind is RequestKind.RECOVERY else 50 if kind is RequestKind.COMPLAINT else 100
    return base - {Tier.GOLD: 20, Tier.SILVER: 10}.get(tier, 0)


def open_request(
    stay: Stay,
    kind: RequestKind,
    *,
    item: str = "",
    quantity: int = 1,
    details: str = "",
    order_line: OrderLine | None = None,
    feedback: Feedback | None = None,
    by_guest: bool = True,
    staff: StaffUser | None = None,
    now: datetime | None = None,
) -> GuestRequest:
    """Open a request with its SLA deadlines; the caller commits."""
    now = now or clock.now()
    if len(details) > MAX_TEXT:
        raise LobbyError(_("Too long. Character limit: %(max)d.", max=MAX_TEXT))
    hotel = stay.hotel
    ack, resolve = sla_minutes(hotel, kind, stay.tier)
    guest_request = GuestRequest(
        hotel_id=stay.hotel_id,
        stay_id=stay.id,
        kind=kind,
        status=RequestStatus.NEW,
        item=item,
        quantity=quantity,
        details=details.strip(),
        order_line_id=order_line.id if order_line is not None else None,
        feedback_id=feedback.id if feedback is not None else None,
        priority=_priority(kind, stay.tier),
        ack_due_at=now + timedelta(minutes=ack),
        resolve_due_at=now + timedelta(minutes=resolve),
        created_at=now,
    )
    db.session.add(guest_request)
    _record(guest_request, "created", staff, by_guest, now, to_value=RequestStatus.NEW.value)
    signals.request_changed.send(guest_request, change="created")
    return guest_request


@operation
def guest_asks(
    stay: Stay, kind: RequestKind, item: str = "", quantity: int = 1, details: str = ""
) -> GuestRequest:
    """A request from My stay: a room item, help, or a complaint; the desk brings them to the room."""
    stay_life.ensure_open(stay, needs_guest_in_house=True)
    if kind not in (RequestKind.AMENITY, RequestKind.HELP, RequestKind.COMPLAINT):
        raise NotAllowed(_("That action is not possible here."))
    if kind is RequestKind.AMENITY and item not in ROOM_ITEMS:
        raise LobbyError(_("Please choose from the list."))
    if kind is not RequestKind.AMENITY and not details.strip():
        raise LobbyError(_("Please tell us a little about it."))
    guest_request = open_request(stay, kind, item=item, quantity=quantity, details=details)
    return guest_request


@operation
def ask_about_line(stay: Stay, line: OrderLine, details: str) -> GuestRequest:
    stay_life.ensure_open(stay)
    if not details.strip():
        raise LobbyError(_("Please tell us a little about it."))
    guest_request = open_request(stay, RequestKind.FOLLOW_UP, details=details, order_line=line)
    return guest_request


def _record(
    guest_request: GuestRequest,
    action: str,
    staff: StaffUser | None,
    by_guest: bool,
    now: datetime,
    from_value: str = "",
    to_value: str = "",
    text: str = "",
) -> None:
    guest_request.events.append(
        RequestEvent(
            staff_id=staff.id if staff is not None else None,
            # The hotel's own system (an API key) acts without a staff account, but it is never the guest.
            by_guest=by_guest and staff is None and current_actor().kind is not ActorKind.PMS,
            at=now,
            action=action,
            from_value=from_value[:120],
            to_value=to_value[:120],
            text=text,
        )
    )
    guest_request.updated_at = now


def hotel_request(hotel_id: int, request_id: int) -> GuestRequest:
    return hotel_row(GuestRequest, hotel_id, request_id, _("We could not find that request."))


@operation
def move(
    guest_request: GuestRequest, to: RequestStatus, staff: StaffUser | None, now: datetime | None = None
) -> None:
    """Change a request's status if the lifecycle allows it; recorded in its history. Caller commits."""
    now = now or clock.now()
    if to not in MOVES.get(guest_request.status, set()):
        raise NotAllowed(
            _("This request cannot go from %(from)s to %(to)s.", **_labels(guest_request.status, to))
        )
    before = guest_request.status
    guest_request.status = to
    if before is RequestStatus.NEW:
        guest_request.acknowledged_at = now
    if not to.open:
        guest_request.resolved_at = now
    _record(guest_request, "status", staff, staff is None, now, from_value=before.value, to_value=to.value)
    signals.request_changed.send(guest_request, change="updated")


def _labels(before: RequestStatus, after: RequestStatus) -> dict[str, str]:
    return {"from": _status_name(before), "to": _status_name(after)}


def _status_code(status: RequestStatus) -> str:
    return status.value


# How a refusal names a status. Names are the screens': the web layer hands in its labels at
# app creation (app/web/labels.py); without it (a bare script) the status's code is used.
_status_name: Callable[[RequestStatus], str] = _status_code


def name_statuses_with(namer: Callable[[RequestStatus], str] | None) -> None:
    global _status_name
    _status_name = namer or _status_code


@operation
def assign(guest_request: GuestRequest, assignee: StaffUser | None, staff: StaffUser) -> None:
    # Anyone who works in the request's hotel (a member, or the group's office), not only its own staff.
    if assignee is not None and staff_access.role_at(assignee, guest_request.hotel_id) is None:
        raise NotFound(_("We could not find that colleague."))
    before = guest_request.assignee_id
    guest_request.assignee_id = assignee.id if assignee is not None else None
    _record(
        guest_request,
        "assignee",
        staff,
        False,
        clock.now(),
        from_value=str(before or ""),
        to_value=str(guest_request.assignee_id or ""),
    )


@operation
def add_note(guest_request: GuestRequest, text: str, staff: StaffUser | None) -> None:
    """An internal note: staff see it in the history, the guest never does."""
    text = text.strip()
    if not text:
        raise LobbyError(_("Please write the note first."))
    if len(text) > MAX_TEXT:
        raise LobbyError(_("Too long. Character limit: %(max)d.", max=MAX_TEXT))
    _record(guest_request, "note", staff, False, clock.now(), text=text)


@operation
def change_status(
    guest_request: GuestRequest, to: RequestStatus, staff: StaffUser | None, note: str = ""
) -> None:
    """The desk's (or the hotel's system's) status change, with an optional internal note: both or neither.

    An on-request service is not moved this way: approving it books the service and
    charges the room, declining gives its places back (:mod:`app.services.approvals`).
    """
    if guest_request.kind is RequestKind.APPROVAL:
        raise NotAllowed(
            _("Approve or decline this request: approving books the service and charges the room.")
        )
    if _closed_only_by_erasing(guest_request, to):
        raise NotAllowed(_("Carry out the erasure: that marks the request done."))
    move(guest_request, to, staff)
    if note:
        add_note(guest_request, note, staff)


@operation
def tell_guest(guest_request: GuestRequest, text: str, staff: StaffUser) -> None:
    """The message the guest sees with the request on My stay."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise LobbyError(_("Too long. Character limit: %(max)d.", max=MAX_TEXT))
    before = guest_request.guest_message
    guest_request.guest_message = text
    _record(
        guest_request,
        "message",
        staff,
        False,
        clock.now(),
        from_value=before[:120],
        to_value=text[:120],
        text=text,
    )


GUEST_CANCELLABLE = {RequestKind.AMENITY, RequestKind.HELP, RequestKind.COMPLAINT, RequestKind.FOLLOW_UP}


def guest_may_cancel(guest_request: GuestRequest) -> bool:
    """What the guest asked for themselves; a request tied to a booking ends with the booking."""
    return (
        guest_request.status.open
        and guest_request.kind in GUEST_CANCELLABLE
        and guest_request.order_line_id is None
    )


@operation
def guest_cancels(stay: Stay, request_id: int) -> GuestRequest:
    guest_request = db.session.get(GuestRequest, request_id)
    if guest_request is None or guest_request.stay_id != stay.id or guest_request.hotel_id != stay.hotel_id:
        raise NotFound(_("We could not find that request."))
    if guest_request.kind is RequestKind.APPROVAL or guest_request.order_line_id is not None:
        raise NotAllowed(_("Please cancel the booking itself."))
    if guest_request.kind not in GUEST_CANCELLABLE:
        raise NotAllowed(_("That action is not possible here."))
    move(guest_request, RequestStatus.CANCELLED, None)
    return guest_request


@dataclass(frozen=True)
class QueueFilters:
    kind: RequestKind | None = None
    status: RequestStatus | None = None
    assignee_id: int | None = None
    room: str = ""
    include_closed: bool = False


def queue_for_desk(hotel_id: int, filters: QueueFilters, now: datetime) -> list[GuestRequest]:
    """Open requests: service recoveries first (an unhappy guest outranks any deadline), then
    overdue ones, then by the next deadline, then by priority (tier, complaint)."""
    due = case(
        (GuestRequest.status == RequestStatus.NEW, GuestRequest.ack_due_at), else_=GuestRequest.resolve_due_at
    )
    query = select(GuestRequest).join(Stay).where(GuestRequest.hotel_id == hotel_id)
    if filters.status is not None:
        query = query.where(GuestRequest.status == filters.status)
    elif not filters.include_closed:
        query = query.where(GuestRequest.status.in_([s for s in RequestStatus if s.open]))
    if filters.kind is not None:
        query = query.where(GuestRequest.kind == filters.kind)
    if filters.assignee_id is not None:
        query = query.where(GuestRequest.assignee_id == filters.assignee_id)
    if filters.room:
        query = query.where(Stay.room == filters.room.strip())
    recovery_first = case((GuestRequest.kind == RequestKind.RECOVERY, 0), else_=1)
    overdue_first = case((due < now, 0), else_=1)
    return list(
        db.session.scalars(
            query.order_by(recovery_first, overdue_first, due, GuestRequest.priority, GuestRequest.id).limit(
                500
            )
        )
    )


@dataclass(frozen=True)
class QueueSummary:
    open: int
    overdue: int
    newest_id: int  # grows when a request arrives: the desk's sound plays for it


def queue_summary(hotel_id: int, now: datetime) -> QueueSummary:
    """How many requests are open and overdue, for the tab title and the queue's sound."""
    due = case(
        (GuestRequest.status == RequestStatus.NEW, GuestRequest.ack_due_at), else_=GuestRequest.resolve_due_at
    )
    open_count, overdue, newest = db.session.execute(
        select(
            func.count(GuestRequest.id),
            func.count(case((due < now, GuestRequest.id))),
            func.max(GuestRequest.id),
        ).where(
            GuestRequest.hotel_id == hotel_id,
            GuestRequest.status.in_([s for s in RequestStatus if s.open]),
        )
    ).one()
    return QueueSummary(open_count, overdue, newest or 0)


# The moves a row of the queue offers without opening the request; the rest are on its page.
def _closed_only_by_erasing(guest_request: GuestRequest, to: RequestStatus) -> bool:
    """Done means erased: only the erasure itself (app/services/guest_data.py) closes it so."""
    return guest_request.kind is RequestKind.ERASURE and to is RequestStatus.DONE


def status_moves(guest_request: GuestRequest) -> list[RequestStatus]:
    """The statuses the desk may move the request to by hand, in the order the statuses are listed."""
    allowed = MOVES.get(guest_request.status, set())
    return [to for to in RequestStatus if to in allowed and not _closed_only_by_erasing(guest_request, to)]


QUICK_MOVES = (RequestStatus.ACKNOWLEDGED, RequestStatus.IN_PROGRESS, RequestStatus.DONE)


def quick_moves(guest_request: GuestRequest) -> list[RequestStatus]:
    if guest_request.kind in (RequestKind.APPROVAL, RequestKind.ERASURE):
        # Approving charges the room, erasing removes the guest: only on the request's page, after a look.
        return []
    return [to for to in QUICK_MOVES if to in MOVES.get(guest_request.status, set())]


def feedback_of(requests: list[GuestRequest]) -> dict[int, Feedback]:
    """The feedback behind each recovery request, by request id (for its stars on the queue)."""
    ids = {guest_request.feedback_id for guest_request in requests if guest_request.feedback_id is not None}
    if not ids:
        return {}
    found = {item.id: item for item in db.session.scalars(select(Feedback).where(Feedback.id.in_(ids)))}
    return {
        guest_request.id: found[guest_request.feedback_id]
        for guest_request in requests
        if guest_request.feedback_id in found
    }


def open_recoveries(hotel_id: int, feedback_ids: list[int]) -> dict[int, GuestRequest]:
    """The open service-recovery request of each feedback that has one, by feedback id."""
    if not feedback_ids:
        return {}
    return {
        guest_request.feedback_id: guest_request
        for guest_request in db.session.scalars(
            select(GuestRequest).where(
                GuestRequest.hotel_id == hotel_id,
                GuestRequest.kind == RequestKind.RECOVERY,
                GuestRequest.feedback_id.in_(feedback_ids),
                GuestRequest.status.in_([s for s in RequestStatus if s.open]),
            )
        )
    }


@operation
def resolve_recovery(hotel_id: int, feedback_id: int, staff: StaffUser) -> GuestRequest | None:
    """Replying to low feedback settles its service-recovery request too; the caller commits."""
    guest_request = open_recoveries(hotel_id, [feedback_id]).get(feedback_id)
    if guest_request is not None:
        move(guest_request, RequestStatus.DONE, staff)
    return guest_request


def hotel_requests(
    hotel_id: int,
    *,
    status: RequestStatus | None = None,
    kind: RequestKind | None = None,
    stay_id: int | None = None,
    created_from: datetime | None = None,
) -> Select[tuple[GuestRequest]]:
    """The hotel's requests, open or closed, that match every filter given, to page through."""
    statement = (
        select(GuestRequest).where(GuestRequest.hotel_id == hotel_id).options(selectinload(GuestRequest.stay))
    )
    if status is not None:
        statement = statement.where(GuestRequest.status == status)
    if kind is not None:
        statement = statement.where(GuestRequest.kind == kind)
    if stay_id is not None:
        statement = statement.where(GuestRequest.stay_id == stay_id)
    if created_from is not None:
        statement = statement.where(GuestRequest.created_at >= created_from)
    return statement


def requests_for_stay(stay: Stay) -> list[GuestRequest]:
    return list(
        db.session.scalars(
            select(GuestRequest)
            .where(GuestRequest.stay_id == stay.id, GuestRequest.hotel_id == stay.hotel_id)
            .order_by(GuestRequest.id.desc())
        )
    )


def sla_table(hotel: Hotel) -> dict[RequestKind, tuple[int, int]]:
    """The hotel's (acknowledge, resolve) minutes per kind, for a standard guest."""
    overrides = {
        target.kind: (target.ack_minutes, target.resolve_minutes)
        for target in db.session.scalars(select(SlaTarget).where(SlaTarget.hotel_id == hotel.id))
    }
    return {kind: overrides.get(kind, DEFAULT_SLA[kind]) for kind in RequestKind}


@operation
def save_sla(hotel: Hotel, minutes: dict[RequestKind, tuple[int, int]], silver: int, gold: int) -> None:
    """New targets apply to requests opened from now on; open ones keep the deadline they were given."""
    for kind, (ack, resolve) in minutes.items():
        if not 1 <= ack <= resolve:
            raise LobbyError(
                _("The time to acknowledge must be at least a minute and not above the time to resolve.")
            )
        target = db.session.scalar(
            select(SlaTarget).where(SlaTarget.hotel_id == hotel.id, SlaTarget.kind == kind)
        )
        if target is None:
            target = SlaTarget(hotel_id=hotel.id, kind=kind)
            db.session.add(target)
        target.ack_minutes, target.resolve_minutes = ack, resolve
    hotel.silver_sla_percent, hotel.gold_sla_percent = silver, gold
