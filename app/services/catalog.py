"""Reading the catalog a guest may see: active packages and services of one hotel.

On sale means active (not paused) and not archived. Archiving also pauses, so every check of
``active`` alone hides archived items too; the queries here say both, so they never depend on it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Package, Service
from app.services.errors import NotFound


def on_sale(item: Package | Service) -> bool:
    return item.active and not item.archived


def active_packages(hotel_id: int) -> list[Package]:
    """Every active package with its services, in two queries whatever the catalog's size."""
    return list(
        db.session.scalars(
            select(Package)
            .where(Package.hotel_id == hotel_id, Package.active.is_(True), Package.archived.is_(False))
            .options(selectinload(Package.services))
            .order_by(Package.position, Package.id)
        )
    )


def active_package(hotel_id: int, code: str) -> Package:
    package = db.session.scalar(
        select(Package).where(
            Package.hotel_id == hotel_id,
            Package.code == code,
            Package.active.is_(True),
            Package.archived.is_(False),
        )
    )
    if package is None:
        raise NotFound(_("We could not find that page."))
    return package


def services_on_sale(hotel_id: int) -> list[Service]:
    """What the desk may sell, in the manager's order."""
    return list(
        db.session.scalars(
            select(Service)
            .where(Service.hotel_id == hotel_id, Service.active.is_(True), Service.archived.is_(False))
            .order_by(Service.position, Service.id)
        )
    )


def bookable_service(hotel_id: int, service_id: int) -> Service:
    """A service on sale at this hotel; another hotel's, a paused or an archived one is simply not found."""
    service = db.session.get(Service, service_id)
    if service is None or service.hotel_id != hotel_id or not on_sale(service):
        raise NotFound(_("This service is not available."))
    return service
