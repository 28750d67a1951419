"""What every endpoint of the public API gets from the kit: keys, scopes, limits, problems, the call log."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ApiCall, ApiToken
from tests.api.v1.conftest import bearer, make_key

PROBLEM = "application/problem+json"


def test_no_key_is_a_problem_with_a_bearer_challenge(client, world):
    answer = client.get("/api/v1/hotel")
    assert answer.status_code == 401
    assert answer.mimetype == PROBLEM
    assert answer.json["type"] == "/api/v1/problems/unauthorized"
    assert answer.json["status"] == 401
    assert answer.json["instance"] == "/api/v1/hotel"
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="lobby"'
    wrong = client.get("/api/v1/hotel", headers=bearer("lobby_not-a-key"))
    assert wrong.status_code == 401
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]


def test_a_key_reads_its_own_hotel_and_the_call_is_logged(app, client, world, key):
    answer = client.get("/api/v1/hotel", headers=key)
    assert answer.status_code == 200
    assert answer.json["slug"] == "test-lodge"
    assert answer.json["currency"] == "EUR"
    with app.app_context():
        call = db.session.scalar(select(ApiCall))
        assert (call.method, call.path, call.status) == ("GET", "/api/v1/hotel", 200)
        assert db.session.get(ApiToken, call.token_id).last_used_at is not None


def test_a_key_without_the_scope_is_refused(app, client, world):
    reader = bearer(make_key(app, scopes=["stays:read"]))
    answer = client.get("/api/v1/hotel", headers=reader)
    assert answer.status_code == 403
    assert answer.json["type"] == "/api/v1/problems/insufficient-scope"
    assert "catalog:read" in answer.json["detail"]


def test_a_revoked_key_stops_at_once(app, client, world, key):
    assert client.get("/api/v1/hotel", headers=key).status_code == 200
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        row.revoked_at = row.created_at
        db.session.commit()
    assert client.get("/api/v1/hotel", headers=key).status_code == 401


def test_addresses_and_methods_nobody_declared_are_problems_too(client, world, key):
    missing = client.get("/api/v1/no-such-thing", headers=key)
    assert (missing.status_code, missing.mimetype) == (404, PROBLEM)
    assert missing.json["type"] == "/api/v1/problems/not-found"
    wrong_method = client.delete("/api/v1/hotel", headers=key)
    assert (wrong_method.status_code, wrong_method.mimetype) == (405, PROBLEM)
    assert "GET" in wrong_method.headers["Allow"]


def test_the_rate_limit_is_per_key_and_told_in_headers(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")  # the app is the session's: put back
    first, second = bearer(make_key(app)), bearer(make_key(app, name="Other"))
    answers = [client.get("/api/v1/hotel", headers=first) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert answers[0].headers["RateLimit-Policy"] == '"per-key";q=3;w=60'
    refused = answers[-1]
    assert refused.json["type"] == "/api/v1/problems/rate-limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # Another key of the same hotel has its own count.
    assert client.get("/api/v1/hotel", headers=second).status_code == 200


def test_the_document_is_openapi_3_1_made_from_the_declarations(client, world):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    operation = document["paths"]["/api/v1/hotel"]["get"]
    assert operation["security"] == [{"apiKey": ["catalog:read"]}]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HotelOut"
    }
    schemas = document["components"]["schemas"]
    assert set(schemas["HotelOut"]["properties"]) >= {"slug", "currency", "timezone"}
    problem = operation["responses"]["401"]["content"][PROBLEM]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}


def test_a_problem_type_leads_to_its_explanation(client, world):
    answer = client.get("/api/v1/problems/rate-limited")
    assert answer.status_code == 302
    assert answer.location.endswith("#problem-rate-limited")
    assert client.get("/api/v1/problems/made-up").status_code == 404
