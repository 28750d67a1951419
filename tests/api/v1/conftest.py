"""Keys of the factory hotel for the public API, made by the same service the manager's page uses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel
from app.services import api_tokens


def make_key(app, slug: str = "test-lodge", scopes: list[str] | None = None, name: str = "PMS") -> str:
    with app.app_context():
        hotel = db.session.scalar(select(Hotel).where(Hotel.slug == slug))
        _row, token = api_tokens.create_token(hotel, name, created_by=None, scopes=scopes)
        return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def key(app, world) -> dict[str, str]:
    """Headers with a key of the factory hotel holding every scope."""
    return bearer(make_key(app))
