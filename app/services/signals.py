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
