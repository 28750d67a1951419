"""Copying one hotel's catalog into another hotel of its group, so a new property opens in minutes.

What is copied: pools (capacity, mode, weekly schedules), services (every text, prices, child
and age rules, lead times, cancellation windows, approval, tags, photos as new files) and
packages (texts, bundle deal, their services in order). Nothing that exists is touched: a code
the target already has is skipped and reported, and a copied package lists the target's own
service of a skipped code. Not copied: promo codes (each hotel hands out its own), archived
services and packages, and the dates of event pools (a hotel sets its own events).

Weekly schedules are local wall-clock times, so "10:00 on Mondays" stays 10:00 on Mondays in the
target's time zone; its slots are made by :func:`app.services.hotel_setup.extend_slots`, as
``flask lobby extend-slots`` makes them. Prices keep their numbers in the same currency; between
currencies they go through the group's reporting currency (:func:`converted_price`).
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Hotel,
    Package,
    PoolMode,
    ResourcePool,
    Schedule,
    Service,
    ServicePhoto,
    StaffRole,
    StaffUser,
    package_service,
)
from app.services import audit, group_figures, hotel_setup, photos, staff_access
from app.services.errors import LobbyError, NotAllowed
from app.services.transactions import operation

SLOT_DAYS = 30  # as `flask lobby extend-slots` keeps them; the daily cron takes it on from there
PRICES = ("price_adult", "price_child", "price_unit")
SERVICE_FIELDS = (
    "kind",
    "free_under_age",
    "min_age",
    "max_age",
    "duration_minutes",
    "lead_time_minutes",
    "cancel_window_hours",
    "late_cancel_fee_percent",
    "needs_approval",
    "position",
    "active",
    "pinned",
)


@dataclass
class CopyReport:
    """What a copy made and what it left alone, for the page and the audit trail."""

    pools: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)
    photos: int = 0
    slots: int = 0
    skipped_pools: list[str] = field(default_factory=list)
    skipped_services: list[str] = field(default_factory=list)
    skipped_packages: list[str] = field(default_factory=list)
    event_pools: list[str] = field(default_factory=list)  # copied without their dates
    converted: bool = False  # prices converted between currencies

    def as_audit(self) -> dict:
        return {
            "pools": self.pools,
            "services": self.services,
            "packages": self.packages,
            "photos": self.photos,
            "skipped": self.skipped_pools + self.skipped_services + self.skipped_packages,
            "converted": self.converted,
        }


def may_copy(user: StaffUser, source: Hotel, target: Hotel) -> bool:
    """A member of the group's office, or a manager (or admin) at both hotels."""
    if source.group_id is None or source.group_id != target.group_id:
        return False
    if user.group_id is not None and user.group_id == source.group_id:
        return True
    roles = [staff_access.role_at(user, hotel.id) for hotel in (source, target)]
    return all(role is not None and role.allows(StaffRole.MANAGER) for role in roles)


def copy_targets(user: StaffUser, source: Hotel) -> list[Hotel]:
    """The other hotels of ``source``'s group that ``user`` may copy its catalog into."""
    if source.group_id is None:
        return []
    others = db.session.scalars(
        select(Hotel).where(Hotel.group_id == source.group_id, Hotel.id != source.id).order_by(Hotel.slug)
    )
    return [hotel for hotel in others if may_copy(user, source, hotel)]


