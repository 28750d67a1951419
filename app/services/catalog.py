"""Reading the catalog a guest may see: active packages and services of one hotel."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Package, Service
from app.services.errors import NotFound


def active_packages(hotel_id: int) -> list[Package]:
    """Every active package with its services, in two queries whatever the catalog's size."""
    return list(
        db.session.scalars(
            select(Package)
            .where(Package.hotel_id == hotel_id, Package.active.is_(True))
            .options(selectinload(Package.services))
            .order_by(Package.position, Package.id)
        )
    )


def active_package(hotel_id: int, code: str) -> Package:
    package = db.session.scalar(
        select(Package).where(Package.hotel_id == hotel_id, Package.code == code, Package.active.is_(True))
    )
    if package is None:
        raise NotFound(_("We could not find that page."))
    return package


def bookable_service(hotel_id: int, service_id: int) -> Service:
    """An active service of this hotel; another hotel's or a paused one is simply not found."""
    service = db.session.get(Service, service_id)
    if service is None or service.hotel_id != hotel_id or not service.active:
        raise NotFound(_("This service is not available."))
    return service
