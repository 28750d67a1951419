"""The demo catalog's texts in every language but English, one module per locale.

English lives beside the data in ``catalog_data``; each ``<locale>.py`` here maps
``"<kind>.<code>.<field>"`` (e.g. ``"service.crib.title"``) to its translation, so a
translator works on one file and a missing key is easy to find.
"""

from __future__ import annotations

import importlib
from functools import cache

LOCALES = ("vi", "ms", "ka", "ru", "ar")


@cache
def _texts(locale: str) -> dict[str, str]:
    try:
        return importlib.import_module(f"app.seed.texts.{locale}").TEXTS
    except ModuleNotFoundError:
        return {}


def all_languages(key: str, english: str) -> dict[str, str]:
    """``english`` plus every translation of ``key`` that exists."""
    texts = {"en": english}
    for locale in LOCALES:
        if key in _texts(locale):
            texts[locale] = _texts(locale)[key]
    return texts


def missing(keys: list[str]) -> dict[str, list[str]]:
    """For each locale, the keys it has no text for (what a translator still has to do)."""
    return {locale: [key for key in keys if key not in _texts(locale)] for locale in LOCALES}