def converted_price(
    amount: int, source_currency: str, target_currency: str, rates: dict[str, Decimal]
) -> int:
    """``amount`` (minor units of ``source_currency``) in ``target_currency``, rounded as a hotel prices.

    Through the reporting currency: ``amount × rate(source) ÷ rate(target)``. Then rounded to
    steps of 5 in the second significant digit (114.3 → 115, 25.61 → 25.50, 1,234,567 → 1,250,000):
    within 2.5 % of the exact figure, and a price a guest reads as a price. A free item stays
    free; a paid one never rounds down to free.
    """
    if amount == 0 or source_currency == target_currency:
        return amount
    exact = group_figures.to_major(amount, source_currency) * rates[source_currency] / rates[target_currency]
    precision = get_currency_precision(target_currency)
    step = max(Decimal(5).scaleb(exact.adjusted() - 2), Decimal(1).scaleb(-precision))
    rounded = (exact / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return max(int(rounded.scaleb(precision)), int(step.scaleb(precision)))


def _rates(source: Hotel, target: Hotel) -> dict[str, Decimal]:
    if source.currency == target.currency:
        return {}
    rates = group_figures.rates_of(source.group)
    for currency in (source.currency, target.currency):
        if not rates.get(currency):
            raise NotAllowed(
                _(
                    "The group has no exchange rate for %(currency)s, so prices cannot be converted from "
                    "%(source)s to %(target)s. Enter the rate first, then copy again.",
                    currency=currency,
                    source=source.currency,
                    target=target.currency,
                )
            )
    return rates


@operation
def copy_catalog(source: Hotel, target: Hotel, *, days: int = SLOT_DAYS) -> CopyReport:
    """Copy ``source``'s catalog into ``target`` (same group); existing codes are skipped, never changed."""
    if source.id == target.id:
        raise LobbyError(_("Choose another hotel to copy the catalog into."))
    if source.group_id is None or source.group_id != target.group_id:
        raise NotAllowed(_("A catalog can only be copied between hotels of the same group."))
    rates = _rates(source, target)
    report = CopyReport(converted=bool(rates))

    target_pools = _by_code(ResourcePool, target.id)
    pools: dict[int, ResourcePool] = {}  # source pool id -> the target's pool of its code
    for pool in db.session.scalars(
        select(ResourcePool).where(ResourcePool.hotel_id == source.id).order_by(ResourcePool.id)
    ):
        if pool.code in target_pools:
            report.skipped_pools.append(pool.code)
            pools[pool.id] = target_pools[pool.code]
            continue
        copy = ResourcePool(
            hotel_id=target.id,
            code=pool.code,
            name=pool.name.as_dict(),
            capacity=pool.capacity,
            mode=pool.mode,
            schedules=[
                Schedule(hotel_id=target.id, weekday=s.weekday, start_time=s.start_time, minutes=s.minutes)
                for s in pool.schedules
            ],
        )
        db.session.add(copy)
        pools[pool.id] = copy
        report.pools.append(pool.code)
        if pool.mode is PoolMode.EVENTS:
            report.event_pools.append(pool.code)

    target_services = _by_code(Service, target.id)
    services: dict[int, Service] = {}  # source service id -> the target's service of its code
    originals = db.session.scalars(
        select(Service).where(Service.hotel_id == source.id, Service.archived.is_(False)).order_by(Service.id)
    ).all()
    for service in originals:
        if service.code in target_services:
            report.skipped_services.append(service.code)
            services[service.id] = target_services[service.code]
            continue
        copy = Service(
            hotel_id=target.id,
            code=service.code,
            pool=pools[service.pool_id],
            title=service.title.as_dict(),
            summary=service.summary.as_dict(),
            description=service.description.as_dict(),
            tags=list(service.tags),
            **{name: getattr(service, name) for name in SERVICE_FIELDS},
            **{
                name: converted_price(getattr(service, name), source.currency, target.currency, rates)
                for name in PRICES
            },
        )
        db.session.add(copy)
        services[service.id] = copy
        report.services.append(service.code)
    db.session.flush()
    for service in originals:
        if service.code in report.services:
            report.photos += _copy_photos(service, services[service.id])

    target_packages = _by_code(Package, target.id)
    for package in db.session.scalars(
        select(Package).where(Package.hotel_id == source.id, Package.archived.is_(False)).order_by(Package.id)
    ):
        if package.code in target_packages:
            report.skipped_packages.append(package.code)
            continue
        copy = Package(
            hotel_id=target.id,
            code=package.code,
            audience=package.audience,
            title=package.title.as_dict(),
            summary=package.summary.as_dict(),
            position=package.position,
            active=package.active,
            bundle_size=package.bundle_size,
            bundle_percent=package.bundle_percent,
        )
        db.session.add(copy)
        db.session.flush()
        members = [services[s.id] for s in package.services if s.id in services]
        if members:
            db.session.execute(
                package_service.insert(),
                [
                    {"package_id": copy.id, "service_id": service.id, "position": index}
                    for index, service in enumerate(members)
                ],
            )
        report.packages.append(package.code)

    report.slots = hotel_setup.extend_slots(target, days)
    audit.record(target.id, "catalog.copied", target, after={"from": source.slug, **report.as_audit()})
    return report


def _by_code(model, hotel_id: int) -> dict:
    return {row.code: row for row in db.session.scalars(select(model).where(model.hotel_id == hotel_id))}


def _copy_photos(source: Service, target: Service) -> int:
    """Each photo's files copied under a new name: removing one hotel's photo never takes the other's."""
    folder = photos.folder()
    copied = 0
    for photo in source.photos:
        if not all((folder / f"{photo.name}-{width}.webp").exists() for width in photo.widths):
            continue  # its files are gone (a restored database without its uploads): nothing to copy
        name = secrets.token_hex(16)
        for width in photo.widths:
            shutil.copyfile(folder / f"{photo.name}-{width}.webp", folder / f"{name}-{width}.webp")
        db.session.add(
            ServicePhoto(
                hotel_id=target.hotel_id,
                service_id=target.id,
                name=name,
                widths=list(photo.widths),
                position=photo.position,
            )
        )
        copied += 1
    return copied
