"""A catalog grown to hundreds or thousands of services, to prove pages stay bounded at that size.

Copies of the hotel's own services (the demo's, once seeded): titles numbered in every
language, the same pools, kinds, tags and ages, prices varied, each copy in the packages its
original sits in, after what is already there. Written with bulk inserts (a few statements
for thousands of rows), so the flush hook that keeps ``search_text`` never runs: it is
filled here with the same function.
"""

from __future__ import annotations

from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import Hotel, Service, package_service
from app.services.catalog_search import search_text_for

# Copied as they are; texts, code, prices and position are made per copy.
_KEPT = (
    "kind",
    "pool_id",
    "free_under_age",
    "min_age",
    "max_age",
    "duration_minutes",
    "lead_time_minutes",
    "cancel_window_hours",
    "late_cancel_fee_percent",
    "needs_approval",
)
# Prices move by up to ±30 % from one copy to the next, in steps of 5 %, so a price filter splits them.
_PRICE_STEPS = (100, 85, 115, 70, 130, 95, 105, 80, 120, 90, 110, 75, 125)


def grow_catalog(hotel: Hotel, services: int = 2000) -> int:
    """Copy ``hotel``'s services on sale until it has ``services`` in all; returns how many it added."""
    originals = list(
        db.session.scalars(
            select(Service)
            .where(Service.hotel_id == hotel.id, Service.active.is_(True), Service.archived.is_(False))
            .order_by(Service.position, Service.id)
        )
    )
    have = db.session.scalar(select(func.count()).select_from(Service).where(Service.hotel_id == hotel.id))
    wanted = services - have
    if wanted <= 0 or not originals:
        return 0
    memberships: dict[int, list[int]] = {}
    for package_id, service_id in db.session.execute(
        select(package_service.c.package_id, package_service.c.service_id)
    ):
        memberships.setdefault(service_id, []).append(package_id)
    next_position = dict(
        db.session.execute(
            select(package_service.c.package_id, func.max(package_service.c.position) + 1).group_by(
                package_service.c.package_id
            )
        ).all()
    )
    last_position = db.session.scalar(select(func.max(Service.position)).where(Service.hotel_id == hotel.id))

    rows, copied_from = [], []
    for n in range(wanted):
        original = originals[n % len(originals)]
        # Numbered across the whole catalog, so every copy has a title of its own, in every language.
        rows.append(_copy(original, have + n + 1, n, (last_position or 0) + 1 + n))
        copied_from.append(original.id)
    returning_ids = insert(Service).returning(Service.id, sort_by_parameter_order=True)
    new_ids = list(db.session.scalars(returning_ids, rows))

    links = []
    for service_id, original_id in zip(new_ids, copied_from, strict=True):
        for package_id in memberships.get(original_id, []):
            position = next_position[package_id]
            links.append({"package_id": package_id, "service_id": service_id, "position": position})
            next_position[package_id] = position + 1
    if links:
        db.session.execute(insert(package_service), links)
    hotel.catalog_version += 1  # bulk inserts pass by the hooks that would say the catalog changed
    db.session.commit()
    return len(new_ids)


def _copy(original: Service, number: int, n: int, position: int) -> dict:
    step = _PRICE_STEPS[n % len(_PRICE_STEPS)]
    title = {locale: f"{text} {number}" for locale, text in original.title.as_dict().items()}
    summary = original.summary.as_dict()
    row = {field: getattr(original, field) for field in _KEPT}
    row.update(
        hotel_id=original.hotel_id,
        code=f"{original.code[:30]}_{number}",
        title=title,
        summary=summary,
        description=original.description.as_dict(),
        price_adult=_varied(original.price_adult, step),
        price_child=_varied(original.price_child, step),
        price_unit=_varied(original.price_unit, step),
        position=position,
        active=True,
        archived=False,
        pinned=False,
        tags=list(original.tags or []),
        search_text=search_text_for(Service(title=title, summary=summary)),
    )
    return row


def _varied(price: int, step: int) -> int:
    # Whole hundreds, as a hotel prices; a free service stays free.
    return price * step // 100 // 100 * 100 if price else 0
