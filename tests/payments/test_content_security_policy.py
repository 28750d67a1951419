"""Each payment provider names the origins its pay page needs; allowed only where card payment is on."""

from __future__ import annotations

from app.payments import CspOrigins, room_charge
from app.payments.stripe_card import StripeCard
from tests.payments.test_card_payments import add_riding, start_card_checkout


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def test_stripe_names_its_script_frames_and_api():
    card = StripeCard("sk_test_x", "pk_test_x", "whsec_x")

    assert card.csp_origins() == CspOrigins(
        script=("https://js.stripe.com",),
        frame=("https://js.stripe.com", "https://hooks.stripe.com"),
        connect=("https://api.stripe.com",),
    )


def test_the_room_bill_needs_no_outside_origin():
    assert room_charge().csp_origins() == CspOrigins()


def test_the_pay_page_allows_the_stripe_hosts_when_card_payments_are_configured(
    guest, world, stripe_on, localstripe
):
    reference, _slot = start_card_checkout(guest, world)

    found = directives(guest.client.get(f"/orders/{reference}/pay"))

    assert localstripe in found["script-src"]
    assert found["frame-src"] == [localstripe, "https://hooks.stripe.com"]
    assert localstripe in found["connect-src"]


def test_no_stripe_host_is_allowed_when_card_payments_are_off(guest, world):
    guest.sign_in()
    add_riding(guest, world)

    for path in ("/home", "/cart"):
        response = guest.client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "stripe" not in policy, path
        assert directives(response)["frame-src"] == ["'none'"]
