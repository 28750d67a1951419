"""Guest requests for the hotel's systems: what guests asked, where each stands, and moving it along.

A status change goes through the desk's own operation, so the same lifecycle holds
(a move it does not allow is a ``409``) and the change lands in the request's history,
which the desk and the guest read too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.v1 import api
from app.api.v1.kit import MAX_ID, hotel
from app.api.v1.paging import Page, PageQuery, page
from app.api.v1.times import UtcDateTime
from app.models import GuestRequest, RequestEvent, RequestKind, RequestStatus
from app.services import guest_requests

TEXT = r"^[^\x00-\x1f\x7f]*$"


class GuestRequestOut(BaseModel):
    id: int
    stay_id: int
    room: str = Field(description="The stay's room when the request is read")
    kind: RequestKind = Field(
        description="amenity (a free item to the room), help, approval (an on-request service), "
        "follow_up (about a booking), complaint, recovery (raised by a low rating)"
    )
    status: RequestStatus
    item: str = Field(description='An amenity\'s code ("towels"); empty for other kinds')
    quantity: int
    details: str = Field(description="The guest's own words")
    guest_message: str = Field(description="What the hotel tells the guest about it")
    order_line_id: int | None = Field(description="The booked line it is about, if any")
    feedback_id: int | None = Field(description="The low rating that raised it (recovery)")
    assignee_id: int | None = Field(description="The staff member it is assigned to")
    priority: int = Field(description="Lower comes first among requests due at the same time")
    ack_due_at: datetime = Field(description="When it should be acknowledged (SLA)")
    resolve_due_at: datetime = Field(description="When it should be resolved (SLA)")
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime


class GuestRequestEventOut(BaseModel):
    id: int
    at: datetime
    action: str = Field(
        description="created, status (from_value → to_value), assignee (staff ids), note (internal), "
        "message (to the guest)"
    )
    by: Literal["staff", "guest", "system"] = Field(
        description="Who made the change: a staff member (staff_id), the guest, or a system "
        "(Lobby itself or an API key)"
    )
    staff_id: int | None
    from_value: str
    to_value: str
    text: str = Field(description="The note or the message, for those actions")


class GuestRequestDetailOut(GuestRequestOut):
    events: list[GuestRequestEventOut] = Field(description="The request's history, oldest first")


class GuestRequestQuery(PageQuery):
    status: RequestStatus | None = None
    kind: RequestKind | None = None
    stay_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only this stay's requests")
    created_from: UtcDateTime | None = Field(None, description="Made at or after this moment")


class GuestRequestUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: RequestStatus = Field(
        description="The status to move to. From new: acknowledged, in_progress, done, declined or "
        "cancelled; from acknowledged: the same but new; from in_progress: done, declined or cancelled. "
        "Closed requests do not move, and an approval is answered in the workspace."
    )
    note: str | None = Field(
        None,
        min_length=1,
        max_length=guest_requests.MAX_TEXT,
        pattern=TEXT,
        description="An internal note kept in the history with the change; the guest never sees it",
    )


def request_out(found: GuestRequest) -> GuestRequestOut:
    return GuestRequestOut(**_fields(found))


def detail_out(found: GuestRequest) -> GuestRequestDetailOut:
    return GuestRequestDetailOut(**_fields(found), events=[_event_out(event) for event in found.events])


def _fields(found: GuestRequest) -> dict:
    return {
        "id": found.id,
        "stay_id": found.stay_id,
        "room": found.stay.room,
        "kind": found.kind,
        "status": found.status,
        "item": found.item,
        "quantity": found.quantity,
        "details": found.details,
        "guest_message": found.guest_message,
        "order_line_id": found.order_line_id,
        "feedback_id": found.feedback_id,
        "assignee_id": found.assignee_id,
        "priority": found.priority,
        "ack_due_at": found.ack_due_at,
        "resolve_due_at": found.resolve_due_at,
        "acknowledged_at": found.acknowledged_at,
        "resolved_at": found.resolved_at,
        "created_at": found.created_at,
        "updated_at": found.updated_at,
    }


def _event_out(event: RequestEvent) -> GuestRequestEventOut:
    by = "staff" if event.staff_id is not None else "guest" if event.by_guest else "system"
    return GuestRequestEventOut(
        id=event.id,
        at=event.at,
        action=event.action,
        by=by,
        staff_id=event.staff_id,
        from_value=event.from_value,
        to_value=event.to_value,
        text=event.text,
    )


@api.route(
    "/requests",
    scope="requests:read",
    summary="Guest requests",
    tags=["requests"],
    responses={200: Page[GuestRequestOut]},
    query=GuestRequestQuery,
)
def requests_list(query: GuestRequestQuery) -> Page[GuestRequestOut]:
    """The hotel's requests, open and closed, by id (oldest first)."""
    statement = guest_requests.hotel_requests(
        hotel().id,
        status=query.status,
        kind=query.kind,
        stay_id=query.stay_id,
        created_from=query.created_from,
    )
    return page(statement, GuestRequest.id, query, request_out)


@api.route(
    "/requests/<int:request_id>",
    scope="requests:read",
    summary="One guest request with its history",
    tags=["requests"],
    responses={200: GuestRequestDetailOut},
)
def request_detail(request_id: int) -> GuestRequestDetailOut:
    return detail_out(guest_requests.hotel_request(hotel().id, request_id))


@api.route(
    "/requests/<int:request_id>",
    "PATCH",
    scope="requests:write",
    summary="Move a guest request to another status",
    tags=["requests"],
    responses={200: GuestRequestDetailOut},
    body=GuestRequestUpdate,
)
def request_update(request_id: int, body: GuestRequestUpdate) -> GuestRequestDetailOut:
    """Change the status as the desk does, with an optional internal note, both kept in the history.

    A move the lifecycle does not allow (from a closed status, to the same one, back to new)
    and any move of an approval (approving charges the room: the desk decides) is a ``409``.
    """
    found = guest_requests.hotel_request(hotel().id, request_id)
    guest_requests.change_status(found, body.status, None, body.note or "")
    return detail_out(found)
