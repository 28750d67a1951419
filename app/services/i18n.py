"""Which languages a hotel speaks and what a text falls back to; the request's choice is the web's.

Choosing the locale of a page (Accept-Language, the person's saved choice, staff's own
language) needs the request and lives in ``app/web/locale.py``; these rules take the
hotel and the locale as arguments so the CLI, emails and the API use them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.models import Hotel

RTL_LANGUAGES = {"ar", "fa", "he", "ur"}


def enabled_locales(hotel: Hotel | None, supported: Sequence[str]) -> list[str]:
    """The hotel's enabled languages that also have an interface translation (``supported``)."""
    if hotel is None:
        return list(supported)
    return [code for code in hotel.enabled_locales if code in supported] or [supported[0]]


def default_locale(hotel: Hotel | None, locales: Sequence[str]) -> str:
    """The language to speak when nothing else says which: the hotel's own, else the first enabled."""
    return hotel.default_locale if hotel is not None else locales[0]


def locale_chain(locale: str, hotel: Hotel | None) -> tuple[str, tuple[str, ...]]:
    """A catalog text's locale and what to fall back to: the hotel's default language."""
    return locale, ((hotel.default_locale,) if hotel is not None else ())


def text_direction(locale: str) -> str:
    return "rtl" if locale.split("_")[0] in RTL_LANGUAGES else "ltr"
