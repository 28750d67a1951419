"""Catalog text that holds every language in one JSON column and localizes itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sqlalchemy import JSON
from sqlalchemy.types import TypeDecorator

LocaleChain = tuple[str, tuple[str, ...]]


def _no_page() -> LocaleChain:
    # Outside a page (migrations, scripts, a bare app): English, as the chain ends anyway.
    return "en", ()


# Which locale ``str()`` of a text means, and what to fall back to. The web layer knows the
# request's language and sets this at app creation (app/web/locale.py); models know no request.
_locale_chain: Callable[[], LocaleChain] = _no_page


def set_locale_chain_resolver(resolver: Callable[[], LocaleChain] | None) -> None:
    """Hand in what tells the current locale and its fallbacks; None puts the default back."""
    global _locale_chain
    _locale_chain = resolver or _no_page


class LocalizedText:
    """A text in several languages; ``str()`` gives the current locale (see ``set_locale_chain_resolver``).

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
        return self.resolve(locale, fallbacks)[0]

    def resolve(self, locale: str, fallbacks: Iterable[str] = ()) -> tuple[str, str]:
        """The text for ``locale`` and the language it is actually written in."""
        for candidate in (locale, locale.split("_")[0], *fallbacks, "en"):
            if candidate in self._texts:
                return self._texts[candidate], candidate
        lang, text = next(iter(self._texts.items()), (locale, ""))
        return text, lang

    def shown(self) -> tuple[str, str | None]:
        """The current request's text, and its language when that is not the page's (a fallback)."""
        locale, fallbacks = _locale_chain()
        text, lang = self.resolve(locale, fallbacks)
        return text, (None if lang.split("_")[0] == locale.split("_")[0] else lang)

    def has(self, locale: str) -> bool:
        return locale in self._texts

    def as_dict(self) -> dict[str, str]:
        return dict(self._texts)

    def __str__(self) -> str:
        locale, fallbacks = _locale_chain()
        return self.localize(locale, fallbacks)

    def __html__(self) -> str:
        from markupsafe import escape

        text, other_language = self.shown()
        if other_language is None:
            return str(escape(text))
        # A fallback (English in an Arabic page) keeps its own direction: Unicode's first-strong
        # isolate is dir="auto" as characters, safe where markup is not (attributes, <title>).
        return f"\u2068{escape(text)}\u2069"

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
