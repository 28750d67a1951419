"""Ratings and the recommendation question: asked at the right moment, low scores answered by a call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Select, select

from app import clock
from app.extensions import db
from app.models import Feedback, GuestRequest, LineStatus, Order, OrderLine, RequestKind, StaffUser, Stay
from app.services import guest_requests, signals
from app.services.errors import LobbyError, NotAllowed, NotFound
from app.services.hotel_rows import hotel_row
from app.services.transactions import operation

MAX_COMMENT = 2000


def rateable(line: OrderLine, now: datetime) -> bool:
    """A booked service can be rated once staff marked it done or its time is over."""
    return line.status is LineStatus.BOOKED and (line.done_at is not None or line.ends_at <= now)


def ratings_by_line(stay: Stay) -> dict[int, Feedback]:
    return {
        feedback.order_line_id: feedback
        for feedback in db.session.scalars(
            select(Feedback).where(Feedback.stay_id == stay.id, Feedback.order_line_id.is_not(None))
        )
    }


def stay_recommendation(stay: Stay) -> Feedback | None:
    return db.session.scalar(select(Feedback).where(Feedback.stay_id == stay.id, Feedback.nps.is_not(None)))


def recommendation_due(stay: Stay, today: date) -> bool:
    """Asked from the last night of the stay on, once."""
    return _recommendation_due(stay, today, stay_recommendation(stay))


def _recommendation_due(stay: Stay, today: date, recommendation: Feedback | None) -> bool:
    return (stay.departure - today).days <= 1 and recommendation is None


@dataclass(frozen=True)
class StayFeedback:
    """Everything the stay said: what My stay shows, read in one statement."""

    stay: Stay
    ratings_by_line: dict[int, Feedback]
    recommendation: Feedback | None  # as stay_recommendation() would answer
    stay_rating: Feedback | None  # as stay_rating() would answer

    def recommendation_due(self, today: date) -> bool:
        return _recommendation_due(self.stay, today, self.recommendation)


def stay_feedback(stay: Stay) -> StayFeedback:
    rows = list(db.session.scalars(select(Feedback).where(Feedback.stay_id == stay.id).order_by(Feedback.id)))
    return StayFeedback(
        stay=stay,
        ratings_by_line={row.order_line_id: row for row in rows if row.order_line_id is not None},
        recommendation=next((row for row in rows if row.nps is not None), None),
        stay_rating=next((row for row in rows if row.order_line_id is None and row.rating is not None), None),
    )


def stay_rating(stay: Stay) -> Feedback | None:
    """The guest's rating of the stay so far (stars with no booking attached), if given."""
    return db.session.scalar(
        select(Feedback).where(
            Feedback.stay_id == stay.id,
            Feedback.order_line_id.is_(None),
            Feedback.rating.is_not(None),
        )
    )


def stay_rating_open(stay: Stay, today: date) -> bool:
    """A guest in the house may tell us how the stay is going, once, long before it ends."""
    return stay.arrival <= today <= stay.departure and stay.checked_out_at is None


@operation
def rate_stay(stay: Stay, rating: int, comment: str, today: date) -> Feedback:
    """Stars for the stay so far; a low one reaches the desk as a service-recovery request at once."""
    if not stay_rating_open(stay, today):
        raise NotAllowed(_("You can tell us about your stay once you have arrived."))
    if stay_rating(stay) is not None:
        raise NotAllowed(_("You have already rated this. Thank you!"))
    return _save(stay, Feedback(rating=rating), comment)


@operation
def rate_line(stay: Stay, line_id: int, rating: int, comment: str) -> Feedback:
    line = db.session.scalar(
        select(OrderLine).join(Order).where(OrderLine.id == line_id, Order.stay_id == stay.id)
    )
    if line is None:
        raise NotFound(_("We could not find that booking."))
    if not rateable(line, clock.now()):
        raise NotAllowed(_("You can rate this once it has taken place."))
    if line.id in ratings_by_line(stay):
        raise NotAllowed(_("You have already rated this. Thank you!"))
    return _save(stay, Feedback(order_line_id=line.id, service_id=line.service_id, rating=rating), comment)


