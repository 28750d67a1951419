"""Signals for reactions across domains, so the domain that acts never imports the one that reacts.

Ordering, cancellations, approvals and capacity free seats; the waiting lists react. The
application factory connects the receivers (``app/__init__.py``), so a reaction never
depends on which module happened to be imported first. Signals are sent inside the
sender's write transaction, and receivers work in it: their writes commit or roll back
with the change that caused them.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

seats_freed = _signals.signal("seats-freed")
"""Seats came free inside a write transaction (a cancellation, a hold that ended, a decline,
a reopened time). Sent with ``now`` and either ``slot_ids``, the times with seats again
(``None`` entries, from lines without a time, are ignored), or ``pool_id``, a pool whose
capacity rose, so every time of it still ahead may have room."""

seats_wanted = _signals.signal("seats-wanted")
"""A sale is about to take seats (sent before its transaction, with ``now``): seats set aside
whose time is up (offers to waiting guests nobody answered) go back first, so the sale
sees them free."""

# What happened to the hotel's stays, orders, money, requests and feedback, for whoever tells the
# hotel's own systems about it (the webhook outbox). Each is sent inside the write transaction of
# the change, after the change is made, with the changed row; receivers only add to the session.

stay_changed = _signals.signal("stay-changed")
"""A stay was made or changed: sent with ``stay`` and ``change``, one of "created", "updated",
"cancelled", "checked_in", "checked_out"."""

order_placed = _signals.signal("order-placed")
"""An order was placed (booked on the room, or held while the guest pays by card): ``order``."""

order_cancelled = _signals.signal("order-cancelled")
"""A line of an order, or the whole order, was cancelled or declined: ``order`` and ``line``."""

payment_changed = _signals.signal("payment-changed")
"""A payment succeeded or failed (card or room): ``payment``; other states are not sent."""

refund_changed = _signals.signal("refund-changed")
"""A refund was created, or settled as succeeded or failed: ``refund`` and ``change``, one of
"created", "succeeded", "failed"."""

request_changed = _signals.signal("request-changed")
"""A guest request was opened (``change`` "created") or moved to another status ("updated"):
``guest_request``."""

feedback_given = _signals.signal("feedback-given")
"""A guest rated a service or the stay, or answered the recommendation question: ``feedback``."""
