"""The manager's catalog: editing services and packages in every language, and what is still missing."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Hotel, Package, Service, ServiceTag, package_service
from app.models.i18n import LocalizedText
from app.services import audit, offer_versions
from app.services.errors import LobbyError, NotFound
from app.services.hotel_rows import hotel_row
from app.services.transactions import operation

SERVICE_TEXTS = ("title", "summary", "description")
PACKAGE_TEXTS = ("title", "summary")
# What the audit trail compares before and after a change; a service's prices get an entry of their own.
SERVICE_PRICES = ("price_adult", "price_child", "price_unit")
PACKAGE_AUDITED = (*PACKAGE_TEXTS, "active", "position", "bundle_size", "bundle_percent")
LISTING = ("archived", "active", "position")


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
    for package in packages_of(hotel.id):  # archived items no guest reads do not count
        texts += _texts(package, PACKAGE_TEXTS)
    for service in services_of(hotel.id):
        texts += _texts(service, SERVICE_TEXTS)
    return [
        Coverage(locale, sum(text.has(locale) for text in texts), len(texts))
        for locale in hotel.enabled_locales
    ]


def missing_texts(item, fields: tuple[str, ...], locales: list[str]) -> dict[str, list[str]]:
    """For each language, which of this item's fields have no text yet."""
    return {locale: [field for field in fields if not getattr(item, field).has(locale)] for locale in locales}


def hotel_service(hotel_id: int, service_id: int) -> Service:
    return hotel_row(Service, hotel_id, service_id, _("This service is not available."))


def hotel_package(hotel_id: int, package_id: int) -> Package:
    return hotel_row(Package, hotel_id, package_id, _("We could not find that page."))


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
    pinned: bool = False
    tags: tuple[str, ...] = ()  # ServiceTag values


SERVICE_AUDITED = (*SERVICE_TEXTS, *(f.name for f in fields(ServiceSettings) if f.name not in SERVICE_PRICES))


@operation
def save_service(
    service: Service, hotel: Hotel, texts: dict[str, dict[str, str]], settings: ServiceSettings
) -> None:
    if min(settings.price_adult, settings.price_child, settings.price_unit) < 0:
        raise LobbyError(_("Prices cannot be negative."))
    if settings.min_age is not None and settings.max_age is not None and settings.min_age > settings.max_age:
        raise LobbyError(_("The minimum age must not be above the maximum age."))
    if settings.late_cancel_fee_percent is not None and not 0 <= settings.late_cancel_fee_percent <= 100:
        raise LobbyError(_("The cancellation fee is a percentage from 0 to 100."))
    if not set(settings.tags) <= set(ServiceTag):
        raise LobbyError(_("Please choose from the list."))
    _check_not_archived(service, settings.active)
    was = _service_state(service)
    set_texts(service, hotel, texts)
    for name, value in vars(settings).items():
        setattr(service, name, value)
    service.tags = [tag.value for tag in ServiceTag if tag in settings.tags]  # one order, no repeats
    _record_service(hotel, service, was)


def _service_state(service: Service) -> tuple[dict, dict] | None:
    """A stored service's prices and other settings before an edit; None for a new one."""
    if service.id is None:
        return None
    return audit.snapshot(service, SERVICE_PRICES), audit.snapshot(service, SERVICE_AUDITED)


def _record_service(hotel: Hotel, service: Service, was: tuple[dict, dict] | None) -> None:
    prices = audit.snapshot(service, SERVICE_PRICES)
    if was is None:
        db.session.add(service)
        created = {"code": service.code, "kind": service.kind, "active": service.active}
        audit.record(hotel.id, "service.created", service, after=created | prices)
        return
    audit.record(hotel.id, "service.price_changed", service, before=was[0], after=prices)
    audit.record(
        hotel.id, "service.edited", service, before=was[1], after=audit.snapshot(service, SERVICE_AUDITED)
    )


@operation
def save_package(package: Package, hotel: Hotel, texts: dict[str, dict[str, str]], **settings) -> None:
    """Texts plus active, position and the package deal (bundle_size, bundle_percent)."""
    db.session.add(package)  # a new one is saved with its first texts and settings, or not at all
    _check_not_archived(package, settings["active"])
    was = _package_state(package) if package.id is not None else None
    set_texts(package, hotel, texts)
    for name in ("active", "position", "bundle_size", "bundle_percent"):
        setattr(package, name, settings[name])
    if "service_ids" in settings:
        chosen = set(settings["service_ids"])
        # Members keep their order and newcomers go last; archived members are not offered
        # in the form, so they stay (a restored service is back in its packages).
        kept = [service for service in package.services if service.archived or service.id in chosen]
        added = [service for service in services_of(hotel.id) if service.id in chosen and service not in kept]
        package.services = kept + added
        _write_member_order(package, kept + added)
    action = "package.created" if was is None else "package.edited"
    audit.record(hotel.id, action, package, before=was, after=_package_state(package))


