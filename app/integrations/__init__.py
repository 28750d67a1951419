"""The hotel's PMS behind one small interface: reservations come in, charges go out, one module per PMS.

Services (``app/services/pms_sync.py``) call :func:`provider_for` and the methods of
:class:`PmsProvider`; only the provider's module (``app/integrations/mews.py``) knows the
vendor's requests and answers. Two errors tell the caller what to do next:
:class:`PmsUnavailable` (try again later: the PMS is down, slow, rate-limiting, or the
outcome is unknown) and :class:`PmsRefused` (the PMS said no for a reason a retry will not
change; a person must look).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.models import PmsConnection


class PmsError(Exception):
    """Something the PMS said or did not say; ``str(error)`` is the reason staff read."""


class PmsUnavailable(PmsError):
    """Try again later; ``retry_after`` is how many seconds the PMS asked us to wait, when it said."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PmsRefused(PmsError):
    """The PMS refused the request; sending it again unchanged will be refused again."""


@dataclass
class PmsReservation:
    """A reservation as Lobby needs it, whatever PMS it came from."""

    external_id: str
    account_id: str
    surname: str
    starts_at: datetime  # scheduled arrival, UTC
    ends_at: datetime  # scheduled departure, UTC
    cancelled: bool = False
    first_name: str = ""
    email: str = ""
    language: str | None = None  # a language tag ("de-DE")
    adults: int = 1
    children_ages: list[int] = field(default_factory=list)
    room: str = ""  # "" until the PMS assigns one
    # The guest's classifications and loyalty code in the PMS, for the hotel's tier mapping.
    tier_codes: list[str] = field(default_factory=list)


@dataclass
class Charge:
    """A folio line on its way to the reservation's bill; its unique ``reference`` recognises a retry."""

    reference: str
    reservation_id: str
    account_id: str
    amount: int  # minor units; negative for a reversal
    currency: str
    description: str
    consumed_at: datetime


class PmsProvider(Protocol):
    name: str

    def check(self) -> str:
        """The property's name in the PMS: proves the address and the credentials work."""

    def changed_reservations(
        self, updated_since: datetime | None, arriving_from: datetime, arriving_until: datetime
    ) -> list[PmsReservation]:
        """Reservations arriving from ``arriving_from`` (the start of the hotel's day) to
        ``arriving_until``, and every reservation changed since ``updated_since`` (None on the first pull)."""

    def reservations(self, external_ids: list[str]) -> list[PmsReservation]:
        """These reservations as they are now (a webhook named them)."""

    def post_charge(self, charge: Charge) -> str:
        """Put ``charge`` on the reservation's bill; returns the PMS's id for it."""

    def find_posted(self, charge: Charge) -> str | None:
        """The PMS's id of ``charge`` if an earlier attempt reached the bill, else None."""


def provider_for(connection: PmsConnection, timeout: float = 10.0) -> PmsProvider:
    """The connector for this hotel's PMS; raises :class:`PmsRefused` for a provider Lobby does not know."""
    if connection.provider == "mews":
        from app.integrations.mews import MewsConnector

        return MewsConnector(
            connection.base_url, connection.credentials or {}, connection.settings or {}, timeout
        )
    raise PmsRefused(f"Unknown PMS provider {connection.provider!r}")
