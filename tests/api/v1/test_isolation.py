"""A key of one hotel never reads or writes another hotel's data, on every endpoint of the public API.

The endpoints are those declared with ``api.route`` (``api.endpoints``), so one merged tomorrow is
checked without a line here: hotel A's key asks for hotel B's objects by their ids (B has one of
every object the API speaks of) and gets "not found", reads lists that hold only A's rows, and
filters by B's ids to find nothing. B's rows are compared before and after each call: nothing of
B's changes. Bodies, where an endpoint takes one, are drawn from the document by schemathesis,
so the call reaches the view instead of stopping at validation.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from app.api.v1 import api
from app.extensions import db
from app.models import ApiToken, Hotel
from tests.api.v1.conftest import bearer, make_key
from tests.api.v1.every_object import add_every_object
from tests.factories import make_hotel

ENDPOINTS = api.endpoints
WITH_IDS = [endpoint for endpoint in ENDPOINTS if endpoint.path_params]
READS = [endpoint for endpoint in ENDPOINTS if not endpoint.path_params and endpoint.method == "GET"]
# Strings only hotel B's rows hold: its slug (in its references), its guest's surname, its service,
# its package, its currency (so an amount of B's shows too).
B_SLUG = "brennan-lodge"
B_MARKS = (B_SLUG, "Brennan", "bike_113", "Active 113", "layla.113@", '"CHF"')
DRAWN = settings(
    max_examples=6, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def label(endpoints: list) -> list[str]:
    return [f"{endpoint.method} {endpoint.rule}" for endpoint in endpoints]


def openapi_path(rule: str) -> str:
    return api.blueprint.url_prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def rows_of(hotel_id: int) -> str:
    """Every row of every hotel-owned table that belongs to ``hotel_id``, as one comparable text."""
    snapshot = {}
    with db.engine.connect() as connection:
        for table in sorted(db.metadata.tables.values(), key=lambda table: table.name):
            if "hotel_id" in table.c:
                rows = connection.execute(select(table).where(table.c.hotel_id == hotel_id)).all()
                snapshot[table.name] = sorted(repr(tuple(row)) for row in rows)
    return json.dumps(snapshot)


@pytest.fixture
def two_hotels(app, world, monkeypatch) -> dict[str, Any]:
    """Hotel A (the factory hotel) and hotel B, each with one of every object; A's key and B's ids."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1000000 per minute")
    with app.app_context():
        a_ids = add_every_object(db.session.get(Hotel, world.hotel_id), room="112", surname="Haddad")
        other = make_hotel(B_SLUG, name={"en": "Brennan Lodge"}, currency="CHF")
        b_id = other.id
        b_ids = add_every_object(other, room="113", surname="Brennan")
    no_scope = make_key(app, name="Hotel A, no scope", scopes=["stays:read"])
    with app.app_context():  # a manager cannot make a key that may do nothing; the database can hold one
        db.session.scalar(select(ApiToken).where(ApiToken.name == "Hotel A, no scope")).scopes = []
        db.session.commit()
    return {
        "key": bearer(make_key(app, name="Hotel A")),
        "no_scope": bearer(no_scope),
        "a": a_ids,
        "b": b_ids,
        "b_hotel_id": b_id,
    }


def assert_nothing_of_b(answer) -> None:
    text = answer.get_data(as_text=True)
    leaked = [mark for mark in B_MARKS if mark in text]
    assert not leaked, f"{answer.request.method} {answer.request.path} shows B's data: {leaked}"


def test_the_id_map_knows_every_path_parameter(two_hotels):
    """A new endpoint with a path parameter this test cannot fill would escape it: it fails here."""
    unknown = {
        f"{endpoint.method} {endpoint.rule}": name
        for endpoint in ENDPOINTS
        for name in endpoint.path_params
        if name not in two_hotels["b"]
    }
    assert not unknown, f"add these path parameters to tests/api/v1/every_object.py: {unknown}"


