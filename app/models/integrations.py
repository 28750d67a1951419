"""The hotel's PMS connection (Mews first), what Lobby posted to the PMS, and each sync's outcome.

Only ``app/integrations/`` speaks a PMS's API; these rows are what it remembers: the
connection's settings, one posting per folio line (so a charge reaches the bill once),
and a log the workspace shows.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, utcnow
from app.models.catalog import str_enum
from app.models.hotel import HotelScoped
from app.models.orders import FolioLine


class PmsConnection(HotelScoped, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotel.id"), unique=True)  # one PMS per hotel
    provider: Mapped[str] = mapped_column(String(20))  # "mews"
    base_url: Mapped[str] = mapped_column(String(300))
    # The provider's credentials (Mews: ClientToken, AccessToken, Client name) and mapping
    # settings (service to post to, accounting category, tier by classification, days ahead).
    credentials: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(default=True)
    # Reservations updated in the PMS after this moment are pulled next time.
    pulled_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(500), default="")
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PostingStatus(enum.StrEnum):
    PENDING = "pending"  # waiting to be posted (or to be posted again after a failure)
    POSTED = "posted"  # on the PMS bill; external_id is the PMS's order id
    REFUSED = "refused"  # the PMS said no for a reason retrying will not change; staff must look


class PmsPosting(HotelScoped, db.Model):
    """A folio line on its way to the PMS bill: one row per line, so it is posted exactly once."""

    __table_args__ = (Index("ix_pms_posting_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    folio_line_id: Mapped[int] = mapped_column(ForeignKey("folio_line.id"), unique=True)
    status: Mapped[PostingStatus] = mapped_column(str_enum(PostingStatus), default=PostingStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    external_id: Mapped[str | None] = mapped_column(String(100))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(500), default="")

    folio_line: Mapped[FolioLine] = relationship()


class SyncKind(enum.StrEnum):
    PULL = "pull"  # reservations read from the PMS on the schedule
    WEBHOOK = "webhook"  # the PMS told Lobby something changed
    POST = "post"  # charges sent to the PMS bill


class PmsSyncRun(HotelScoped, db.Model):
    """What one sync did: counts when it went well, the reason when it did not."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SyncKind] = mapped_column(str_enum(SyncKind))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column(default=True)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # {"created": 3, "updated": 1}
    error: Mapped[str] = mapped_column(String(500), default="")


class ArrivalImport(HotelScoped, TimestampMixin, db.Model):
    """An arrivals file the desk uploaded, for hotels without an API: what it made and what it refused."""

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    # One entry per refused row: {"row": 7, "errors": ["arrival: not a date"]}.
    refused: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    staff = relationship("StaffUser")
