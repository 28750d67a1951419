"""`flask lobby pms-connect` and `flask lobby pms-sync`, as an operator types them."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import PmsConnection
from tests import fake_mews


def connect_args(mews, *extra: str) -> list[str]:
    return [
        "lobby",
        "pms-connect",
        *("--hotel", "test-lodge"),
        *("--base-url", mews.base_url + "/"),
        *("--client-token", fake_mews.CLIENT_TOKEN),
        *("--access-token", fake_mews.ACCESS_TOKEN),
        *("--service-id", mews.service_id),
        *extra,
    ]


def test_connect_checks_the_tokens_and_keeps_the_settings(app, world, mews):
    runner = app.test_cli_runner()
    result = runner.invoke(args=connect_args(mews, "--webhook-secret", "s3cret", "--days-ahead", "10"))
    assert result.exit_code == 0, result.output
    assert "The PMS answers for: Fake Mews Hotel" in result.output
    assert "/api/pms/mews/test-lodge/webhook?secret=" in result.output
    with app.app_context():
        connection = db.session.scalar(select(PmsConnection))
        assert connection.provider == "mews" and connection.enabled and connection.base_url == mews.base_url
        assert connection.credentials["client_token"] == fake_mews.CLIENT_TOKEN
        assert connection.settings == {
            "service_id": mews.service_id,
            "days_ahead": 10,
            "webhook_secret": "s3cret",
        }

    # Connecting again with other tokens keeps the webhook secret; wrong tokens are said plainly.
    result = runner.invoke(
        args=[*connect_args(mews)[:-6], "--client-token", "x", "--access-token", "y", "--service-id", "z"]
    )
    assert result.exit_code == 1 and "credentials" in result.output
    with app.app_context():
        assert db.session.scalar(select(PmsConnection)).settings["webhook_secret"] == "s3cret"


def test_sync_reports_each_hotel_and_fails_when_the_pms_does(app, world, mews):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["lobby", "pms-sync"]).output == ""  # nobody is connected
    assert (
        "no enabled PMS connection"
        in runner.invoke(args=["lobby", "pms-sync", "--hotel", "test-lodge"]).output
    )
    assert runner.invoke(args=connect_args(mews)).exit_code == 0
    result = runner.invoke(args=["lobby", "pms-sync"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["test-lodge pull: nothing", "test-lodge post: nothing"]
    mews.fail("*", 500, times=5)
    result = runner.invoke(args=["lobby", "pms-sync", "--hotel", "test-lodge"])
    assert result.exit_code == 1 and "500" in result.output
