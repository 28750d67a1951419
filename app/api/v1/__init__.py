"""The public API, ``/api/v1``: the hotel's own systems (its PMS first) read and write through it with a key.

Every endpoint is declared with :class:`app.api.v1.kit.PublicApi`, which checks the key,
its scope and its rate limit, validates the request, honours ``Idempotency-Key``,
answers errors as problem details and documents it all in ``/api/v1/openapi.json``.
"""

from flask import Blueprint

from app.api.v1 import problems
from app.api.v1.kit import PublicApi, answer_errors
from app.web.errors import answer_errors_under

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
answer_errors(bp)
# Routing errors (no such address, wrong method) and the app's last-resort 500 come as problems too.
bp.record_once(lambda state: answer_errors_under(state.app, bp.url_prefix + "/", problems.for_status))
api = PublicApi(
    bp,
    title="Lobby API",
    version="1.0.0",
    description="Reservations in, charges out: the public API of a hotel's Lobby. "
    "Each key belongs to one hotel and reaches only that hotel's data.",
)

from app.api.v1 import (  # noqa: E402,F401
    catalog,
    docs,
    feedback,
    folio,
    guest_requests,
    hotel,
    orders,
    payments,
    stays,
)
