"""Email links carry the same access-token fingerprint as guest sessions, and older links still open."""

from __future__ import annotations

from app import clock
from app.extensions import db
from app.models import Stay
from app.services import guest_access, signed_links


def _older_link(stay: Stay, path: str) -> str:
    """An open link as they were signed before: the fingerprint's first 12 characters."""
    fingerprint = guest_access.access_fingerprint(stay)[:12]
    return signed_links._serializer(signed_links.OPEN_SALT).dumps([stay.id, path, fingerprint])


def test_a_link_carries_the_fingerprint_a_session_does(app, world):
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        payload = signed_links._load(signed_links.OPEN_SALT, signed_links.open_token(stay, "/stay"))
        assert payload[2] == guest_access.access_fingerprint(stay)
        assert len(payload[2]) == guest_access.FINGERPRINT_LENGTH


def test_a_link_signed_before_still_opens_until_the_token_is_reissued(app, world):
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        older = _older_link(stay, "/stay")
        assert signed_links.read_open_token(older, clock.now()) == (stay, "/stay")
        tampered = signed_links._serializer(signed_links.OPEN_SALT).dumps([stay.id, "/stay", "0" * 12])
        assert signed_links.read_open_token(tampered, clock.now()) is None

        stay.access_token = "reissued-" + "r" * 40
        db.session.commit()
        assert signed_links.read_open_token(older, clock.now()) is None
