"""Finding a service among hundreds: a few per package on the home page, then a package a page at a time.

Every filter is SQL, so a page costs the same few statements whether the package holds ten
services or a thousand: a count and one page of rows (plus the package). The filters say
what a guest means, and each mirrors a rule written elsewhere in Python:

- age fit, with ``Service.accepts_age`` and the offers' "who may join"
  (``recommendations._who_may_join``): an adult is ``ADULT_AGE``, and takes part unless the
  service's maximum age is below it or its minimum above it; "for my children" is what the
  offers call made for children (tagged kids, or a maximum age below ``ADULT_AGE``) that one
  of the stay's children may join;
- price, with ``templates/shared/_price_from.html``: the "from" price is per unit and day for
  rentals and items on request, per adult when there is an adult price, else per child.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, and_, case, cast, false, func, or_, select, true

from app.extensions import db
from app.models import Package, Service, ServiceKind, ServiceTag, package_service
from app.models.ages import ADULT_AGE
from app.services import catalog_search

PREVIEW_SIZE = 4  # services shown per package on the home page
PAGE_SIZE = 24  # services per page of a package


class AgeFit(enum.StrEnum):
    PARTY = "party"  # everyone in my party may take part
    CHILDREN = "children"  # made for children, and one of mine may take part


class Setting(enum.StrEnum):
    INDOOR = ServiceTag.INDOOR.value
    OUTDOOR = ServiceTag.OUTDOOR.value


@dataclass(frozen=True)
class Party:
    """Who is staying: the ages the age filters read."""

    adults: int
    children_ages: tuple[int, ...]


@dataclass(frozen=True)
class ServiceFilters:
    """What a guest asked of a package's services; None (or empty) means "any"."""

    query: str = ""
    kind: ServiceKind | None = None
    fit: AgeFit | None = None
    setting: Setting | None = None
    price_up_to: int | None = None  # minor units of the hotel's currency

    @property
    def narrowing(self) -> bool:
        return bool(self.query.strip()) or any(
            value is not None for value in (self.kind, self.fit, self.setting, self.price_up_to)
        )


@dataclass(frozen=True)
class PackagePreview:
    services: list[Service]  # the first PREVIEW_SIZE on sale, in the package's order
    total: int  # how many the package has on sale


@dataclass(frozen=True)
class ServicePage:
    services: list[Service]
    total: int  # services that match, over every page
    number: int  # this page, from 1
    pages: int  # at least 1, so "page 1 of 1" when nothing matches

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def package_previews(package_ids: list[int], size: int = PREVIEW_SIZE) -> dict[int, PackagePreview]:
    """The first ``size`` services on sale of each package, and how many it has: one query for all of them."""
    if not package_ids:
        return {}
    place = (package_service.c.position, package_service.c.service_id)
    ranked = (
        select(
            package_service.c.package_id,
            package_service.c.service_id,
            func.row_number().over(partition_by=package_service.c.package_id, order_by=place).label("rank"),
            func.count().over(partition_by=package_service.c.package_id).label("total"),
        )
        .join(Service, Service.id == package_service.c.service_id)
        .where(package_service.c.package_id.in_(package_ids), *_on_sale())
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.package_id, ranked.c.total, Service)
        .join(Service, Service.id == ranked.c.service_id)
        .where(ranked.c.rank <= size)
        .order_by(ranked.c.package_id, ranked.c.rank)
    ).all()
    services: dict[int, list[Service]] = {package_id: [] for package_id in package_ids}
    totals = dict.fromkeys(package_ids, 0)
    for package_id, total, service in rows:
        services[package_id].append(service)
        totals[package_id] = total
    return {package_id: PackagePreview(services[package_id], totals[package_id]) for package_id in services}


def package_services(
    package: Package, party: Party, filters: ServiceFilters, page: int = 1, size: int = PAGE_SIZE
) -> ServicePage:
    """A page of ``package``'s services on sale that match ``filters``; a page past the end is the last."""
    conditions = [package_service.c.package_id == package.id, *_on_sale(), *_matching(filters, party)]
    joined = Service.__table__.join(package_service, package_service.c.service_id == Service.id)
    total = db.session.scalar(select(func.count()).select_from(joined).where(*conditions)) or 0
    pages = max(math.ceil(total / size), 1)
    number = min(max(page, 1), pages)
    services: list[Service] = []
    if total:
        services = list(
            db.session.scalars(
                select(Service)
                .select_from(joined)
                .where(*conditions)
                .order_by(package_service.c.position, Service.id)
                .offset((number - 1) * size)
                .limit(size)
            )
        )
    return ServicePage(services, total, number, pages)


def from_price() -> ColumnElement[int]:
    """The price a service card says "from", as SQL (see templates/shared/_price_from.html)."""
    by_day = [kind.value for kind in ServiceKind if kind.by_day]
    return case(
        (Service.kind.in_(by_day), Service.price_unit),
        (Service.price_adult != 0, Service.price_adult),
        else_=Service.price_child,
    )


def _on_sale() -> tuple[ColumnElement[bool], ...]:
    return Service.active.is_(True), Service.archived.is_(False)


def _matching(filters: ServiceFilters, party: Party) -> list[ColumnElement[bool]]:
    conditions = []
    if (words := catalog_search.matches(filters.query)) is not None:
        conditions.append(words)
    if filters.kind is not None:
        conditions.append(Service.kind == filters.kind)
    if filters.setting is not None:
        conditions.append(_tagged(filters.setting.value))
    if filters.price_up_to is not None:
        conditions.append(from_price() <= filters.price_up_to)
    if filters.fit is AgeFit.PARTY:
        conditions.append(_suits_everyone(party))
    elif filters.fit is AgeFit.CHILDREN:
        conditions.append(_for_the_children(party))
    return conditions


def _tagged(tag: str) -> ColumnElement[bool]:
    # The tags are a JSON list of plain words: as text on either database each one stands in
    # double quotes ('["kids", "indoor"]'), so the quoted word matches only that whole tag.
    return cast(Service.tags, String).like(f'%"{tag}"%')


def _accepts(age: int) -> ColumnElement[bool]:
    """``Service.accepts_age`` in SQL."""
    return and_(
        or_(Service.min_age.is_(None), Service.min_age <= age),
        or_(Service.max_age.is_(None), Service.max_age >= age),
    )


def _suits_everyone(party: Party) -> ColumnElement[bool]:
    conditions = [_accepts(age) for age in sorted(set(party.children_ages))]
    if party.adults:
        conditions.append(_accepts(ADULT_AGE))  # an adult counts as ADULT_AGE, as in the offers
    return and_(true(), *conditions)


def _for_the_children(party: Party) -> ColumnElement[bool]:
    if not party.children_ages:
        return false()
    made_for_children = or_(_tagged(ServiceTag.KIDS.value), Service.max_age < ADULT_AGE)
    return and_(made_for_children, or_(*(_accepts(age) for age in sorted(set(party.children_ages)))))
