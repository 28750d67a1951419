"""A hotel's privacy settings: who the data controller is, where guests write, how long data is kept,
and which marketing-consent rule its jurisdiction asks for."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.models import Hotel, MarketingConsent
from app.services import audit
from app.services.errors import LobbyError
from app.services.stay_desk import normalized_email
from app.services.transactions import operation

MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650
AUDITED = ("legal_name", "privacy_email", "retention_days", "marketing_consent")


@dataclass(frozen=True)
class PrivacySettings:
    legal_name: str
    privacy_email: str
    retention_days: int
    marketing_consent: MarketingConsent


@operation
def save(hotel: Hotel, settings: PrivacySettings) -> None:
    """Check and keep the settings; the privacy page and the next retention run use them at once."""
    if not MIN_RETENTION_DAYS <= settings.retention_days <= MAX_RETENTION_DAYS:
        raise LobbyError(
            _(
                "Please enter a number of days from %(low)d to %(high)d.",
                low=MIN_RETENTION_DAYS,
                high=MAX_RETENTION_DAYS,
            )
        )
    email = settings.privacy_email.strip()
    was = audit.snapshot(hotel, AUDITED)
    hotel.legal_name = settings.legal_name.strip()
    hotel.privacy_email = normalized_email(email) if email else ""
    hotel.retention_days = settings.retention_days
    hotel.marketing_consent = settings.marketing_consent
    audit.record(hotel.id, "hotel.privacy_changed", hotel, before=was, after=audit.snapshot(hotel, AUDITED))
