"""A guest's search matches any language's title or summary, without accents or case mattering."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Service
from app.services import catalog_search
from config import TestConfig
from tests import factories
from tests.database import insert_old_row


def test_folding_drops_case_accents_and_extra_spaces():
    assert catalog_search.fold("  Đà   LẠT ") == "da lat"
    assert catalog_search.fold("Ngựa") == "ngua"
    assert catalog_search.fold("ЗООПАРК") == "зоопарк"
    assert catalog_search.fold("ცხენით") == "ცხენით"  # Georgian has no case: kept as it is


def _found(hotel_id: int, query: str) -> list[str]:
    condition = catalog_search.matches(query)
    assert condition is not None
    return list(db.session.scalars(select(Service.code).where(Service.hotel_id == hotel_id, condition)))


def test_a_service_is_found_by_any_language_and_kept_up_to_date(app):
    with app.app_context():
        hotel = factories.make_hotel()
        pool = factories.make_pool(hotel, "stable", 6)
        factories.make_service(hotel, pool, "riding", title={"en": "Horse riding", "vi": "Cưỡi ngựa"})
        factories.make_service(hotel, pool, "pony", title={"en": "Pony ride", "ru": "Катание на пони"})
        db.session.commit()

        assert _found(hotel.id, "cuoi NGUA") == ["riding"]
        assert _found(hotel.id, "пони") == ["pony"]
        assert sorted(_found(hotel.id, "ri")) == ["pony", "riding"]
        assert _found(hotel.id, "horse pony") == []  # every word must match the same service
        assert _found(hotel.id, "100%") == []  # LIKE's wildcards are searched for, not obeyed
        assert catalog_search.matches("   ") is None

        riding = db.session.scalar(select(Service).where(Service.code == "riding"))
        riding.title = {"en": "Trail ride", "vi": "Cưỡi ngựa"}
        db.session.commit()
        assert _found(hotel.id, "trail") == ["riding"]
        assert _found(hotel.id, "horse") == []


def test_the_migration_folds_the_services_already_there(tmp_path):
    """Services written before the column existed are searchable after the upgrade."""
    url = f"sqlite:///{tmp_path / 'before.sqlite3'}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision="675cc7edf6d0")
        with db.engine.begin() as connection:
            insert_old_row(
                connection, "hotel", id=1, slug="old", name={"en": "Old"}, currency="EUR", timezone="UTC"
            )
            insert_old_row(connection, "resource_pool", id=1, hotel_id=1, code="boats", mode="sessions")
            insert_old_row(
                connection,
                "service",
                id=1,
                hotel_id=1,
                pool_id=1,
                code="boat",
                kind="slot",
                title={"en": "Boat trip", "vi": "Đi thuyền"},
                summary={"en": "On the lake"},
                tags=[],
            )
        upgrade()
        assert _found(1, "di thuyen") == ["boat"]
        assert _found(1, "lake") == ["boat"]
        db.engine.dispose()
