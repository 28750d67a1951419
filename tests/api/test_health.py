"""The health check tells a load balancer whether the database answers."""

from __future__ import annotations

from app import create_app
from config import TestConfig


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "rate_limits": "ok"}


def test_database_down_answers_503(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'lobby.sqlite3'}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=unreachable)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error"
