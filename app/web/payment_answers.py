"""The JSON answer to a pay page's card attempt, for the guest's phone and the desk alike."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import LazyString

from app.models import Order
from app.services import payments
from app.services.payments import IntentStatus
from app.web.operations import attempt


def card_attempt(order: Order, next_url: str, missing_card: str | LazyString, declined: str | LazyString):
    """Charge the token Stripe.js made; tell the page to run 3-D Secure, go on, or show why not."""
    token = (request.get_json(silent=True) or {}).get("token")
    if not isinstance(token, str) or not 0 < len(token) <= 255:
        return jsonify(error=str(missing_card)), 400
    with attempt(quietly=True) as refused:
        state = payments.pay_by_card(order, token)
    if refused:
        return jsonify(error=refused.message), refused.status
    if state.status is IntentStatus.PENDING:
        return jsonify(status="requires_action", client_secret=state.client_secret, next=next_url)
    if state.status is IntentStatus.FAILED:
        return jsonify(error=str(declined)), 402
    return jsonify(status=state.status.value, next=next_url)
