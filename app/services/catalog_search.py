"""What a guest's search matches: every language's title and summary of a service, folded.

Folding makes "Dalat", "Đà Lạt" and "ĐÀ LẠT" the same, in any script: compatibility
decomposition, accents dropped, case folded, runs of spaces made one. The service keeps the
folded text in ``search_text`` (written on every flush that changes its texts), so a search is
one ``LIKE`` on either database, and SQLite's ASCII-only ``lower()`` never matters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from sqlalchemy import ColumnElement, and_, event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Service
from app.models.i18n import LocalizedText

# Letters that carry their stroke inside the letter, so decomposition keeps them whole.
_PLAIN = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ħ": "h", "ı": "i", "ß": "ss"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.translate(_PLAIN).split())


def search_text_for(service: Service) -> str:
    texts = [*_texts(service.title), *_texts(service.summary)]
    # One text per line: a search never matches across the end of one title and the next.
    return "\n".join(dict.fromkeys(fold(text) for text in texts if text.strip()))


def matches(query: str) -> ColumnElement[bool] | None:
    """The services whose texts hold every word of ``query``; None when it has no words."""
    words = fold(query).split()
    if not words:
        return None
    conditions = [Service.search_text.like(f"%{_escaped(word)}%", escape="\\") for word in words]
    return and_(*conditions)


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _texts(text: LocalizedText | Mapping[str, str] | str | None) -> list[str]:
    # Before a flush an attribute holds whatever was assigned: the column type makes it a text later.
    localized = text if isinstance(text, LocalizedText) else LocalizedText(text)
    return list(localized.as_dict().values())


def listen_for_flushes() -> None:
    """Keep ``search_text`` with the texts on every flush of ``db.session``; the app factory calls this."""
    if not event.contains(db.session, "before_flush", _keep_search_text):
        event.listen(db.session, "before_flush", _keep_search_text)


def _keep_search_text(session: Session, _context, _instances) -> None:
    for service in [*session.new, *session.dirty]:
        if isinstance(service, Service):
            text = search_text_for(service)
            if service.search_text != text:
                service.search_text = text
