"""The JSON answer to a pay page's card attempt, for the guest's phone and the desk alike."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import LazyString

from app.models import Order
from app.services import payments
from app.services.errors import LobbyError


def card_attempt(order: Order, next_url: str, missing_card: str | LazyString, declined: str | LazyString):
    """Charge the token Stripe.js made; tell the page to run 3-D Secure, go on, or show why not."""
    token = (request.get_json(silent=True) or {}).get("token")
    if not isinstance(token, str) or not 0 < len(token) <= 255:
        return jsonify(error=str(missing_card)), 400
    try:
        state = payments.pay_by_card(order, token)
    except LobbyError as error:
        return jsonify(error=str(error.message)), error.status
    if state.status == "pending":
        return jsonify(status="requires_action", client_secret=state.client_secret, next=next_url)
    if state.status == "failed":
        return jsonify(error=str(declined)), 402
    return jsonify(status=state.status, next=next_url)
