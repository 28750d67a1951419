"""Guest feedback for the hotel's systems: ratings of services and stays, recommendation scores, replies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.api.v1 import api
from app.api.v1.kit import MAX_ID, hotel
from app.api.v1.paging import Page, PageQuery, page
from app.api.v1.times import UtcDateTime
from app.models import Feedback
from app.services import feedback


class FeedbackOut(BaseModel):
    id: int
    stay_id: int
    order_line_id: int | None = Field(description="The booked line rated; null for the stay as a whole")
    service_id: int | None = Field(description="The service rated; null for the stay as a whole")
    rating: int | None = Field(description="1 to 5 stars; null for a recommendation score")
    nps: int | None = Field(description='0 to 10, "would you recommend us"; null for a rating')
    low: bool = Field(description="2 stars or less, or a score of 6 or less: a service-recovery call is due")
    comment: str = Field(description="The guest's own words")
    reply: str = Field(description="The hotel's answer, which the guest sees; empty until given")
    replied_at: datetime | None
    created_at: datetime


class FeedbackQuery(PageQuery):
    rating: int | None = Field(None, ge=1, le=5, description="Only ratings of this many stars")
    service_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only ratings of this service")
    since: UtcDateTime | None = Field(None, description="Given at or after this moment")


def feedback_out(item: Feedback) -> FeedbackOut:
    return FeedbackOut(
        id=item.id,
        stay_id=item.stay_id,
        order_line_id=item.order_line_id,
        service_id=item.service_id,
        rating=item.rating,
        nps=item.nps,
        low=item.low,
        comment=item.comment,
        reply=item.reply,
        replied_at=item.replied_at,
        created_at=item.created_at,
    )


@api.route(
    "/feedback",
    scope="feedback:read",
    summary="Guest feedback",
    tags=["feedback"],
    responses={200: Page[FeedbackOut]},
    query=FeedbackQuery,
)
def feedback_list(query: FeedbackQuery) -> Page[FeedbackOut]:
    """The hotel's feedback by id, oldest first."""
    statement = feedback.hotel_feedback(
        hotel().id, rating=query.rating, service_id=query.service_id, since=query.since
    )
    return page(statement, Feedback.id, query, feedback_out)


@api.route(
    "/feedback/<int:feedback_id>",
    scope="feedback:read",
    summary="One piece of feedback",
    tags=["feedback"],
    responses={200: FeedbackOut},
)
def feedback_item(feedback_id: int) -> FeedbackOut:
    return feedback_out(feedback.hotel_feedback_item(hotel().id, feedback_id))
