"""The demo hotel seeded once and copied into the test database for each test that reads it.

Seeding the demo writes its texts in every language, 30 days of slots and staff passwords
(scrypt): seconds each time, and the every-locale tests want it once per language. So the
first test seeds it and keeps the result as a template: on SQLite a copy of the database
file (SQLite's online backup, safe with the WAL journal), on PostgreSQL a database made
``CREATE DATABASE … TEMPLATE`` the test database. Later tests get the copy back in place of
the empty test database: the same rows, ids and references ``seed_demo()`` would have made.

The demo is seeded relative to now (today's slots, a request "20 minutes ago"), so a template
older than ``FRESH_FOR``, from another day at the hotel, or from another time than a test's
moved clock, is seeded again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, make_url, text

from app import clock
from app.extensions import db
from app.models import Hotel, Stay
from app.seed import catalog_data
from app.seed.demo import DemoStays, seed_demo

FRESH_FOR = timedelta(minutes=10)
HOTEL_TZ = ZoneInfo(catalog_data.HOTEL["timezone"])


@dataclass
class DemoTemplate:
    database_url: str  # the test database the copies go into
    sqlite_copy: Path  # SQLite: where the seeded file is kept
    seeded_at: datetime | None = None
    ids: tuple[int, int, int, int] = (0, 0, 0, 0)  # the hotel, then the stays in DemoStays' order

    @property
    def _url(self):
        return make_url(self.database_url)

    @property
    def _database(self) -> str:
        return _quoted(self._url.database)

    @property
    def _template(self) -> str:
        return _quoted(f"{self._url.database}_demo")

    def seed(self) -> tuple[Hotel, DemoStays]:
        """What ``seed_demo()`` returns, in an empty test database; call it in an app context."""
        now = clock.now()
        if self._still_fresh(now):
            self._copy_in()
            hotel_id, *stay_ids = self.ids
            return db.session.get(Hotel, hotel_id), DemoStays(*(db.session.get(Stay, i) for i in stay_ids))
        hotel, stays = seed_demo()
        self.ids = (hotel.id, stays.in_house.id, stays.large_family.id, stays.arriving.id)
        db.session.commit()  # hands the connection back; the objects reload when next read
        self._keep()
        self.seeded_at = now
        return hotel, stays

    def _still_fresh(self, now: datetime) -> bool:
        if self.seeded_at is None or abs(now - self.seeded_at) > FRESH_FOR:
            return False
        return now.astimezone(HOTEL_TZ).date() == self.seeded_at.astimezone(HOTEL_TZ).date()

    def _keep(self) -> None:
        db.engine.dispose()  # no connection to the test database while it is copied
        if self._url.get_backend_name() == "sqlite":
            _sqlite_copy(Path(self._url.database), self.sqlite_copy)
        else:
            self._on_server(
                f"DROP DATABASE IF EXISTS {self._template}",
                f"CREATE DATABASE {self._template} TEMPLATE {self._database}",
            )

    def _copy_in(self) -> None:
        db.session.remove()
        db.engine.dispose()
        if self._url.get_backend_name() == "sqlite":
            _sqlite_copy(self.sqlite_copy, Path(self._url.database))
        else:
            self._on_server(
                f"DROP DATABASE {self._database} WITH (FORCE)",
                f"CREATE DATABASE {self._database} TEMPLATE {self._template}",
            )

    def drop(self) -> None:
        if self.seeded_at is not None and self._url.get_backend_name() != "sqlite":
            self._on_server(f"DROP DATABASE IF EXISTS {self._template}")

    def _on_server(self, *statements: str) -> None:
        """Run database-level statements from the server's maintenance database, outside a transaction."""
        engine = create_engine(self._url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            engine.dispose()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_copy(source: Path, target: Path) -> None:
    reading, writing = sqlite3.connect(source), sqlite3.connect(target)
    try:
        reading.backup(writing)
    finally:
        reading.close()
        writing.close()
