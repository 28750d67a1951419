"""Stripe's webhook: verified against the raw body, recorded by event id, applied once."""

from __future__ import annotations

from flask import current_app, jsonify, request

from app.api import bp
from app.extensions import csrf
from app.payments import InvalidEvent, MalformedEvent, ProviderUnavailable, card_provider
from app.services import payments


@bp.post("/api/stripe/webhook")
@csrf.exempt  # Stripe cannot send our CSRF token; the signature is the proof instead
def stripe_webhook():
    provider = card_provider()
    if provider is None:
        return jsonify(error="card payments are not configured"), 404
    try:
        # The signature covers the exact bytes Stripe sent: never re-serialize first.
        event = provider.parse_event(
            request.get_data(cache=False), request.headers.get("Stripe-Signature", "")
        )
    except MalformedEvent as error:
        current_app.logger.warning("Refused a signed webhook: %s", error)
        return jsonify(error="malformed event"), 400
    except InvalidEvent as error:
        current_app.logger.warning("Refused a webhook: %s", error)
        return jsonify(error="invalid signature"), 400
    try:
        outcome = payments.handle_event(event)
    except ProviderUnavailable:
        # Unprocessed events stay unprocessed; Stripe delivers again later.
        return jsonify(error="provider unavailable, retry later"), 503
    return jsonify(received=event.id, outcome=outcome)
