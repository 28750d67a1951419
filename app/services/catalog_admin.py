"""The manager's catalog: editing services and packages in every language, and what is still missing."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, Package, Service
from app.models.i18n import LocalizedText
from app.services.errors import LobbyError, NotFound

SERVICE_TEXTS = ("title", "summary", "description")
PACKAGE_TEXTS = ("title", "summary")


@dataclass(frozen=True)
class Coverage:
    """How many texts exist in one language out of all the catalog's texts."""

    locale: str
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done == self.total


def _texts(item, fields: tuple[str, ...]) -> list[LocalizedText]:
    return [getattr(item, field) for field in fields]


def catalog_coverage(hotel: Hotel) -> list[Coverage]:
    """Per enabled language, the share of every package and service text that is written."""
    texts: list[LocalizedText] = []
    for package in db.session.scalars(select(Package).where(Package.hotel_id == hotel.id)):
        texts += _texts(package, PACKAGE_TEXTS)
    for service in db.session.scalars(select(Service).where(Service.hotel_id == hotel.id)):
        texts += _texts(service, SERVICE_TEXTS)
    return [
        Coverage(locale, sum(text.has(locale) for text in texts), len(texts))
        for locale in hotel.enabled_locales
    ]


def missing_texts(item, fields: tuple[str, ...], locales: list[str]) -> dict[str, list[str]]:
    """For each language, which of this item's fields have no text yet."""
    return {locale: [field for field in fields if not getattr(item, field).has(locale)] for locale in locales}


def hotel_service(hotel_id: int, service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None or service.hotel_id != hotel_id:
        raise NotFound(_("This service is not available."))
    return service


def hotel_package(hotel_id: int, package_id: int) -> Package:
    package = db.session.get(Package, package_id)
    if package is None or package.hotel_id != hotel_id:
        raise NotFound(_("We could not find that page."))
    return package


def localized(texts: dict[str, str]) -> LocalizedText:
    return LocalizedText({locale: text.strip() for locale, text in texts.items() if text and text.strip()})


def set_texts(item, hotel: Hotel, texts: dict[str, dict[str, str]]) -> None:
    """Store every language's texts; the hotel's default language must have a title."""
    if not (texts.get("title", {}).get(hotel.default_locale) or "").strip():
        raise LobbyError(_("Please write the title in the hotel's main language."))
    for field, by_locale in texts.items():
        setattr(item, field, localized(by_locale))


@dataclass
class ServiceSettings:
    price_adult: int
    price_child: int
    price_unit: int
    free_under_age: int | None
    min_age: int | None
    max_age: int | None
    duration_minutes: int
    lead_time_minutes: int
    cancel_window_hours: int
    late_cancel_fee_percent: int | None
    needs_approval: bool
    active: bool
    position: int


def save_service(
    service: Service, hotel: Hotel, texts: dict[str, dict[str, str]], settings: ServiceSettings
) -> None:
    if min(settings.price_adult, settings.price_child, settings.price_unit) < 0:
        raise LobbyError(_("Prices cannot be negative."))
    if settings.min_age is not None and settings.max_age is not None and settings.min_age > settings.max_age:
        raise LobbyError(_("The minimum age must not be above the maximum age."))
    if settings.late_cancel_fee_percent is not None and not 0 <= settings.late_cancel_fee_percent <= 100:
        raise LobbyError(_("The cancellation fee is a percentage from 0 to 100."))
    set_texts(service, hotel, texts)
    for name, value in vars(settings).items():
        setattr(service, name, value)
    db.session.commit()


def save_package(package: Package, hotel: Hotel, texts: dict[str, dict[str, str]], **settings) -> None:
    """Texts plus active, position and the package deal (bundle_size, bundle_percent)."""
    set_texts(package, hotel, texts)
    for name in ("active", "position", "bundle_size", "bundle_percent"):
        setattr(package, name, settings[name])
    if "service_ids" in settings:
        chosen = set(settings["service_ids"])
        package.services = [service for service in services_of(hotel.id) if service.id in chosen]
    db.session.commit()


def services_of(hotel_id: int) -> list[Service]:
    return list(
        db.session.scalars(
            select(Service).where(Service.hotel_id == hotel_id).order_by(Service.position, Service.id)
        )
    )


def packages_of(hotel_id: int) -> list[Package]:
    return list(
        db.session.scalars(
            select(Package).where(Package.hotel_id == hotel_id).order_by(Package.position, Package.id)
        )
    )