@operation
def recommend(stay: Stay, score: int, comment: str, today: date) -> Feedback:
    if not recommendation_due(stay, today):
        raise NotAllowed(_("Thank you, we already have your answer."))
    return _save(stay, Feedback(nps=score), comment)


def _save(stay: Stay, feedback: Feedback, comment: str) -> Feedback:
    """Store the feedback; a low one opens a service-recovery request at the top of the desk's queue."""
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise LobbyError(_("Too long. Character limit: %(max)d.", max=MAX_COMMENT))
    feedback.hotel_id = stay.hotel_id
    feedback.stay_id = stay.id
    feedback.comment = comment
    db.session.add(feedback)
    db.session.flush()
    signals.feedback_given.send(feedback)
    if feedback.low:
        guest_requests.open_request(
            stay,
            RequestKind.RECOVERY,
            details=comment,
            feedback=feedback,
            order_line=feedback.line,
            by_guest=True,
        )
    return feedback


@operation
def reply(hotel_id: int, feedback_id: int, staff: StaffUser, text: str) -> Feedback:
    feedback = hotel_row(Feedback, hotel_id, feedback_id, _("We could not find that feedback."))
    text = text.strip()
    if not text:
        raise LobbyError(_("Please write the reply first."))
    if len(text) > MAX_COMMENT:
        raise LobbyError(_("Too long. Character limit: %(max)d.", max=MAX_COMMENT))
    feedback.reply = text
    feedback.replied_by_id = staff.id
    feedback.replied_at = clock.now()
    return feedback


@operation
def reply_and_resolve(hotel_id: int, feedback_id: int, staff: StaffUser, text: str) -> GuestRequest | None:
    """Reply and settle the feedback's service-recovery request in one transaction.

    Both or neither, so the queue never shows a recovery already answered. Returns the
    request it settled, if there was one.
    """
    resolved = guest_requests.resolve_recovery(hotel_id, feedback_id, staff)
    reply(hotel_id, feedback_id, staff, text)
    return resolved


def feedback_for_desk(hotel_id: int, low_only: bool = False, limit: int = 200) -> list[Feedback]:
    query = select(Feedback).where(Feedback.hotel_id == hotel_id)
    if low_only:
        query = query.where((Feedback.rating <= 2) | (Feedback.nps <= 6))
    return list(db.session.scalars(query.order_by(Feedback.id.desc()).limit(limit)))


def hotel_feedback(
    hotel_id: int,
    *,
    rating: int | None = None,
    service_id: int | None = None,
    since: datetime | None = None,
) -> Select[tuple[Feedback]]:
    """The hotel's feedback that matches every filter given, to page through."""
    statement = select(Feedback).where(Feedback.hotel_id == hotel_id)
    if rating is not None:
        statement = statement.where(Feedback.rating == rating)
    if service_id is not None:
        statement = statement.where(Feedback.service_id == service_id)
    if since is not None:
        statement = statement.where(Feedback.created_at >= since)
    return statement


def hotel_feedback_item(hotel_id: int, feedback_id: int) -> Feedback:
    return hotel_row(Feedback, hotel_id, feedback_id, _("We could not find that feedback."))


@operation
def mark_done(hotel_id: int, line_id: int) -> OrderLine:
    """Staff say the service was delivered: the guest is asked to rate it."""
    line = db.session.get(OrderLine, line_id)
    if line is None or line.hotel_id != hotel_id:
        raise NotFound(_("We could not find that booking."))  # another hotel's line: the 404 page
    if line.status is not LineStatus.BOOKED:
        # The hotel's own line, cancelled or never booked since the page was drawn: a message, not a 404.
        raise NotAllowed(_("We could not find that booking."))
    line.done_at = line.done_at or clock.now()
    return line
