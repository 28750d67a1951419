"""Reading the catalog a guest may see: active packages and services of one hotel.

On sale means active (not paused) and not archived. Archiving also pauses, so every check of
``active`` alone hides archived items too; the queries here say both, so they never depend on it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.base import ExecutableOption

from app.extensions import db
from app.models import Package, Service
from app.services.errors import NotFound


def on_sale(item: Package | Service) -> bool:
    return item.active and not item.archived


def _on_sale_at(model: type[Package] | type[Service], hotel_id: int) -> tuple[ColumnElement[bool], ...]:
    """:func:`on_sale` as a query's conditions, for one hotel's packages or services."""
    return model.hotel_id == hotel_id, model.active.is_(True), model.archived.is_(False)


def active_packages(hotel_id: int) -> list[Package]:
    """Every active package with its services, in two queries whatever the catalog's size."""
    return list(
        db.session.scalars(
            select(Package)
            .where(*_on_sale_at(Package, hotel_id))
            .options(selectinload(Package.services))
            .order_by(Package.position, Package.id)
        )
    )


def active_package(hotel_id: int, code: str) -> Package:
    package = db.session.scalar(select(Package).where(*_on_sale_at(Package, hotel_id), Package.code == code))
    if package is None:
        raise NotFound(_("We could not find that page."))
    return package


def services_on_sale(hotel_id: int, *options: ExecutableOption) -> list[Service]:
    """What the desk may sell and the offers choose from, in the manager's order.

    ``options`` load more with them in the same query, e.g. ``selectinload(Service.packages)``.
    """
    return list(
        db.session.scalars(
            select(Service)
            .where(*_on_sale_at(Service, hotel_id))
            .options(*options)
            .order_by(Service.position, Service.id)
        )
    )


def bookable_service(hotel_id: int, service_id: int) -> Service:
    """A service on sale at this hotel; another hotel's, a paused or an archived one is simply not found."""
    service = db.session.get(Service, service_id)
    if service is None or service.hotel_id != hotel_id or not on_sale(service):
        raise NotFound(_("This service is not available."))
    return service
