"""A reader that turns writer: on SQLite (WAL) it must wait its turn, never fail with "database is locked".

Two pages at once: page A has read (its snapshot began), page B writes and commits,
then page A records what it showed. Before the engine made a transaction's first write
end its snapshot and queue as a writer, SQLite refused page A's write at once.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import OfferImpression, OfferPlace, Service, ServiceViewDay, Stay
from app.services import analytics, recommendations, view_counts
from app.services.errors import PendingWrites
from app.services.locking import write_transaction


def _page_reads(world) -> tuple[Stay, Service]:
    stay = db.session.get(Stay, world.stays["garcia"])
    service = db.session.get(Service, world.services["horse_riding"])
    return stay, service


def test_offer_impressions_after_another_page_committed(app, world):
    with app.test_request_context():  # page A: a guest's home page, reading
        stay, _ = _page_reads(world)
        offers = recommendations.offers_for_stay(stay, clock.now())
        assert offers
        with (
            app.app_context(),
            app.test_request_context(),
        ):  # page B (its own session): another guest's home page finishes first
            other = db.session.get(Stay, world.stays["other"])
            recommendations.record_impressions(other, offers, OfferPlace.DESK, clock.now())
            view_counts.flush()
        recommendations.record_impressions(stay, offers, OfferPlace.HOME, clock.now())
        view_counts.flush()  # in page A's session, which read before page B wrote
        shown = db.session.scalars(select(OfferImpression.place).where(OfferImpression.stay_id == stay.id))
        assert list(shown) == ["home"] * len(offers)


def test_page_views_after_another_page_committed(app, world):
    with app.test_request_context():
        _, service = _page_reads(world)
        day = world.today
        with app.app_context(), app.test_request_context():
            analytics.count_view(db.session.get(Service, service.id), day)
            view_counts.flush()
        analytics.count_view(service, day)
        view_counts.flush()
        assert (
            db.session.scalar(select(ServiceViewDay.views).where(ServiceViewDay.service_id == service.id))
            == 2
        )


def test_any_orm_write_after_another_commit(app, world):
    """The rule lives in the engine: a plain read, change and commit works the same way."""
    with app.test_request_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        with app.app_context(), app.test_request_context():
            db.session.get(Stay, world.stays["garcia"]).locale = "vi"
            db.session.commit()
        stay.surname = "Garcia-Lopez"
        db.session.commit()
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        assert (stay.surname, stay.locale) == ("Garcia-Lopez", "vi")


def test_a_writer_transaction_refuses_a_session_holding_writes(app, world):
    """Whatever the session still held used to be committed on the way in; now it is named and refused."""
    with app.test_request_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        stay.surname = "Changed"
        with pytest.raises(PendingWrites, match=f"Stay {stay.id}"), write_transaction():
            pytest.fail("the transaction must not start")
        db.session.rollback()
        assert db.session.get(Stay, world.stays["garcia"]).surname != "Changed"


def test_a_write_already_flushed_is_refused_too(app, world):
    """An autoflush hides a change from ``session.dirty``; it is still uncommitted, and still refused."""
    with app.test_request_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        stay.locale = "vi"
        db.session.flush()
        with pytest.raises(PendingWrites, match=f"Stay {stay.id}"), write_transaction():
            pytest.fail("the transaction must not start")
        db.session.rollback()
        assert db.session.get(Stay, world.stays["garcia"]).locale != "vi"


def test_a_clean_session_starts_a_writer_transaction(app, world):
    with app.test_request_context():
        db.session.get(Stay, world.stays["garcia"])  # a read only: nothing to refuse
        with write_transaction():
            db.session.get(Stay, world.stays["garcia"]).surname = "Written"
        db.session.rollback()  # the transaction committed on its own
        assert db.session.get(Stay, world.stays["garcia"]).surname == "Written"
