"""A small Mews Connector API on a free local port, speaking the documented requests and answers.

Built from docs.mews.com/connector-api (github.com/MewsSystems/gitbook-connector-api:
operations/reservations.md "Get all reservations (ver 2023-06-06)", customers.md,
resources.md, agecategories.md, configuration.md, orders.md "Add order", orderitems.md,
guidelines/responses.md, guidelines/pagination.md, events/wh-general.md). Every operation
is a POST of JSON with ClientToken, AccessToken and Client in the body (401 when they are
wrong); lists need ``Limitation {Count, Cursor}`` and answer with a ``Cursor``; intervals
longer than three months are a 400. Tests tell it to fail (an HTTP status, 429 with
Retry-After, a pause longer than Lobby's timeout, after or before carrying the request out)
and read what was posted to which guest's bill.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from tests.servers import free_port

CLIENT_TOKEN = "E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D"
ACCESS_TOKEN = "C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D"
MAX_INTERVAL = timedelta(days=92)  # "max length 3 months"
STATES = {"Inquired", "Confirmed", "Started", "Processed", "Canceled", "Optional", "Requested"}


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def new_id() -> str:
    return str(uuid.uuid4())


class Problem(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class Behaviour:
    """What the next call of ``operation`` does instead of (or besides) answering normally."""

    operation: str
    status: int = 0  # answer this status instead
    retry_after: int | None = None
    pause: float = 0.0  # seconds to wait before answering
    carry_out: bool = True  # with a pause: do the work first (a timeout after the PMS accepted)
    times: int = 1


@dataclass
class FakeMews:
    enterprise_id: str = field(default_factory=new_id)
    accommodation_id: str = field(default_factory=new_id)
    service_id: str = field(default_factory=new_id)  # the product service Lobby posts to
    adult_category: str = field(default_factory=new_id)
    child_category: str = field(default_factory=new_id)
    infant_category: str = field(default_factory=new_id)
    allow_negative: bool = False  # Mews refuses rebates unless the integration is allowed them
    customers: dict[str, dict] = field(default_factory=dict)
    resources: dict[str, dict] = field(default_factory=dict)
    reservations: dict[str, dict] = field(default_factory=dict)
    orders: list[dict] = field(default_factory=list)
    order_items: list[dict] = field(default_factory=list)
    calls: list[tuple[str, dict]] = field(default_factory=list)
    behaviours: list[Behaviour] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""

    # -- what tests set up ------------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            for name in ("customers", "resources", "reservations"):
                getattr(self, name).clear()
            for name in ("orders", "order_items", "calls", "behaviours"):
                getattr(self, name).clear()
            self.allow_negative = False

    def add_customer(self, last_name: str, first_name: str = "", email: str = "", **fields) -> str:
        customer_id = new_id()
        now = stamp(datetime.now(UTC))
        self.customers[customer_id] = {
            "Id": customer_id,
            "ChainId": self.enterprise_id,
            "Number": str(len(self.customers) + 1),
            "FirstName": first_name or None,
            "LastName": last_name,
            "Email": email or None,
            "HasOtaEmail": False,
            "LanguageCode": fields.pop("language", None),
            "PreferredLanguageCode": fields.pop("preferred_language", None),
            "LoyaltyCode": fields.pop("loyalty_code", None),
            "Classifications": fields.pop("classifications", []),
            "Options": [],
            "IsActive": True,
            "CreatedUtc": now,
            "UpdatedUtc": now,
            **fields,
        }
        return customer_id

    def add_room(self, name: str) -> str:
        resource_id = new_id()
        self.resources[resource_id] = {
            "Id": resource_id,
            "EnterpriseId": self.enterprise_id,
            "IsActive": True,
            "ParentResourceId": None,
            "Name": name,
            "State": "Clean",
            "Descriptions": {},
            "CreatedUtc": stamp(datetime.now(UTC)),
            "UpdatedUtc": stamp(datetime.now(UTC)),
            "Data": {"Discriminator": "Space", "Value": {"FloorNumber": name[:1]}},
        }
        return resource_id

    def add_reservation(
        self,
        customer_id: str,
        arrival: date,
        departure: date,
        adults: int = 2,
        children: int = 0,
        infants: int = 0,
        room: str | None = None,
        state: str = "Confirmed",
    ) -> str:
        reservation_id = new_id()
        now = stamp(datetime.now(UTC))
        counts = [{"AgeCategoryId": self.adult_category, "Count": adults}]
        if children:
            counts.append({"AgeCategoryId": self.child_category, "Count": children})
        if infants:
            counts.append({"AgeCategoryId": self.infant_category, "Count": infants})
        start = stamp(datetime.combine(arrival, datetime.min.time(), UTC) + timedelta(hours=13))
        end = stamp(datetime.combine(departure, datetime.min.time(), UTC) + timedelta(hours=10))
        self.reservations[reservation_id] = {
            "Id": reservation_id,
            "ServiceId": self.accommodation_id,
            "AccountId": customer_id,
            "AccountType": "Customer",
            "CreatorProfileId": new_id(),
            "UpdaterProfileId": new_id(),
            "BookerId": None,
            "Number": str(100 + len(self.reservations)),
            "State": state,
            "Origin": "Connector",
            "CreatedUtc": now,
            "UpdatedUtc": now,
            "CancelledUtc": None,
            "Options": {
                "OwnerCheckedIn": False,
                "AllCompanionsCheckedIn": False,
                "AnyCompanionCheckedIn": False,
                "ConnectorCheckIn": False,
            },
            "RateId": new_id(),
            "GroupId": new_id(),
            "RequestedResourceCategoryId": new_id(),
            "AssignedResourceId": self._room_id(room),
            "AssignedResourceLocked": False,
            "ChannelNumber": None,
            "ScheduledStartUtc": start,
            "ActualStartUtc": None,
            "ScheduledEndUtc": end,
            "ActualEndUtc": None,
            "StartUtc": start,
            "EndUtc": end,
            "PersonCounts": counts,
        }
        return reservation_id

    def _room_id(self, room: str | None) -> str | None:
        if room is None:
            return None
        found = next((rid for rid, item in self.resources.items() if item["Name"] == room), None)
        return found or self.add_room(room)

    def update_reservation(self, reservation_id: str, *, room: str | None = None, **fields) -> None:
        """Change a reservation as the hotel would in Mews; its UpdatedUtc moves on."""
        with self.lock:
            item = self.reservations[reservation_id]
            if room is not None:
                item["AssignedResourceId"] = self._room_id(room)
            item.update(fields)
            item["UpdatedUtc"] = stamp(datetime.now(UTC))

    def cancel_reservation(self, reservation_id: str) -> None:
        now = stamp(datetime.now(UTC))
        self.update_reservation(
            reservation_id, State="Canceled", CancelledUtc=now, CancellationReason="RequestedByGuest"
        )

    def fail(self, operation: str, status: int, times: int = 1, retry_after: int | None = None) -> None:
        self.behaviours.append(Behaviour(operation, status=status, times=times, retry_after=retry_after))

    def stall(self, operation: str, seconds: float, carry_out: bool = True, times: int = 1) -> None:
        """Answer ``operation`` only after ``seconds``; ``carry_out``: the work is done before the wait."""
        self.behaviours.append(Behaviour(operation, pause=seconds, carry_out=carry_out, times=times))

    # -- what tests read ------------------------------------------------------------------------

    def bill(self, account_id: str) -> list[dict]:
        """The items posted to this guest's account, in the order they arrived."""
        return [item for item in self.order_items if item["AccountId"] == account_id]

    def calls_to(self, operation: str) -> list[dict]:
        return [body for name, body in self.calls if name == operation]

    def webhook_payload(self, reservation_ids=(), customer_ids=()) -> dict:
        """A General Webhook message as Mews sends it (events/wh-general.md)."""
        events = [{"Discriminator": "ServiceOrderUpdated", "Value": {"Id": rid}} for rid in reservation_ids]
        events += [{"Discriminator": "CustomerUpdated", "Value": {"Id": cid}} for cid in customer_ids]
        events.append({"Discriminator": "ResourceUpdated", "Value": {"Id": new_id()}})  # one Lobby ignores
        return {"EnterpriseId": self.enterprise_id, "IntegrationId": new_id(), "Events": events}

    # -- the API ----------------------------------------------------------------------------------

    def app(self) -> Flask:
        app = Flask("fake_mews")

        @app.post("/api/connector/v1/<path:operation>")
        def connector(operation: str):
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                return jsonify(Message="Invalid JSON"), 400
            with self.lock:
                self.calls.append((operation, body))
                behaviour = self._behaviour(operation)
            try:
                if behaviour is not None and behaviour.status:
                    headers = {"Retry-After": str(behaviour.retry_after)} if behaviour.retry_after else {}
                    raise Problem(behaviour.status, "Simulated failure", headers)
                self._authenticate(body)
                if behaviour is not None and behaviour.pause and not behaviour.carry_out:
                    time.sleep(behaviour.pause)
                handler = HANDLERS.get(operation)
                if handler is None:
                    raise Problem(404, f"Unknown operation {operation}")
                with self.lock:
                    answer = handler(self, body)
                if behaviour is not None and behaviour.pause and behaviour.carry_out:
                    time.sleep(behaviour.pause)  # done, but the answer comes too late
                return jsonify(answer)
            except Problem as problem:
                return jsonify(Message=problem.message, RequestId=new_id()), problem.status, problem.headers

        return app

    def _behaviour(self, operation: str) -> Behaviour | None:
        for behaviour in self.behaviours:
            if behaviour.operation in (operation, "*") and behaviour.times > 0:
                behaviour.times -= 1
                return behaviour
        return None

    @staticmethod
    def _authenticate(body: dict) -> None:
        if body.get("ClientToken") != CLIENT_TOKEN or body.get("AccessToken") != ACCESS_TOKEN:
            raise Problem(401, "Invalid ClientToken or AccessToken.")
        if not body.get("Client"):
            raise Problem(400, "Client is required.")

    # -- operations -------------------------------------------------------------------------------

    def configuration_get(self, body: dict) -> dict:
        return {
            "NowUtc": stamp(datetime.now(UTC)),
            "Enterprise": {
                "Id": self.enterprise_id,
                "Name": "Fake Mews Hotel",
                "TimeZoneIdentifier": "Europe/Vienna",
                "Currencies": [
                    {"Currency": code, "IsDefault": code == "EUR", "IsEnabled": True}
                    for code in ("EUR", "USD", "VND")
                ],
            },
        }

    def reservations_get_all(self, body: dict) -> dict:
        items = list(self.reservations.values())
        for name in ("ReservationIds", "AccountIds", "States", "ServiceIds"):
            if body.get(name) is not None:
                _limit_list(body, name, 1000)
        if body.get("ReservationIds"):
            items = [item for item in items if item["Id"] in body["ReservationIds"]]
        if body.get("AccountIds"):
            items = [item for item in items if item["AccountId"] in body["AccountIds"]]
        if body.get("States"):
            unknown = set(body["States"]) - STATES
            if unknown:
                raise Problem(400, f"Invalid States: {sorted(unknown)}")
            items = [item for item in items if item["State"] in body["States"]]
        for name, key in (
            ("ScheduledStartUtc", "ScheduledStartUtc"),
            ("UpdatedUtc", "UpdatedUtc"),
            ("CreatedUtc", "CreatedUtc"),
        ):
            if body.get(name):
                start, end = _interval(body, name)
                items = [item for item in items if start <= parse(item[key]) <= end]
        return _page(body, items, "Reservations")

    def customers_get_all(self, body: dict) -> dict:
        if not isinstance(body.get("Extent"), dict):
            raise Problem(400, "Extent is required.")
        items = list(self.customers.values())
        if body.get("CustomerIds") is not None:
            _limit_list(body, "CustomerIds", 1000)
            items = [item for item in items if item["Id"] in body["CustomerIds"]]
        elif not any(body.get(name) for name in ("Emails", "CreatedUtc", "UpdatedUtc", "LastNames")):
            raise Problem(400, "At least one filter is required.")
        answer = _page(body, items, "Customers")
        return answer if body["Extent"].get("Customers") else {"Customers": [], "Cursor": None}

    def resources_get_all(self, body: dict) -> dict:
        if not isinstance(body.get("Extent"), dict):
            raise Problem(400, "Extent is required.")
        items = list(self.resources.values())
        if body.get("ResourceIds") is not None:
            _limit_list(body, "ResourceIds", 1000)
            items = [item for item in items if item["Id"] in body["ResourceIds"]]
        return _page(body, items, "Resources")

    def age_categories_get_all(self, body: dict) -> dict:
        categories = [
            self._category(self.adult_category, "Adult", 18, None),
            self._category(self.child_category, "Child", 3, 17),
            self._category(self.infant_category, "Child", 0, 2),
        ]
        if body.get("AgeCategoryIds") is not None:
            categories = [item for item in categories if item["Id"] in body["AgeCategoryIds"]]
        return _page(body, categories, "AgeCategories")

    def _category(self, category_id: str, classification: str, low: int, high: int | None) -> dict:
        return {
            "Id": category_id,
            "ServiceId": self.accommodation_id,
            "MinimalAge": low,
            "MaximalAge": high,
            "Names": {"en-US": classification},
            "Classification": classification,
            "IsActive": True,
            "CreatedUtc": "2024-01-01T00:00:00Z",
            "UpdatedUtc": "2024-01-01T00:00:00Z",
        }

    def orders_add(self, body: dict) -> dict:
        for name in ("ServiceId", "AccountId"):
            if not body.get(name):
                raise Problem(400, f"{name} is required.")
        if body["ServiceId"] != self.service_id:
            raise Problem(400, "Invalid ServiceId.")
        if body["AccountId"] not in self.customers:
            raise Problem(400, "Invalid AccountId.")
        linked = body.get("LinkedReservationId")
        if linked is not None and linked not in self.reservations:
            raise Problem(400, "Invalid LinkedReservationId.")
        items = body.get("Items") or []
        if not items and not body.get("ProductOrders"):
            raise Problem(400, "Order must contain at least one item.")
        order_id = new_id()
        made = []
        for item in items:
            amount = item.get("UnitAmount") or {}
            if (
                not item.get("Name")
                or not isinstance(item.get("UnitCount"), int)
                or not amount.get("Currency")
            ):
                raise Problem(400, "Invalid item.")
            value = amount.get("GrossValue", amount.get("NetValue"))
            if not isinstance(value, int | float):
                raise Problem(400, "Invalid UnitAmount.")
            if value < 0 and not self.allow_negative:
                raise Problem(403, "Negative charges are not allowed for this integration.")
            made.append(
                {
                    "Id": new_id(),
                    "EnterpriseId": self.enterprise_id,
                    "AccountId": body["AccountId"],
                    "AccountType": "Customer",
                    "ServiceId": body["ServiceId"],
                    "ServiceOrderId": order_id,
                    "LinkedReservationId": linked,
                    "Notes": body.get("Notes"),
                    "BillId": body.get("BillId"),
                    "AccountingCategoryId": item.get("AccountingCategoryId"),
                    "Name": item["Name"],
                    "UnitCount": item["UnitCount"],
                    "UnitAmount": {"Currency": amount["Currency"], "GrossValue": value, "TaxValues": []},
                    "ExternalIdentifier": item.get("ExternalIdentifier"),
                    "CreatedUtc": stamp(datetime.now(UTC)),
                    "ConsumedUtc": body.get("ConsumptionUtc") or stamp(datetime.now(UTC)),
                    "AccountingState": "Open",
                    "Type": "CustomItem",
                }
            )
        self.orders.append({"OrderId": order_id, **{k: v for k, v in body.items() if "Token" not in k}})
        self.order_items.extend(made)
        return {"OrderId": order_id}

    def order_items_get_all(self, body: dict) -> dict:
        filters = (
            "OrderItemIds",
            "AccountIds",
            "ServiceOrderIds",
            "ServiceIds",
            "BillIds",
            "CreatedUtc",
            "UpdatedUtc",
        )
        if not any(body.get(name) for name in filters):
            raise Problem(400, "At least one filter is required.")
        items = list(self.order_items)
        for name, key in (
            ("AccountIds", "AccountId"),
            ("ServiceIds", "ServiceId"),
            ("ServiceOrderIds", "ServiceOrderId"),
            ("OrderItemIds", "Id"),
        ):
            if body.get(name):
                items = [item for item in items if item[key] in body[name]]
        if body.get("CreatedUtc"):
            start, end = _interval(body, "CreatedUtc")
            items = [item for item in items if start <= parse(item["CreatedUtc"]) <= end]
        return _page(body, items, "OrderItems")


