"""What pages call things: the words shown for codes the app stores, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The ways to pay, as the guest's checkout offers them (in the guest's words: "my room").
PAYMENT_LABELS = {"card": _l("Pay by card now"), "room": _l("Charge to my room")}
