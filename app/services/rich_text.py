"""Descriptions managers write: a small Markdown subset, rendered, then sanitized with nh3.

Markdown alone passes raw HTML through, so nh3 (the maintained successor of bleach)
keeps only the tags below; no attribute that can carry script survives, and links may
only point to http, https or mailto.
"""

from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup

from app.models.i18n import LocalizedText

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str | LocalizedText) -> Markup:
    other_language = None
    if isinstance(text, LocalizedText):
        text, other_language = text.shown()
    html = markdown.markdown(text or "", extensions=[], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    if other_language:  # a missing translation: say which language this is, and keep its direction
        return Markup('<div lang="{}" dir="auto">{}</div>').format(other_language, Markup(clean))
    return Markup(clean)  # sanitized by nh3 just above
