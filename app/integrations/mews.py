"""Mews's Connector API: the only module in Lobby that knows its requests, answers and errors.

Shapes follow docs.mews.com/connector-api (mirrored in github.com/MewsSystems/gitbook-connector-api):
every call is a POST of JSON to ``{base}/api/connector/v1/<operation>`` carrying ClientToken,
AccessToken and Client in the body; lists page with ``Limitation {Count, Cursor}``; errors are
401 (tokens), 400/403 (the request or a business rule), 408/409/429 (+ Retry-After)/5xx.
Reservations are read with ``reservations/getAll/2023-06-06``; guests with ``customers/getAll``;
room numbers with ``resources/getAll``; children's ages from ``ageCategories/getAll``; a
charge is ``orders/add`` with one item whose ``ExternalIdentifier`` is the folio line's
reference, linked to the reservation, and found again with ``orderItems/getAll``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import requests
from babel.numbers import get_currency_precision

from app import clock
from app.integrations import Charge, PmsRefused, PmsReservation, PmsUnavailable

CLIENT_NAME = "Lobby 1.0"
PAGE = 100
# Mews refuses a time interval longer than three months.
MAX_INTERVAL = timedelta(days=90)
ARRIVING_STATES = ["Confirmed", "Optional", "Started"]
# Not yet agreed by both sides (an enquiry, a waiting list): no stay until Mews confirms it.
UNCONFIRMED_STATES = {"Inquired", "Requested"}
OLDEST_CHILD = 17


def to_decimal(amount: int, currency: str) -> Decimal:
    """Minor units as Mews's decimal amount: 1250 EUR -> 12.50, 50000 VND -> 50000."""
    return Decimal(amount).scaleb(-get_currency_precision(currency))


def to_minor(value: Any, currency: str) -> int:
    """Mews's decimal amount as minor units (exact: read through ``str``, never float arithmetic)."""
    return int((Decimal(str(value)).scaleb(get_currency_precision(currency))).to_integral_value())


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


