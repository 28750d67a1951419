"""localstripe on a free port for the payment tests, the app pointed at it, and signed webhooks.

No test needs the internet: Stripe's API and Stripe.js both come from localstripe.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import stripe

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "sk_test_lobby"
PUBLISHABLE_KEY = "pk_test_lobby"
WEBHOOK_SECRET = "whsec_lobby_test"

CARDS = {
    "visa": "4242424242424242",
    "declined": "4000000000000341",  # localstripe declines it when charged
    "3ds": "4000002500003155",  # needs 3-D Secure
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """A fresh localstripe for this test session, its state in a temporary folder."""
    port = _free_port()
    state = tmp_path_factory.mktemp("localstripe")
    log = state / "localstripe.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.payments.localstripe_server", str(port), str(state)],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{base}/js.stripe.com/v3/", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"localstripe did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def stripe_on(app, localstripe, monkeypatch):
    """The app with card payments switched on against localstripe."""
    for key, value in {
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": localstripe,
        "STRIPE_JS_URL": f"{localstripe}/js.stripe.com/v3/",
        "STRIPE_TIMEOUT": 5,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe}, max_network_retries=0)


def card_token(client: stripe.StripeClient, card: str = "visa") -> str:
    """What Stripe.js makes on the phone from the card the guest typed."""
    number = CARDS[card]
    token = client.v1.tokens.create(
        params={"card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    return token.id


def signed(event: dict, secret: str = WEBHOOK_SECRET, at: int | None = None) -> tuple[bytes, str]:
    """The body and Stripe-Signature header Stripe would send (HMAC-SHA256 over "t.body")."""
    payload = json.dumps(event)
    timestamp = int(time.time()) if at is None else at
    return payload.encode(), stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)


def stripe_event(kind: str, object_id: str, obj: str = "payment_intent", **fields) -> dict:
    return {
        "id": f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "data": {"object": {"id": object_id, "object": obj, **fields}},
    }


class Webhooks:
    def __init__(self, client):
        self.client = client

    def send(self, event: dict, **signing):
        body, header = signed(event, **signing)
        return self.client.post(
            "/api/stripe/webhook",
            data=body,
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        )


@pytest.fixture
def webhooks(client) -> Webhooks:
    return Webhooks(client)


def pay_page_reference(response) -> str:
    match = re.search(r"/orders/([A-Z0-9]+)/pay", response.location)
    assert match, response.location
    return match.group(1)
