"""The OpenAPI document says what the API really sends: answers validate against their own schemas."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Annotated

import jsonschema_rs
import pytest
from flask import Blueprint
from pydantic import AfterValidator, AwareDatetime, BaseModel

from app import create_app
from app.api.v1 import openapi
from app.api.v1.kit import PublicApi, answer_errors
from app.extensions import db
from config import TestConfig
from tests.api.v1.conftest import bearer, make_key


class OpeningOut(BaseModel):
    opens: time
    closes: time | None
    changed_at: datetime


class OpeningQuery(BaseModel):
    at: time | None = None


def little_api() -> PublicApi:
    api = PublicApi(Blueprint("little", __name__, url_prefix="/x"), title="t", version="1", description="d")

    @api.route("/opening", scope="catalog:read", summary="s", tags=["t"], responses={200: OpeningOut})
    def opening(): ...

    @api.route(
        "/openings", scope="catalog:read", summary="s", tags=["t"], responses={200: None}, query=OpeningQuery
    )
    def openings(): ...

    return api


@pytest.fixture
def serve(database_url):
    """``serve(blueprint)``: a test client of an app of its own with ``blueprint``, on the test database."""
    apps = []

    def serving(blueprint: Blueprint):
        other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
        other.register_blueprint(blueprint)
        apps.append(other)
        return other.test_client()

    yield serving
    for other in apps:  # its own engine: closed here, not left to the garbage collector
        with other.app_context():
            db.engine.dispose()


def validator(document: dict, name: str):
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def test_a_time_of_day_in_an_answer_validates_against_the_document():
    """A wall-clock time (no offset) was documented as JSON Schema's "time", which needs one: the
    fuzzer found every service answer broke its own document. Both kinds validate now."""
    document = openapi.build(little_api())
    check = validator(document, "OpeningOut")
    for opens in (
        time(9, 0),
        time(9, 30, 15, 500),
        time(9, 0, tzinfo=UTC),
        time(9, tzinfo=timezone(timedelta(hours=4))),
    ):
        answer = OpeningOut(opens=opens, closes=None, changed_at=datetime(2026, 12, 4, 9, tzinfo=UTC))
        assert check.is_valid(answer.model_dump(mode="json")), answer.model_dump(mode="json")
    assert not check.is_valid({"opens": "9 o'clock", "closes": None, "changed_at": "2026-12-04T09:00:00Z"})
    # A query of times reads the same pattern, and what it allows pydantic accepts.
    (parameter,) = document["paths"]["/x/openings"]["get"]["parameters"]
    assert "pattern" in str(parameter["schema"])
    for sent in ("09:00", "09:00:00", "09:00:00.5", "09:00:00Z", "09:00+01:00"):
        assert OpeningQuery.model_validate({"at": sent}).at is not None


def test_an_id_past_the_database_is_not_found_whatever_the_method(app, serve, world):
    """Past 2**31-1 the router answered 405 to every method but GET (schemathesis's coverage phase
    sent the document's maximum plus one): now every method gets the documented 404, after the scope."""
    blueprint = Blueprint("ids", __name__, url_prefix="/ids")
    answer_errors(blueprint)
    ids = PublicApi(blueprint, title="t", version="1", description="d")

    @ids.route("/things/<int:thing_id>", scope="stays:read", summary="s", tags=["t"], responses={204: None})
    def read_thing(thing_id: int) -> None:
        return None

    @ids.route(
        "/things/<int:thing_id>", "PATCH", scope="stays:write", summary="s", tags=["t"], responses={204: None}
    )
    def change_thing(thing_id: int) -> None:
        return None

    client = serve(blueprint)
    key, reader = bearer(make_key(app)), bearer(make_key(app, scopes=["stays:read"], name="Reader"))
    assert client.patch("/ids/things/2147483647", headers=key).status_code == 204
    for huge in ("2147483648", "99999999999999999999999"):
        for method in ("GET", "PATCH"):
            answer = client.open(f"/ids/things/{huge}", method=method, headers=key)
            assert (answer.status_code, answer.json["type"]) == (404, "/api/v1/problems/not-found"), method
    assert client.patch("/ids/things/2147483648", headers=reader).status_code == 403


class SinceQuery(BaseModel):
    since: datetime | None = None
    day: date | None = None
    until: Annotated[AwareDatetime, AfterValidator(lambda moment: moment)] | None = None
    limit: int = 10
    days: list[date] = []


def test_dates_are_iso_text_as_documented_not_seconds_since_1970(app, serve, world):
    """pydantic reads "0.5" as a time in 1970; the document says an ISO string, so the kit refuses it
    (schemathesis's negative data found every date filter taking a number)."""
    blueprint = Blueprint("since", __name__, url_prefix="/since")
    answer_errors(blueprint)
    since = PublicApi(blueprint, title="t", version="1", description="d")

    @since.route(
        "/things", scope="stays:read", summary="s", tags=["t"], responses={204: None}, query=SinceQuery
    )
    def things(query: SinceQuery) -> None:
        return None

    client, key = serve(blueprint), bearer(make_key(app))
    good = {
        "since": "2026-12-04T09:00:00Z",
        "day": "2026-12-04",
        "until": "2026-12-05T09:00:00+01:00",
        "limit": "5",
    }
    assert client.get("/since/things", query_string=good, headers=key).status_code == 204
    for bad in ({"since": "0.5"}, {"day": "0"}, {"since": "1733302800"}, {"until": "0.5"}):
        answer = client.get("/since/things", query_string=bad, headers=key)
        assert answer.status_code == 422, bad
        ((name,),) = [bad.keys()]
        assert [error["field"] for error in answer.json["errors"]] == [f"query.{name}"]
    both = client.get("/since/things", query_string={"day": "0", "limit": "x"}, headers=key)
    assert {error["field"] for error in both.json["errors"]} == {"query.day", "query.limit"}
    # A field pydantic refuses too is told once.
    twice = client.get("/since/things", query_string={"day": "not a day"}, headers=key)
    assert [error["field"] for error in twice.json["errors"]] == ["query.day"]
