"""Requests as the services see them: SLA deadlines by tier and hotel, the lifecycle, the queue's order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import GuestRequest, Hotel, RequestKind, RequestStatus, SlaTarget, StaffRole, Stay, Tier
from app.services import guest_requests, staff_accounts
from app.services.errors import LobbyError, NotAllowed, NotFound
from app.web.labels import REQUEST_STATUS_LABELS, describe_request
from tests import factories

NOW = datetime(2030, 5, 6, 10, 0, tzinfo=UTC)
K = RequestKind
S = RequestStatus


@pytest.fixture
def garcia(ctx, world) -> Stay:
    return db.session.get(Stay, world.stays["garcia"])


@pytest.fixture
def novak(ctx, world) -> Stay:
    return db.session.get(Stay, world.stays["other"])


@pytest.fixture
def clerk(hotel):
    user = staff_accounts.create_staff(
        hotel, "clerk@lodge.test", "correct horse battery", StaffRole.RECEPTIONIST
    )
    db.session.commit()
    return user


def minutes(request: GuestRequest, now: datetime = NOW) -> tuple[float, float]:
    return (
        (request.ack_due_at - now).total_seconds() / 60,
        (request.resolve_due_at - now).total_seconds() / 60,
    )


# --- SLA ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "standard", "silver", "gold"),
    [
        (K.AMENITY, (10, 60), (7, 45), (5, 30)),
        (K.HELP, (5, 30), (3, 22), (2, 15)),
        (K.APPROVAL, (10, 60), (7, 45), (5, 30)),
        (K.FOLLOW_UP, (15, 120), (11, 90), (7, 60)),
        (K.COMPLAINT, (5, 60), (3, 45), (2, 30)),
        (K.RECOVERY, (5, 30), (3, 22), (2, 15)),
    ],
)
def test_default_deadlines_shortened_for_loyal_guests(hotel, kind, standard, silver, gold):
    assert (hotel.silver_sla_percent, hotel.gold_sla_percent) == (75, 50)
    assert guest_requests.DEFAULT_SLA[kind] == standard
    assert guest_requests.sla_minutes(hotel, kind, Tier.STANDARD) == standard
    assert guest_requests.sla_minutes(hotel, kind, Tier.SILVER) == silver
    assert guest_requests.sla_minutes(hotel, kind, Tier.GOLD) == gold


@pytest.mark.parametrize(
    ("tier", "expected"), [(Tier.STANDARD, (10, 60)), (Tier.SILVER, (7, 45)), (Tier.GOLD, (5, 30))]
)
def test_a_request_is_due_by_the_stays_tier(garcia, tier, expected):
    garcia.tier = tier
    request = guest_requests.open_request(garcia, K.AMENITY, item="towels", now=NOW)
    db.session.commit()
    assert minutes(request) == expected
    assert request.created_at == NOW
    assert (request.status, request.acknowledged_at, request.resolved_at) == (S.NEW, None, None)


def test_the_hotel_sets_its_own_tier_percentages_never_below_a_minute(hotel):
    hotel.silver_sla_percent, hotel.gold_sla_percent = 90, 10
    db.session.commit()
    assert guest_requests.sla_minutes(hotel, K.AMENITY, Tier.SILVER) == (9, 54)
    assert guest_requests.sla_minutes(hotel, K.HELP, Tier.GOLD) == (1, 3)  # 5 min x 10% is 0: at least one
    assert guest_requests.sla_minutes(hotel, K.HELP, Tier.STANDARD) == (5, 30)


def test_an_sla_target_overrides_the_defaults_for_its_hotel_and_kind_only(hotel, garcia):
    other = factories.make_hotel(slug="other-lodge")
    db.session.add_all(
        [
            SlaTarget(hotel_id=hotel.id, kind=K.AMENITY, ack_minutes=20, resolve_minutes=240),
            SlaTarget(hotel_id=other.id, kind=K.HELP, ack_minutes=1, resolve_minutes=2),
        ]
    )
    db.session.commit()
    assert guest_requests.sla_minutes(hotel, K.AMENITY, Tier.STANDARD) == (20, 240)
    assert guest_requests.sla_minutes(hotel, K.AMENITY, Tier.SILVER) == (15, 180)
    assert guest_requests.sla_minutes(hotel, K.AMENITY, Tier.GOLD) == (10, 120)
    assert guest_requests.sla_minutes(hotel, K.HELP, Tier.STANDARD) == (5, 30)  # the other hotel's target
    assert guest_requests.sla_minutes(other, K.HELP, Tier.STANDARD) == (1, 2)

    garcia.tier = Tier.GOLD
    request = guest_requests.open_request(garcia, K.AMENITY, item="pillows", now=NOW)
    assert minutes(request) == (10, 120)


@pytest.mark.parametrize(
    ("kind", "tier", "priority"),
    [
        (K.RECOVERY, Tier.STANDARD, 0),
        (K.RECOVERY, Tier.GOLD, -20),
        (K.COMPLAINT, Tier.STANDARD, 50),
        (K.COMPLAINT, Tier.SILVER, 40),
        (K.HELP, Tier.STANDARD, 100),
        (K.AMENITY, Tier.GOLD, 80),
    ],
)
def test_priority_puts_recoveries_complaints_and_loyal_guests_first(garcia, kind, tier, priority):
    garcia.tier = tier
    assert guest_requests.open_request(garcia, kind, details="x", now=NOW).priority == priority


# --- What a guest may ask -------------------------------------------------------------------------


def test_a_guest_asks_for_a_room_item_and_it_is_recorded_as_theirs(garcia):
    request = guest_requests.guest_asks(garcia, K.AMENITY, item="water", quantity=3)
    stored = db.session.get(GuestRequest, request.id)
    assert (stored.item, stored.quantity, stored.kind, stored.hotel_id) == (
        "water",
        3,
        K.AMENITY,
        garcia.hotel_id,
    )
    assert describe_request(stored) == "Drinking water"
    [created] = stored.events
    assert (created.action, created.by_guest, created.staff_id, created.to_value) == (
        "created",
        True,
        None,
        "new",
    )


@pytest.mark.parametrize(
    ("kind", "fields", "error", "message"),
    [
        (K.AMENITY, {"item": "champagne"}, LobbyError, "Please choose from the list."),
        (K.HELP, {"details": "   "}, LobbyError, "Please tell us a little about it."),
        (K.COMPLAINT, {"details": ""}, LobbyError, "Please tell us a little about it."),
        (K.HELP, {"details": "x" * 2001}, LobbyError, "Too long. Character limit: 2000."),
        (K.RECOVERY, {"details": "call me"}, NotAllowed, "That action is not possible here."),
        (K.APPROVAL, {"details": "approve"}, NotAllowed, "That action is not possible here."),
    ],
)
def test_what_a_guest_cannot_ask(garcia, kind, fields, error, message):
    with pytest.raises(error) as raised:
        guest_requests.guest_asks(garcia, kind, **fields)
    assert str(raised.value.message) == message
    db.session.rollback()
    assert db.session.scalar(select(GuestRequest.id)) is None


def test_details_are_stored_without_surrounding_spaces(garcia):
    request = guest_requests.guest_asks(garcia, K.COMPLAINT, details="  The music next door is loud.  ")
    assert request.details == "The music next door is loud."
    assert request.priority == 50


def test_a_guest_cancels_only_their_own_non_approval_requests(garcia, novak):
    mine = guest_requests.guest_asks(garcia, K.HELP, details="Taxi at six")
    theirs = guest_requests.guest_asks(novak, K.HELP, details="Late checkout")
    with pytest.raises(NotFound):
        guest_requests.guest_cancels(garcia, theirs.id)
    with pytest.raises(NotFound):
        guest_requests.guest_cancels(garcia, 999999)
    approval = guest_requests.open_request(garcia, K.APPROVAL, now=NOW)
    db.session.commit()
    with pytest.raises(NotAllowed):
        guest_requests.guest_cancels(garcia, approval.id)

    guest_requests.guest_cancels(garcia, mine.id)
    db.session.expire_all()
    assert db.session.get(GuestRequest, mine.id).status is S.CANCELLED
    assert db.session.get(GuestRequest, theirs.id).status is S.NEW
    assert db.session.get(GuestRequest, approval.id).status is S.NEW
    last = db.session.get(GuestRequest, mine.id).events[-1]
    assert (last.action, last.by_guest, last.from_value, last.to_value) == (
        "status",
        True,
        "new",
        "cancelled",
    )
    with pytest.raises(NotAllowed):  # cancelled is final
        guest_requests.guest_cancels(garcia, mine.id)


# --- The lifecycle --------------------------------------------------------------------------------

ALLOWED = {
    (S.NEW, S.ACKNOWLEDGED),
    (S.NEW, S.IN_PROGRESS),
    (S.NEW, S.DONE),
    (S.NEW, S.DECLINED),
    (S.NEW, S.CANCELLED),
    (S.ACKNOWLEDGED, S.IN_PROGRESS),
    (S.ACKNOWLEDGED, S.DONE),
    (S.ACKNOWLEDGED, S.DECLINED),
    (S.ACKNOWLEDGED, S.CANCELLED),
    (S.IN_PROGRESS, S.DONE),
    (S.IN_PROGRESS, S.DECLINED),
    (S.IN_PROGRESS, S.CANCELLED),
}


def request_in(stay: Stay, status: RequestStatus) -> GuestRequest:
    """A help request brought to ``status`` by the legal path."""
    request = guest_requests.open_request(stay, K.HELP, details="Please call", now=NOW)
    db.session.flush()  # the status default (new) is set by the INSERT
    path = {
        S.NEW: [],
        S.ACKNOWLEDGED: [S.ACKNOWLEDGED],
        S.IN_PROGRESS: [S.ACKNOWLEDGED, S.IN_PROGRESS],
        S.DONE: [S.IN_PROGRESS, S.DONE],
        S.DECLINED: [S.DECLINED],
        S.CANCELLED: [S.CANCELLED],
    }[status]
    for step in path:
        guest_requests.move(request, step, None, now=NOW)
    db.session.commit()
    return request


@pytest.mark.parametrize("before", list(S))
@pytest.mark.parametrize("after", list(S))
def test_moves_follow_the_lifecycle(garcia, clerk, before, after):
    request = request_in(garcia, before)
    events = len(request.events)
    later = NOW + timedelta(minutes=3)
    if (before, after) in ALLOWED:
        guest_requests.move(request, after, clerk, now=later)
        db.session.commit()
        assert request.status is after
        last = request.events[-1]
        assert (last.action, last.staff_id, last.by_guest, last.from_value, last.to_value, last.at) == (
            "status",
            clerk.id,
            False,
            before.value,
            after.value,
            later,
        )
        assert request.updated_at == later
        assert request.resolved_at == (None if after.open else later)
    else:
        with pytest.raises(NotAllowed) as refused:
            guest_requests.move(request, after, clerk, now=later)
        labels = REQUEST_STATUS_LABELS
        assert (
            str(refused.value.message) == f"This request cannot go from {labels[before]} to {labels[after]}."
        )
        db.session.rollback()
        db.session.refresh(request)
        assert (request.status, len(request.events)) == (before, events)


def test_acknowledged_at_is_when_it_first_left_new(garcia, clerk):
    request = request_in(garcia, S.NEW)
    guest_requests.move(request, S.ACKNOWLEDGED, clerk, now=NOW + timedelta(minutes=2))
    guest_requests.move(request, S.IN_PROGRESS, clerk, now=NOW + timedelta(minutes=4))
    guest_requests.move(request, S.DONE, clerk, now=NOW + timedelta(minutes=9))
    db.session.commit()
    assert request.acknowledged_at == NOW + timedelta(minutes=2)
    assert request.resolved_at == NOW + timedelta(minutes=9)
    assert [(event.from_value, event.to_value) for event in request.events] == [
        ("", "new"),
        ("new", "acknowledged"),
        ("acknowledged", "in_progress"),
        ("in_progress", "done"),
    ]


def test_assign_note_and_message_are_recorded_and_checked(garcia, clerk):
    request = request_in(garcia, S.ACKNOWLEDGED)
    colleague = staff_accounts.create_staff(
        db.session.get(Hotel, garcia.hotel_id),
        "colleague@lodge.test",
        "correct horse battery",
        StaffRole.RECEPTIONIST,
    )
    outsider = staff_accounts.create_staff(
        factories.make_hotel(slug="other-lodge"), "out@other.test", "correct horse battery", StaffRole.MANAGER
    )
    guest_requests.assign(request, colleague, clerk)
    with pytest.raises(NotFound):
        guest_requests.assign(request, outsider, clerk)
    guest_requests.add_note(request, "  Guest prefers a call after 5 pm  ", clerk)
    with pytest.raises(LobbyError, match=r"Please write the note first\."):
        guest_requests.add_note(request, "   ", clerk)
    with pytest.raises(LobbyError, match="Character limit: 2000"):
        guest_requests.add_note(request, "x" * 2001, clerk)
    guest_requests.tell_guest(request, "We will call you at 5 pm.", clerk)
    with pytest.raises(LobbyError, match="Character limit: 2000"):
        guest_requests.tell_guest(request, "x" * 2001, clerk)
    guest_requests.assign(request, None, clerk)
    db.session.commit()

    assert (request.assignee_id, request.guest_message) == (None, "We will call you at 5 pm.")
    assert [
        (event.action, event.staff_id, event.from_value, event.to_value, event.text)
        for event in request.events[2:]
    ] == [
        ("assignee", clerk.id, "", str(colleague.id), ""),
        ("note", clerk.id, "", "", "Guest prefers a call after 5 pm"),
        ("message", clerk.id, "", "We will call you at 5 pm.", "We will call you at 5 pm."),
        ("assignee", clerk.id, str(colleague.id), "", ""),
    ]


def test_a_request_of_another_hotel_is_not_found(hotel, garcia):
    request = guest_requests.guest_asks(garcia, K.HELP, details="Taxi")
    other = factories.make_hotel(slug="other-lodge")
    db.session.commit()
    assert guest_requests.hotel_request(hotel.id, request.id) is request
    with pytest.raises(NotFound):
        guest_requests.hotel_request(other.id, request.id)


# --- The queue ------------------------------------------------------------------------------------


def ids(found: list[GuestRequest]) -> list[int]:
    return [request.id for request in found]


def test_queue_recovery_first_then_overdue_then_earliest_deadline_then_priority(hotel, garcia, novak):
    now = NOW
    early = guest_requests.open_request(novak, K.FOLLOW_UP, details="Bikes?", now=now - timedelta(minutes=14))
    late = guest_requests.open_request(garcia, K.HELP, details="Call", now=now - timedelta(minutes=6))
    towels = guest_requests.open_request(garcia, K.AMENITY, item="towels", now=now - timedelta(minutes=5))
    help_ = guest_requests.open_request(garcia, K.HELP, details="Kettle", now=now)
    recovery = guest_requests.open_request(novak, K.RECOVERY, details="1 star", now=now)
    moving = guest_requests.open_request(garcia, K.AMENITY, item="iron", now=now - timedelta(minutes=50))
    db.session.flush()
    guest_requests.move(moving, S.IN_PROGRESS, None, now=now - timedelta(minutes=45))
    db.session.commit()

    assert [r.due_at() for r in (late, early, recovery, towels, help_, moving)] == [
        now - timedelta(minutes=1),
        now + timedelta(minutes=1),
        now + timedelta(minutes=5),
        now + timedelta(minutes=5),
        now + timedelta(minutes=5),
        now + timedelta(minutes=10),
    ]
    # An unhappy guest's service recovery leads, even before an overdue request.
    queue = guest_requests.queue_for_desk(hotel.id, guest_requests.QueueFilters(), now)
    assert ids(queue) == ids([recovery, late, early, towels, help_, moving])

    # Two minutes on, the follow-up is late too: both overdue ones follow, the longest overdue first.
    later = guest_requests.queue_for_desk(hotel.id, guest_requests.QueueFilters(), now + timedelta(minutes=2))
    assert ids(later) == ids([recovery, late, early, towels, help_, moving])


def test_a_gold_guest_comes_before_a_standard_one_due_at_the_same_time(hotel, garcia, novak):
    garcia.tier = Tier.GOLD
    standard = guest_requests.open_request(novak, K.AMENITY, item="water", now=NOW)
    gold = guest_requests.open_request(garcia, K.AMENITY, item="water", now=NOW + timedelta(minutes=5))
    db.session.commit()
    assert standard.ack_due_at == gold.ack_due_at == NOW + timedelta(minutes=10)
    assert ids(guest_requests.queue_for_desk(hotel.id, guest_requests.QueueFilters(), NOW)) == [
        gold.id,
        standard.id,
    ]


def test_queue_filters(hotel, garcia, novak, clerk):
    towels = guest_requests.open_request(garcia, K.AMENITY, item="towels", now=NOW)
    help_ = guest_requests.open_request(garcia, K.HELP, details="Call", now=NOW)
    complaint = guest_requests.open_request(novak, K.COMPLAINT, details="Noise", now=NOW)
    done = guest_requests.open_request(novak, K.HELP, details="Done", now=NOW)
    db.session.flush()
    guest_requests.move(help_, S.ACKNOWLEDGED, clerk, now=NOW)
    guest_requests.move(done, S.DONE, clerk, now=NOW)
    guest_requests.assign(complaint, clerk, clerk)
    db.session.commit()

    def queue(**filters) -> set[int]:
        return set(ids(guest_requests.queue_for_desk(hotel.id, guest_requests.QueueFilters(**filters), NOW)))

    assert queue() == {towels.id, help_.id, complaint.id}
    assert queue(kind=K.HELP) == {help_.id}
    assert queue(status=S.ACKNOWLEDGED) == {help_.id}
    assert queue(status=S.DONE) == {done.id}
    assert queue(assignee_id=clerk.id) == {complaint.id}
    assert queue(room="301") == {complaint.id}
    assert queue(room=" 204 ") == {towels.id, help_.id}
    assert queue(include_closed=True) == {towels.id, help_.id, complaint.id, done.id}
    assert queue(kind=K.HELP, include_closed=True, room="301") == {done.id}
    other = factories.make_hotel(slug="other-lodge")
    db.session.commit()
    assert guest_requests.queue_for_desk(other.id, guest_requests.QueueFilters(), NOW) == []