HANDLERS = {
    "configuration/get": FakeMews.configuration_get,
    "reservations/getAll/2023-06-06": FakeMews.reservations_get_all,
    "customers/getAll": FakeMews.customers_get_all,
    "resources/getAll": FakeMews.resources_get_all,
    "ageCategories/getAll": FakeMews.age_categories_get_all,
    "orders/add": FakeMews.orders_add,
    "orderItems/getAll": FakeMews.order_items_get_all,
}


def _limit_list(body: dict, name: str, most: int) -> None:
    if not isinstance(body[name], list) or len(body[name]) > most:
        raise Problem(400, f"{name} must be a list of at most {most} items.")


def _interval(body: dict, name: str) -> tuple[datetime, datetime]:
    value = body[name]
    try:
        start, end = parse(value["StartUtc"]), parse(value["EndUtc"])
    except (KeyError, TypeError, ValueError) as error:
        raise Problem(400, f"Invalid {name}.") from error
    if end < start or end - start > MAX_INTERVAL:
        raise Problem(400, f"{name} must be an interval of at most 3 months.")
    return start, end


def _page(body: dict, items: list[dict], key: str) -> dict:
    """Pagination (guidelines/pagination.md): Count 1–1000, items after the Cursor's item."""
    limitation = body.get("Limitation")
    if not isinstance(limitation, dict) or not isinstance(limitation.get("Count"), int):
        raise Problem(400, "Limitation is required.")
    count = limitation["Count"]
    if not 1 <= count <= 1000:
        raise Problem(400, "Limitation.Count must be from 1 to 1000.")
    items = sorted(items, key=lambda item: (item.get("CreatedUtc", ""), item["Id"]))
    cursor = limitation.get("Cursor")
    if cursor:
        ids = [item["Id"] for item in items]
        items = items[ids.index(cursor) + 1 :] if cursor in ids else []
    page = items[:count]
    return {key: page, "Cursor": page[-1]["Id"] if page else None}


class Server:
    """The fake on a werkzeug server in a thread; ``url`` is its PlatformAddress."""

    def __init__(self) -> None:
        self.mews = FakeMews()
        port = free_port()
        self.server = make_server("127.0.0.1", port, self.mews.app(), threaded=True)
        self.url = f"http://127.0.0.1:{port}"
        self.mews.base_url = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Server:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
