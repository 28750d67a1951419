"""Who each request acts as, for the audit trail: staff, a guest, the hotel's PMS, or the system.

Set before every request and put back after it, so services record the right person
without ever asking Flask (``app.services.audit``). The view's own checks still decide
what the request may do; this only names who did it.
"""

from __future__ import annotations

from contextlib import ExitStack

from flask import Flask, g, request, session
from flask_login import current_user

from app.extensions import db
from app.models import Stay
from app.services import api_tokens, audit

_STACK = "_audit_actor"


def request_actor() -> audit.Actor:
    """The API's bearer token names the PMS; guest pages the signed-in stay; staff pages the staff member."""
    if request.blueprint == "api":
        token = api_tokens.bearer_token(request.headers.get("Authorization"))
        name = api_tokens.token_name(token) if token else None
        if name is not None:
            return audit.pms_actor(name)
    if request.blueprint == "guest":
        stay = _session_stay()
        if stay is not None:
            return audit.guest_actor(stay)
    if current_user.is_authenticated:
        return audit.staff_actor(current_user)
    return audit.SYSTEM


def _session_stay() -> Stay | None:
    """The stay the guest's cookie names (``app.guest.access`` decides whether it still opens it)."""
    stay_id = (session.get("stay") or [None])[0]
    return db.session.get(Stay, stay_id) if isinstance(stay_id, int) else None


def _begin() -> None:
    if request.endpoint == "static":
        return  # a file changes nothing: no need to read the session for it
    stack = ExitStack()
    # Found only if the request records something: a page view reads no stay or token for it.
    stack.enter_context(audit.acting_as(request_actor))
    setattr(g, _STACK, stack)


def _end(_error: BaseException | None) -> None:
    stack = g.pop(_STACK, None)
    if stack is not None:
        stack.close()


def init_app(app: Flask) -> None:
    app.before_request(_begin)
    app.teardown_request(_end)
