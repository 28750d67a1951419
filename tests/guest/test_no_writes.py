"""A guest's GET writes nothing to the database before its response is out (issue #13).

Offers shown and page views are counted in a buffer (app/services/view_counts.py); each SQL
statement the pages send is watched here, and only reads may go out while a page is answered.
The buffer's flush runs once the server closes the response (after its last byte).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OfferImpression, ServiceViewDay
from tests.desk.helpers import signed_in_guest
from tests.statements import is_write, statements_sent


def writes_in(sent: list[str]) -> list[str]:
    return [statement for statement in sent if is_write(statement)]


def counted(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(OfferImpression)),
            db.session.scalar(select(func.coalesce(func.sum(ServiceViewDay.views), 0))),
        )


@pytest.fixture
def flush_at_once(app):
    """Every page's counts are due at once, so the flush after the response is seen below."""
    before = app.config["COUNTS_FLUSH_SECONDS"]
    app.config["COUNTS_FLUSH_SECONDS"] = 0
    yield
    app.config["COUNTS_FLUSH_SECONDS"] = before


def test_guest_pages_write_nothing_until_their_response_is_closed(app, world, flush_at_once):
    guest = signed_in_guest(app)
    pages = [
        "/home",
        "/packages/nature",
        f"/services/{world.services['horse_riding']}",
        f"/services/{world.services['car_rental']}",  # booked by the day: its own form
        "/stay",
        "/cart",
    ]
    for path in pages:
        with statements_sent(app) as sent:
            page = guest.client.get(path)
            assert page.status_code == 200, path
            assert writes_in(sent) == [], f"{path} wrote while answering: {writes_in(sent)}"
            page.close()  # what the server does after the last byte: the due flush runs now
        if path == "/home":
            assert writes_in(sent) and counted(app)[0] > 0, "the home page's offers are written after it"
        if path.startswith("/services/"):
            assert writes_in(sent), "the view is written after the page"
    assert counted(app)[1] == 2  # one view of each service page, no more
