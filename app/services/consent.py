"""Marketing consent: what a guest answered about offers by email, and whether the hotel's rule lets one go.

Marketing emails are the offers before arrival and the thank-you; confirmations,
reminders of booked activities and waiting-list offers are what the guest asked for and
always go (to an address that has not unsubscribed). Whether a marketing email may go
depends on the hotel's jurisdiction (``Hotel.marketing_consent``): under opt-in only to a
guest who said yes, under opt-out to every guest who has not said no.

Every answer is kept with its time and where it was given (:class:`ConsentRecord`), through
:func:`record_consent` only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, or_

from app import clock
from app.extensions import db
from app.models import ConsentRecord, Hotel, MarketingConsent, Stay
from app.services.transactions import operation

MARKETING = "marketing"
# Where an answer can come from; the model lists them too.
SOURCES = ("my_stay", "sign_in", "desk", "api", "pms", "unsubscribe_link")


def marketing_allowed(hotel: Hotel, stay: Stay) -> bool:
    """Whether a marketing email may go to ``stay`` under the hotel's rule (its address aside)."""
    if stay.unsubscribed_at is not None or stay.marketing_consent is False:
        return False
    if hotel.marketing_consent is MarketingConsent.OPT_IN:
        return stay.marketing_consent is True
    return True


def marketing_allowed_clause(hotel: Hotel) -> ColumnElement[bool]:
    """:func:`marketing_allowed` as a condition on ``Stay``, for the queries that find what is due."""
    if hotel.marketing_consent is MarketingConsent.OPT_IN:
        return Stay.marketing_consent.is_(True)
    return or_(Stay.marketing_consent.is_(None), Stay.marketing_consent.is_(True))


@operation
def record_consent(stay: Stay, given: bool, source: str, now: datetime | None = None) -> ConsentRecord | None:
    """Keep the guest's answer and act on it from now on; the same answer again records nothing."""
    if source not in SOURCES:
        raise ValueError(f"unknown consent source {source!r}")
    if stay.marketing_consent is given:
        return None
    now = now or clock.now()
    stay.marketing_consent = given
    record = ConsentRecord(
        hotel_id=stay.hotel_id, stay_id=stay.id, purpose=MARKETING, given=given, at=now, source=source
    )
    db.session.add(record)
    return record