class MewsConnector:
    name = "Mews"

    def __init__(self, base_url: str, credentials: dict[str, str], settings: dict[str, Any], timeout: float):
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.settings = settings
        self.timeout = timeout
        self.http = requests.Session()

    # -- transport -----------------------------------------------------------------------

    def _call(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        payload = {
            "ClientToken": self.credentials.get("client_token", ""),
            "AccessToken": self.credentials.get("access_token", ""),
            "Client": self.credentials.get("client") or CLIENT_NAME,
            **body,
        }
        url = f"{self.base_url}/api/connector/v1/{operation}"
        try:
            answer = self.http.post(url, json=payload, timeout=self.timeout)
        except requests.Timeout as error:
            # The request may have been carried out: whoever retries must look before posting again.
            raise PmsUnavailable(f"Mews did not answer {operation} in time") from error
        except requests.RequestException as error:
            raise PmsUnavailable(f"Mews could not be reached ({type(error).__name__})") from error
        if answer.status_code == 200:
            try:
                return answer.json()
            except ValueError as error:
                raise PmsUnavailable(f"Mews answered {operation} with something that is not JSON") from error
        message = self._message(answer)
        status = answer.status_code
        if status == 401:
            # Wrong tokens are the connection's problem, not the charge's: keep charges queued.
            raise PmsUnavailable(f"Mews refused the credentials: {message}")
        if status in (400, 403, 404):
            raise PmsRefused(f"Mews refused {operation} ({status}): {message}")
        retry_after = None
        if status == 429:
            try:
                retry_after = float(answer.headers.get("Retry-After", ""))
            except ValueError:
                retry_after = None
        raise PmsUnavailable(f"Mews answered {operation} with {status}: {message}", retry_after)

    @staticmethod
    def _message(answer: requests.Response) -> str:
        try:
            return str(answer.json().get("Message", ""))[:300]
        except (ValueError, AttributeError):
            return answer.text[:300]

    def _pages(self, operation: str, body: dict[str, Any], key: str) -> list[dict[str, Any]]:
        """Every item of a paged list: ask again with the last answer's Cursor until a page comes short."""
        found: list[dict[str, Any]] = []
        cursor = None
        while True:
            limitation: dict[str, Any] = {"Count": PAGE}
            if cursor:
                limitation["Cursor"] = cursor
            answer = self._call(operation, {**body, "Limitation": limitation})
            items = answer.get(key) or []
            found.extend(items)
            cursor = answer.get("Cursor")
            if len(items) < PAGE or not cursor:
                return found

    # -- the interface ---------------------------------------------------------------------

    def check(self) -> str:
        answer = self._call("configuration/get", {})
        enterprise = answer.get("Enterprise") or {}
        return str(enterprise.get("Name", ""))

    def changed_reservations(
        self, updated_since: datetime | None, arriving_from: datetime, arriving_until: datetime
    ) -> list[PmsReservation]:
        arriving_until = min(arriving_until, arriving_from + MAX_INTERVAL)
        raw = self._pages(
            "reservations/getAll/2023-06-06",
            {
                "ScheduledStartUtc": {"StartUtc": _utc(arriving_from), "EndUtc": _utc(arriving_until)},
                "States": ARRIVING_STATES,
            },
            "Reservations",
        )
        if updated_since is not None:
            now = clock.now()
            start = max(updated_since, now - MAX_INTERVAL)
            # Every state: a cancellation is an update too.
            raw += self._pages(
                "reservations/getAll/2023-06-06",
                {"UpdatedUtc": {"StartUtc": _utc(start), "EndUtc": _utc(now + timedelta(minutes=5))}},
                "Reservations",
            )
        return self._complete(raw)

    def reservations(self, external_ids: list[str]) -> list[PmsReservation]:
        if not external_ids:
            return []
        raw = self._pages(
            "reservations/getAll/2023-06-06", {"ReservationIds": external_ids[:1000]}, "Reservations"
        )
        return self._complete(raw)

    def _complete(self, raw: list[dict[str, Any]]) -> list[PmsReservation]:
        """The reservations with their guest, room and ages: one request per kind, not per reservation."""
        unique = [
            item
            for item in {item["Id"]: item for item in raw}.values()
            if item.get("State") not in UNCONFIRMED_STATES
        ]
        if not unique:
            return []
        customer_ids = sorted(
            {item["AccountId"] for item in unique if item.get("AccountType", "Customer") == "Customer"}
        )
        customers = (
            {
                customer["Id"]: customer
                for customer in self._pages(
                    "customers/getAll",
                    {"CustomerIds": customer_ids, "Extent": {"Customers": True}},
                    "Customers",
                )
            }
            if customer_ids
            else {}
        )
        resource_ids = sorted(
            {item["AssignedResourceId"] for item in unique if item.get("AssignedResourceId")}
        )
        rooms = (
            {
                resource["Id"]: resource.get("Name", "")
                for resource in self._pages(
                    "resources/getAll",
                    {"ResourceIds": resource_ids, "Extent": {"Resources": True}},
                    "Resources",
                )
            }
            if resource_ids
            else {}
        )
        category_ids = sorted(
            {count["AgeCategoryId"] for item in unique for count in item.get("PersonCounts") or []}
        )
        categories = (
            {
                category["Id"]: category
                for category in self._pages(
                    "ageCategories/getAll", {"AgeCategoryIds": category_ids}, "AgeCategories"
                )
            }
            if category_ids
            else {}
        )
        return [
            self._reservation(item, customers.get(item["AccountId"]), rooms, categories) for item in unique
        ]

    def _reservation(
        self,
        item: dict[str, Any],
        customer: dict[str, Any] | None,
        rooms: dict[str, str],
        categories: dict[str, dict[str, Any]],
    ) -> PmsReservation:
        customer = customer or {}
        adults = 0
        children: list[int] = []
        for count in item.get("PersonCounts") or []:
            category = categories.get(count["AgeCategoryId"], {})
            number = int(count.get("Count", 0))
            if category.get("Classification") == "Child":
                # Mews knows an age category, not an age: the youngest age of the category.
                age = min(max(int(category.get("MinimalAge") or 0), 0), OLDEST_CHILD)
                children.extend([age] * number)
            else:
                adults += number
        codes = [str(code) for code in customer.get("Classifications") or []]
        if customer.get("LoyaltyCode"):
            codes.append(str(customer["LoyaltyCode"]))
        return PmsReservation(
            external_id=item["Id"],
            account_id=item["AccountId"],
            surname=str(customer.get("LastName") or ""),
            first_name=str(customer.get("FirstName") or ""),
            email=str(customer.get("Email") or ""),
            language=customer.get("LanguageCode") or customer.get("PreferredLanguageCode"),
            starts_at=_parse_utc(item.get("ScheduledStartUtc") or item["StartUtc"]),
            ends_at=_parse_utc(item.get("ScheduledEndUtc") or item["EndUtc"]),
            cancelled=item.get("State") == "Canceled",
            adults=max(adults, 1),
            children_ages=sorted(children),
            room=rooms.get(item.get("AssignedResourceId") or "", ""),
            tier_codes=codes,
        )

    def _service_id(self) -> str:
        service_id = str(self.settings.get("service_id") or "")
        if not service_id:
            raise PmsRefused("No Mews service is set to post charges to (settings: service_id)")
        return service_id

    def post_charge(self, charge: Charge) -> str:
        unit_amount: dict[str, Any] = {
            "Currency": charge.currency,
            "GrossValue": _json_number(to_decimal(charge.amount, charge.currency)),
        }
        if self.settings.get("tax_codes"):
            unit_amount["TaxCodes"] = list(self.settings["tax_codes"])
        item: dict[str, Any] = {
            "Name": charge.description[:255] or charge.reference,
            "UnitCount": 1,
            "UnitAmount": unit_amount,
            "ExternalIdentifier": charge.reference,
        }
        if self.settings.get("accounting_category_id"):
            item["AccountingCategoryId"] = self.settings["accounting_category_id"]
        answer = self._call(
            "orders/add",
            {
                "ServiceId": self._service_id(),
                "AccountId": charge.account_id,
                "LinkedReservationId": charge.reservation_id,
                "ConsumptionUtc": _utc(charge.consumed_at),
                "Notes": f"Lobby {charge.reference}",
                "Items": [item],
            },
        )
        order_id = answer.get("OrderId")
        if not order_id:
            raise PmsUnavailable("Mews accepted the order but gave no OrderId")
        return str(order_id)

    def find_posted(self, charge: Charge) -> str | None:
        now = datetime.now(UTC)
        start = max(min(charge.consumed_at, now) - timedelta(days=1), now - MAX_INTERVAL)
        items = self._pages(
            "orderItems/getAll",
            {
                "AccountIds": [charge.account_id],
                "ServiceIds": [self._service_id()],
                "CreatedUtc": {"StartUtc": _utc(start), "EndUtc": _utc(now + timedelta(minutes=5))},
            },
            "OrderItems",
        )
        for item in items:
            if item.get("ExternalIdentifier") == charge.reference:
                return str(item.get("ServiceOrderId") or item["Id"])
        return None
