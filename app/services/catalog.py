"""Reading the catalog a guest may see: active packages and services of one hotel.

On sale means active (not paused) and not archived. Archiving also pauses, so every check of
``active`` alone hides archived items too; the queries here say both, so they never depend on it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import BindParameter, ColumnElement, Row, Select, bindparam, select
from sqlalchemy.orm import InstrumentedAttribute, joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from app.extensions import db
from app.models import Package, ResourcePool, Service, ServiceKind, package_service
from app.services.errors import NotFound
from app.services.statements import built_once


def on_sale(item: Package | Service) -> bool:
    return item.active and not item.archived


def _on_sale_at(
    model: type[Package] | type[Service], hotel_id: int | BindParameter
) -> tuple[ColumnElement[bool], ...]:
    """:func:`on_sale` as a query's conditions, for one hotel's packages or services (id or bindparam)."""
    return model.hotel_id == hotel_id, model.active.is_(True), model.archived.is_(False)


def active_packages(hotel_id: int) -> list[Package]:
    """Every active package, in the manager's order; their services come a few at a time
    (``catalog_browse``): a package may hold hundreds."""
    return list(db.session.scalars(_active_packages(), {"hotel_id": hotel_id}))


@built_once
def _active_packages() -> Select:
    return (
        select(Package)
        .where(*_on_sale_at(Package, bindparam("hotel_id")))
        .order_by(Package.position, Package.id)
    )


def active_package(hotel_id: int, code: str) -> Package:
    package = db.session.scalar(_active_package(), {"hotel_id": hotel_id, "code": code})
    if package is None:
        raise NotFound(_("We could not find that page."))
    return package


@built_once
def _active_package() -> Select:
    on_sale_here = _on_sale_at(Package, bindparam("hotel_id"))
    return select(Package).where(*on_sale_here, Package.code == bindparam("code"))


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


def service_facts_on_sale(hotel_id: int, *columns: InstrumentedAttribute) -> list[Row]:
    """``columns`` of every service on sale, in the manager's order: plain rows, no objects built.

    For code that weighs the whole catalog and shows a handful (the offers): at 2,000 services,
    building and decoding every object cost more than the weighing.
    """
    return list(
        db.session.execute(
            select(*columns).where(*_on_sale_at(Service, hotel_id)).order_by(Service.position, Service.id)
        )
    )


def bookable_service(hotel_id: int, service_id: int) -> Service:
    """A service on sale at this hotel; another hotel's, a paused or an archived one is simply not found."""
    # Its photos in the same statement: the service page shows them. A page asks more than once.
    service = db.session.identity_map.get(db.session.identity_key(Service, service_id))
    if service is None:
        found = db.session.scalars(_service_with_photos(), {"service_id": service_id})
        service = found.unique().one_or_none()
    if service is None or service.hotel_id != hotel_id or not on_sale(service):
        raise NotFound(_("This service is not available."))
    return service


@built_once
def _service_with_photos() -> Select:
    return select(Service).where(Service.id == bindparam("service_id")).options(joinedload(Service.photos))


# The hotel's own systems (the public API) see the whole catalog, paused and archived items too, each
# saying whether it is on sale: an order line may name a service that is no longer sold. One item by
# its id, on sale or not, is catalog_admin.hotel_service / hotel_package.


def hotel_packages(hotel_id: int, on_sale: bool | None = None) -> Select[tuple[Package]]:
    """The hotel's packages with their services' ids; ``on_sale`` keeps those that are (or are not)."""
    statement = select(Package).where(Package.hotel_id == hotel_id).options(selectinload(Package.services))
    if on_sale is not None:
        statement = statement.where(_on_sale_condition(Package, on_sale))
    return statement


def hotel_services(
    hotel_id: int,
    *,
    package_id: int | None = None,
    kind: ServiceKind | None = None,
    on_sale: bool | None = None,
) -> Select[tuple[Service]]:
    """The hotel's services with what describes them (packages, pool and its weekly times)."""
    statement = (
        select(Service)
        .where(Service.hotel_id == hotel_id)
        .options(
            selectinload(Service.packages),
            selectinload(Service.pool).selectinload(ResourcePool.schedules),
        )
    )
    if package_id is not None:
        in_package = select(package_service.c.service_id).where(package_service.c.package_id == package_id)
        statement = statement.where(Service.id.in_(in_package))
    if kind is not None:
        statement = statement.where(Service.kind == kind)
    if on_sale is not None:
        statement = statement.where(_on_sale_condition(Service, on_sale))
    return statement


def _on_sale_condition(model: type[Package] | type[Service], on_sale: bool) -> ColumnElement[bool]:
    selling = model.active.is_(True) & model.archived.is_(False)
    return selling if on_sale else ~selling
