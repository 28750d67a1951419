"""The current time, in one place so tests can move it.

It sits below models and services: both read it (``Hotel.today()``), and models import no service.
"""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
