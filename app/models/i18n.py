"""Catalog text that holds every language in one JSON column and localizes itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import JSON
from sqlalchemy.types import TypeDecorator


class LocalizedText:
    """A text in several languages; ``str()`` gives the current request's language.

    The fallback chain is: the asked locale, its base language (``pt_BR`` -> ``pt``),
    the hotel's default locale, English, then any language that has the text, so a
    guest never sees an empty title just because a translation is missing.
    """

    __slots__ = ("_texts",)

    def __init__(self, texts: Mapping[str, str] | str | None = None):
        if isinstance(texts, str):
            texts = {"en": texts}
        self._texts = {k: v for k, v in (texts or {}).items() if v and v.strip()}

    def localize(self, locale: str, fallbacks: Iterable[str] = ()) -> str:
        for candidate in (locale, locale.split("_")[0], *fallbacks, "en"):
            if candidate in self._texts:
                return self._texts[candidate]
        return next(iter(self._texts.values()), "")

    def has(self, locale: str) -> bool:
        return locale in self._texts

    def as_dict(self) -> dict[str, str]:
        return dict(self._texts)

    def __str__(self) -> str:
        # Imported here so models stay usable outside a Flask app (migrations, scripts).
        from app.services.i18n import current_locale_chain

        locale, fallbacks = current_locale_chain()
        return self.localize(locale, fallbacks)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __bool__(self) -> bool:
        return bool(self._texts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalizedText) and other._texts == self._texts

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._texts.items())))

    def __repr__(self) -> str:
        return f"LocalizedText({self._texts!r})"


class I18nText(TypeDecorator):
    """Stores a :class:`LocalizedText` as a JSON object ``{"en": "...", "vi": "..."}``."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, LocalizedText):
            return value.as_dict()
        return LocalizedText(value).as_dict()

    def process_result_value(self, value, dialect):
        return LocalizedText(value)
