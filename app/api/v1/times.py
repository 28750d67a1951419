"""A moment in a query: ISO 8601 with its offset, compared in UTC like every time the database holds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime


def _in_utc(moment: datetime) -> datetime:
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first moment a datetime holds
        raise ValueError("The time is out of range.") from None


UtcDateTime = Annotated[AwareDatetime, AfterValidator(_in_utc)]
"""An aware datetime (``2030-05-06T10:00:00Z`` or with an offset), turned to UTC; a time without
an offset is refused, since it would name a different moment in each hotel's zone."""
