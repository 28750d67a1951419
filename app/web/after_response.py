"""Work a request leaves for after its response has gone out: flushing the buffered counts.

The guest pages count offers shown and page views in a buffer (``app.services.view_counts``);
writing it is the worker's job once the page is sent (``call_on_close`` runs when the server
closes the response, after the last byte), so no guest waits for the database's writer lock.
"""

from __future__ import annotations

from flask import Flask, Response

from app.services import view_counts


def init_app(app: Flask) -> None:
    view_counts.init_app(app)

    @app.after_request
    def flush_counts_when_due(response: Response) -> Response:
        if view_counts.due():
            response.call_on_close(lambda: view_counts.flush_in(app))
        return response
