"""The web's part in guest emails: its templates and absolute links, lent to ``services/messages.py``.

Emails are written outside any page (cron runs ``flask lobby send-due-messages``), yet they
use the pages' templates, filters and ``url_for``. This module makes that possible and is
handed to the domain at app creation, so the domain never builds a request of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g, render_template, url_for
from flask_babel import force_locale, refresh

from app.models import Hotel
from app.services import messages
from app.web.sites import public_base_url


class FlaskEmailPages:
    """Renders with the app's templates and links to the hotel's own site (``messages.EmailPages``)."""

    @contextmanager
    def written_for(self, hotel: Hotel, locale: str) -> Iterator[None]:
        """Render as if on a page of the hotel's site, for this hotel (time zone) in the stay's language.

        A request context built from the hotel's public address (its host name, or
        PUBLIC_BASE_URL with ``/h/<slug>``: ``sites.public_base_url``) makes
        ``url_for(..., _external=True)`` give absolute links to that hotel's site (with any path
        prefix) without setting SERVER_NAME, which would also change how the live app matches
        incoming requests.
        """
        with current_app.test_request_context("/", base_url=public_base_url(hotel)):
            # Babel keeps the locale and time zone on ``g``, which the CLI's app context shares.
            before = g.get("hotel"), g.get("stay")
            g.hotel, g.stay = hotel, None
            refresh()
            try:
                with force_locale(locale):
                    yield
            finally:
                g.hotel, g.stay = before
                refresh()

    def render(self, template_name: str, **context) -> str:
        return render_template(template_name, **context)

    def link(self, endpoint: str, **values) -> str:
        return url_for(endpoint, _external=True, **values)

    def path(self, endpoint: str, **values) -> str:
        return url_for(endpoint, **values)


def init_app(app: Flask) -> None:
    messages.use_pages(app, FlaskEmailPages())
