"""File downloads answered by views: the one way a CSV leaves Lobby (see ``services.csv_files``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Response

from app.services import csv_files


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> Response:
    return Response(
        csv_files.as_text(header, rows).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
