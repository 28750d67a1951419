"""The public API fuzzed from its own OpenAPI document: whatever the document allows, the API answers
as the document says (no 500, no answer outside its schema, status, media type or headers).

schemathesis reads /api/v1/openapi.json from the app itself (in-process, through WSGI) and fuzzes
each operation; the operations are those declared with ``api.route``, so an endpoint is fuzzed the
day it is merged, with no list to keep here. The key holds every scope and its hotel has one of
every object; path and query ids are either drawn freely (mostly "not found") or set to the ids of
those objects, so the paths past "not found" are fuzzed too.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.v1 import api
from app.extensions import db
from app.models import Hotel
from tests.api.v1.conftest import bearer, make_key
from tests.api.v1.every_object import add_every_object

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]
# Per operation: with ~40 operations a database's run stays near a minute on two cores.
MAX_EXAMPLES = 30
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,  # the same cases on every run: a failure here is a failure everywhere
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
OPERATIONS = [(endpoint.method, api.blueprint.url_prefix + endpoint.rule) for endpoint in api.endpoints]


def openapi_path(rule: str) -> str:
    """``/api/v1/stays/<int:stay_id>`` as the document writes it: ``/api/v1/stays/{stay_id}``."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


@pytest.fixture
def fuzzed(app, world, monkeypatch):
    """The schema read from the app, a key with every scope, and the ids of a hotel with data."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1000000 per minute")  # the limit has its own test
    with app.app_context():
        ids = add_every_object(db.session.get(Hotel, world.hotel_id))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return schema, bearer(make_key(app, name="Fuzzer")), ids


def with_real_ids(values: dict | None, ids: dict) -> dict | None:
    if not values:
        return values
    return {name: ids.get(name, value) for name, value in values.items()}


def test_every_declared_endpoint_is_in_the_document_and_the_document_is_openapi_3_1(app, client):
    document = client.get("/api/v1/openapi.json").json
    schema = schemathesis.openapi.from_dict(document)
    schema.validate()  # against the OpenAPI 3.1 meta-schema; raises on the first fault
    declared = {(method.lower(), openapi_path(rule)) for method, rule in OPERATIONS}
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert declared == documented


@pytest.mark.parametrize(("method", "rule"), OPERATIONS, ids=[f"{m} {r}" for m, r in OPERATIONS])
def test_the_api_answers_as_its_document_says(fuzzed, method, rule):
    schema, key, ids = fuzzed
    operation = schema[openapi_path(rule)][method]

    @FUZZ
    @given(case=operation.as_strategy(), real=st.booleans())
    def answers_as_documented(case, real):
        if real:
            case.path_parameters = with_real_ids(case.path_parameters, ids)
            case.query = with_real_ids(case.query, ids)
        case.call_and_validate(headers=key, checks=CHECKS)

    answers_as_documented()