@pytest.mark.parametrize("endpoint", WITH_IDS or [None], ids=label(WITH_IDS) or ["none yet"])
def test_another_hotels_ids_are_not_found(app, client, two_hotels, endpoint):
    if endpoint is None:
        pytest.skip("no endpoint takes an id yet")
    b_ids = {name: two_hotels["b"][name] for name in endpoint.path_params}
    path = api.blueprint.url_prefix + re.sub(
        r"<(?:\w+:)?(\w+)>", lambda match: str(b_ids[match.group(1)]), endpoint.rule
    )
    with app.app_context():
        before = rows_of(two_hotels["b_hotel_id"])

    # Without the scope the key is refused before anything is looked up: no oracle of what exists.
    refused = client.open(path, method=endpoint.method, headers=two_hotels["no_scope"], json={})
    assert refused.status_code == 403
    assert_nothing_of_b(refused)

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[openapi_path(endpoint.rule)][endpoint.method.lower()]
    statuses = []
    # PUT by the PMS's own id is an upsert: B's id with A's key makes A's own stay, never touches B's.
    upsert = endpoint.method == "PUT"

    @DRAWN
    @given(case=operation.as_strategy(path_parameters=b_ids))
    def asks_for_b(case):
        answer = case.call(headers=two_hotels["key"])
        statuses.append(answer.status_code)
        allowed = (404, 422, 200, 201) if upsert else (404, 422)
        assert answer.status_code in allowed, f"{case.method} {case.formatted_path}: {answer.status_code}"
        if answer.status_code == 422:
            # Refused by a rule would mean the rule met B's object; an upsert's rule meets A's new one.
            kinds = ("validation-error", "refused") if upsert else ("validation-error",)
            assert answer.json()["type"].rsplit("/", 1)[-1] in kinds, answer.text
        for mark in B_MARKS:
            assert mark not in answer.text

    asks_for_b()
    assert 404 in statuses or upsert  # at least one valid request reached the lookup, and found nothing
    with app.app_context():
        assert rows_of(two_hotels["b_hotel_id"]) == before, "a key of A changed B's rows"


@pytest.mark.parametrize("endpoint", READS, ids=label(READS))
def test_reads_without_ids_show_only_the_keys_hotel(app, client, two_hotels, endpoint):
    path = api.blueprint.url_prefix + endpoint.rule
    query = {"limit": 100} if endpoint.query is not None and "limit" in endpoint.query.model_fields else {}
    answer = client.get(path, headers=two_hotels["key"], query_string=query)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert_nothing_of_b(answer)
    if "data" in answer.json:
        listed = [row.get("id") for row in answer.json["data"]]
        kind = listed_kind(endpoint.rule, two_hotels["a"])
        if kind is not None:
            assert two_hotels["a"][kind] in listed, f"{path}: A's own row should be listed"
            assert two_hotels["b"][kind] not in listed, f"{path} lists B's row"


def listed_kind(rule: str, ids: dict) -> str | None:
    """The path parameter naming a list's items: /stays -> stay_id, /folio-lines -> folio_line_id."""
    last = rule.rstrip("/").rsplit("/", 1)[-1].replace("-", "_")
    for name in (last, last.rsplit("_", 1)[-1]):
        for candidate in (f"{name}_id", f"{name.removesuffix('s')}_id"):
            if candidate in ids:
                return candidate
    return None


FILTERED = [
    (endpoint, name)
    for endpoint in READS
    if endpoint.query is not None
    for name in endpoint.query.model_fields
    if name.endswith("_id")
]


@pytest.mark.parametrize(
    ("endpoint", "name"),
    FILTERED or [(None, None)],
    ids=[f"{endpoint.rule}?{name}" for endpoint, name in FILTERED] or ["none yet"],
)
def test_filtering_by_another_hotels_id_finds_nothing(client, two_hotels, endpoint, name):
    if endpoint is None:
        pytest.skip("no list filters by an id yet")
    assert name in two_hotels["b"], f"add {name} to tests/api/v1/every_object.py"
    path = api.blueprint.url_prefix + endpoint.rule
    answer = client.get(path, headers=two_hotels["key"], query_string={name: two_hotels["b"][name]})
    assert_nothing_of_b(answer)
    assert answer.status_code in (200, 404, 422)
    if answer.status_code == 200:
        assert answer.json["data"] == []
    # And A's own id finds A's rows: the filter is real, not a wall.
    own = client.get(path, headers=two_hotels["key"], query_string={name: two_hotels["a"][name]})
    assert own.status_code == 200
    assert own.json["data"]
