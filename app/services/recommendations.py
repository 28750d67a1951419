"""Which packages to show a stay first, each with a reason the guest can read."""

from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from app.models import Package, Stay

CHILD_AGE_LIMIT = 13  # the family package is about children, not teenagers travelling with parents


@dataclass(frozen=True)
class PackageOffer:
    package: Package
    reason: str | None
    score: int


def packages_for_stay(stay: Stay, packages: list[Package]) -> list[PackageOffer]:
    """Rank ``packages`` for ``stay``; ties keep the manager's order."""
    offers = [_offer(stay, package) for package in packages if package.active]
    return sorted(offers, key=lambda offer: -offer.score)


def _offer(stay: Stay, package: Package) -> PackageOffer:
    young = sorted(age for age in stay.children_ages if age < CHILD_AGE_LIMIT)
    if package.audience == "family":
        if young:
            ages = format_list([str(age) for age in young], locale=str(get_locale()))
            reason = ngettext(
                "Chosen for you: you are travelling with a child aged %(ages)s.",
                "Chosen for you: you are travelling with children aged %(ages)s.",
                len(young),
                ages=ages,
            )
            return PackageOffer(package, reason, 30)
        return PackageOffer(package, None, 0)
    if package.audience == "nature":
        return PackageOffer(package, _("Forest, lake and animals, right outside the hotel."), 20)
    if package.audience == "outdoor" and stay.nights >= 3:
        reason = ngettext(
            "You are here for %(num)d night: time for a day out.",
            "You are here for %(num)d nights: time for a day out.",
            stay.nights,
        )
        return PackageOffer(package, reason, 10)
    return PackageOffer(package, None, 5)
