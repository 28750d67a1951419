"""Webhooks from the hotel's PMS (Mews's General Webhooks): a change is read from the PMS at once.

Mews authenticates its webhooks with a secret the hotel gives it to put in the URL (Mews
Connector API docs, events/wh-faq.md "How can I authenticate Mews?"), so the URL carries
``?secret=…``; it is compared in constant time with the connection's ``webhook_secret``.
Mews waits five seconds for the answer and sends again on an error, so the answer is 202
whatever the PMS does while we read from it: the scheduled pull catches what this missed.
"""

from __future__ import annotations

from flask import current_app, jsonify, request

from app.api import bp
from app.extensions import csrf
from app.services import pms_sync

# Events naming a reservation, and events naming a guest whose stays are read again.
RESERVATION_EVENTS = {"ServiceOrderUpdated"}
CUSTOMER_EVENTS = {"CustomerAdded", "CustomerUpdated"}
MAX_EVENTS = 1000


@bp.post("/api/pms/mews/<slug>/webhook")
@csrf.exempt  # Mews cannot send our CSRF token; the secret in the URL is the proof instead
def mews_webhook(slug: str):
    hotel, connection = pms_sync.webhook_target(slug, "mews")
    # One answer for a wrong hotel and a wrong secret: the URL tells a stranger nothing.
    if not pms_sync.webhook_secret_matches(connection, request.args.get("secret", "")):
        return jsonify(error="unknown webhook"), 403
    payload = request.get_json(silent=True)
    events = payload.get("Events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        return jsonify(error="expected a Mews General Webhook message"), 400
    reservation_ids: list[str] = []
    customer_ids: list[str] = []
    for event in events[:MAX_EVENTS]:
        if not isinstance(event, dict) or not isinstance(event.get("Value"), dict):
            continue
        entity = event["Value"].get("Id")
        if not isinstance(entity, str) or not entity or len(entity) > 100:
            continue
        if event.get("Discriminator") in RESERVATION_EVENTS:
            reservation_ids.append(entity)
        elif event.get("Discriminator") in CUSTOMER_EVENTS:
            customer_ids.append(entity)
    run = pms_sync.on_webhook(hotel, reservation_ids, customer_ids)
    if run is not None and not run.ok:
        current_app.logger.warning("Mews webhook for %s: %s", slug, run.error)
    return jsonify(received=len(events), pulled=run.counts if run is not None else {}), 202
