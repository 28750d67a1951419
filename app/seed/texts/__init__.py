"""The demo catalog's texts in every language but English, one module per locale.

English lives beside the data (``catalog_data`` for the lodge, ``app/seed/hotels/<slug>`` for
the others); each ``<locale>.py`` maps ``"<kind>.<code>.<field>"`` (e.g. ``"service.crib.title"``)
to its translation, so a translator works on one file and a missing key is easy to find.
This package holds the lodge's; each other demo hotel keeps its own beside its data.
"""

from __future__ import annotations

import importlib
from functools import cache

LOCALES = ("vi", "ms", "ka", "ru", "ar")


class Translations:
    """The ``<locale>.py`` modules of one package, read when first asked for."""

    def __init__(self, package: str, locales: tuple[str, ...]):
        self.package = package
        self.locales = locales

    @cache  # noqa: B019 — a handful of module-level instances, kept for the process anyway
    def texts(self, locale: str) -> dict[str, str]:
        try:
            return importlib.import_module(f"{self.package}.{locale}").TEXTS
        except ModuleNotFoundError:
            return {}

    def all_languages(self, key: str, english: str) -> dict[str, str]:
        """``english`` plus every translation of ``key`` that exists."""
        texts = {"en": english}
        for locale in self.locales:
            if key in self.texts(locale):
                texts[locale] = self.texts(locale)[key]
        return texts

    def missing(self, keys: list[str]) -> dict[str, list[str]]:
        """For each locale, the keys it has no text for (what a translator still has to do)."""
        return {locale: [key for key in keys if key not in self.texts(locale)] for locale in self.locales}


LODGE = Translations(__name__, LOCALES)


def all_languages(key: str, english: str) -> dict[str, str]:
    """The lodge's ``english`` text plus every translation of ``key`` that exists."""
    return LODGE.all_languages(key, english)


def missing(keys: list[str]) -> dict[str, list[str]]:
    return LODGE.missing(keys)
