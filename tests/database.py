"""A clean, migrated database for a test session or a benchmark: every table dropped, then the migrations."""

from __future__ import annotations

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine

from app import create_app
from config import TestConfig


def drop_everything(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        metadata.drop_all(connection)
    engine.dispose()


def fresh_app(url: str, **settings) -> Flask:
    drop_everything(url)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, **settings)
    with app.app_context():
        upgrade()
    return app
