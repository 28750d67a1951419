"""Stripe's webhook: verified against the raw body, recorded by event id, applied once."""

from __future__ import annotations

from flask import current_app, jsonify, request

from app.api import bp
from app.extensions import csrf
from app.services import payments


@bp.post("/api/stripe/webhook")
@csrf.exempt  # Stripe cannot send our CSRF token; the signature is the proof instead
def stripe_webhook():
    try:
        # The signature covers the exact bytes Stripe sent: never re-serialize first.
        event = payments.card_webhook_event(
            request.get_data(cache=False), request.headers.get("Stripe-Signature", "")
        )
    except payments.MalformedEvent as error:
        current_app.logger.warning("Refused a signed webhook: %s", error)
        return jsonify(error="malformed event"), 400
    except payments.InvalidEvent as error:
        current_app.logger.warning("Refused a webhook: %s", error)
        return jsonify(error="invalid signature"), 400
    if event is None:
        return jsonify(error="card payments are not configured"), 404
    try:
        outcome = payments.handle_event(event)
    except payments.ProviderUnavailable:
        # Unprocessed events stay unprocessed; Stripe delivers again later.
        return jsonify(error="provider unavailable, retry later"), 503
    return jsonify(received=event.id, outcome=outcome)
