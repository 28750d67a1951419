"""The demo group: three hotels whose currencies, languages and time zones differ, one package each.

The lodge near Đà Lạt is ``app.seed.catalog_data`` (hotel id 1: most tests sign in there); the
others live here, ``langkawi`` and ``kakheti``, each with its catalog in English and one module
of translations per language it enables. Each has the shape of ``catalog_data``: HOTEL, HOSTS,
ROOMS, STAYS, POOLS, PACKAGES, SERVICES, and TRANSLATIONS (its ``app.seed.texts.Translations``).
"""

from __future__ import annotations

from decimal import Decimal
from types import ModuleType

from app.seed import catalog_data
from app.seed.hotels import kakheti, langkawi

# Seeded in this order: the lodge first, so it keeps hotel id 1.
HOTELS: tuple[ModuleType, ...] = (catalog_data, langkawi, kakheti)

GROUP = {"slug": "demo", "name": "Lobby Demo Hotels", "reporting_currency": "USD"}
# US dollars per unit of each hotel's currency, as a group's accountants would enter them
# (mid-market, late 2026, rounded): 1 USD ≈ 25,400 ₫ ≈ 4.46 RM ≈ 2.70 ₾.
RATES = {"VND": Decimal("0.0000394"), "MYR": Decimal("0.224"), "GEL": Decimal("0.37")}