def _package_state(package: Package) -> dict:
    return audit.snapshot(package, PACKAGE_AUDITED) | {"services": [item.code for item in package.services]}


def _check_not_archived(item: Package | Service, active: bool) -> None:
    if item.archived and active:
        raise LobbyError(_("An archived item cannot go on sale. Restore it from the catalog first."))


def services_of(hotel_id: int) -> list[Service]:
    """The editor's working list: every service that is not archived, in the manager's order."""
    return _listed(Service, hotel_id, archived=False)


def packages_of(hotel_id: int) -> list[Package]:
    return _listed(Package, hotel_id, archived=False)


def archived_services(hotel_id: int) -> list[Service]:
    return _listed(Service, hotel_id, archived=True)


def archived_packages(hotel_id: int) -> list[Package]:
    return _listed(Package, hotel_id, archived=True)


def _listed(model, hotel_id: int, archived: bool) -> list:
    return list(
        db.session.scalars(
            select(model)
            .where(model.hotel_id == hotel_id, model.archived.is_(archived))
            .order_by(model.position, model.id)
        )
    )


@operation
def archive(item: Package | Service) -> None:
    """Retire an item for good: off every guest page and the desk; its bookings stay as they are.

    Archiving also pauses it (and unpins a service), so restoring never puts anything on sale
    by surprise and every check of ``active`` alone already hides it.
    """
    was = audit.snapshot(item, LISTING)
    item.archived = True
    item.active = False
    if isinstance(item, Service):
        item.pinned = False
    _record_listing(item, "archived", was)


def _record_listing(item: Package | Service, verb: str, was: dict) -> None:
    audit.record(
        item.hotel_id, f"{audit.kind_of(item)}.{verb}", item, before=was, after=audit.snapshot(item, LISTING)
    )


@operation
def restore(item: Package | Service) -> None:
    """Back in the working list, last, and still paused: the manager puts it on sale on its page."""
    model = type(item)
    last = db.session.scalar(
        select(func.max(model.position)).where(model.hotel_id == item.hotel_id, model.archived.is_(False))
    )
    was = audit.snapshot(item, LISTING)
    item.archived = False
    item.active = False
    item.position = (last if last is not None else -1) + 1
    _record_listing(item, "restored", was)


Item = TypeVar("Item")


def reordered(items: list[Item], item: Item, step: int) -> list[Item]:
    """``items`` with ``item`` one place earlier (step -1) or later (+1); at either end, unchanged."""
    index = items.index(item)
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(items):
        return list(items)
    result = list(items)
    result[index], result[target] = result[target], result[index]
    return result


@operation
def move_package(package: Package, step: int) -> None:
    """Up or down in the manager's list; guests see packages in this order (ties after their fit)."""
    _renumber(reordered(packages_of(package.hotel_id), package, step))


@operation
def move_service(service: Service, step: int) -> None:
    _renumber(reordered(services_of(service.hotel_id), service, step))


def _renumber(items: list) -> None:
    for index, item in enumerate(items):
        item.position = index


@operation
def move_in_package(package: Package, service_id: int, step: int) -> None:
    """A service up or down within one package: the order guests see on the package."""
    members = [service for service in package.services if not service.archived]
    service = next((service for service in members if service.id == service_id), None)
    if service is None:
        raise NotFound(_("This service is not available."))
    order = reordered(members, service, step) + [s for s in package.services if s.archived]
    _write_member_order(package, order)


def _write_member_order(package: Package, services: list[Service]) -> None:
    """The position column of the package's link rows, which the ORM collection cannot set."""
    db.session.flush()
    for index, service in enumerate(services):
        db.session.execute(
            update(package_service)
            .where(package_service.c.package_id == package.id, package_service.c.service_id == service.id)
            .values(position=index)
        )
    offer_versions.catalog_changed(package.hotel_id)  # the link rows were written without the ORM
    db.session.expire(package, ["services"])
