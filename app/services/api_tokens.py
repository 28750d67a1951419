"""Bearer tokens a hotel's own systems (its PMS first) call Lobby's API with: one hotel each.

A token is shown once, when it is made; only its SHA-256 is kept, so a copy of the
database does not open the API. A long random token needs no slow hash: nobody can
guess one, and the hash only has to make the stored value useless.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import ApiCall, ApiToken, Hotel, StaffUser
from app.services import audit
from app.services.errors import LobbyError
from app.services.hotel_rows import hotel_row
from app.services.locking import write_transaction
from app.services.transactions import operation

# Lobby's tokens start with this, so they are recognisable in a config file or a leak report.
TOKEN_START = "lobby_"
# 32 random bytes: 256 bits, far beyond guessing.
TOKEN_BYTES = 32
# How much of a token the list shows to tell tokens apart (the column holds 12).
PREFIX_LENGTH = 12
NAME_MAX = 80
# What a key may be allowed to do, each a family of the public API (/api/v1), with what it means in
# English for developers; screens name them in the reader's language through app/web/labels.py.
# A scope is "<family>:<read|write>"; the family groups them on the manager's page.
SCOPES: dict[str, str] = {
    "stays:read": "Read stays (reservations) and their guests",
    "stays:write": "Create, update, cancel, check in and check out stays",
    "catalog:read": "Read packages, services, prices and availability",
    "orders:read": "Read orders and their lines",
    "payments:read": "Read payments and refunds",
    "folio:read": "Read folio lines (room charges)",
    "folio:write": "Mark folio lines as taken over by the PMS",
    "requests:read": "Read guest requests",
    "requests:write": "Change a guest request's status",
    "feedback:read": "Read guest feedback",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# An Authorization header of the Bearer scheme (RFC 6750's b64token; the scheme's case is free).
_BEARER = re.compile(r"Bearer ([A-Za-z0-9._~+/-]{1,500}=*)", re.IGNORECASE)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scope_family(scope: str) -> str:
    """ "stays" for "stays:write": what part of the API the scope is about."""
    return scope.partition(":")[0]


def chosen_scopes(scopes: Iterable[str] | None) -> list[str]:
    """``scopes`` in :data:`SCOPES`' order, each once; None is every scope.

    An unknown scope is refused, not dropped: a key that silently lacks a right it was
    given fails later, on a call, far from the typo.
    """
    if scopes is None:
        return list(SCOPES)
    scopes = [scope.strip() for scope in scopes]
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise LobbyError(_("There is no such permission: %(scope)s.", scope=unknown[0]))
    if not scopes:
        raise LobbyError(_("Please choose at least one thing the token may do."))
    return [scope for scope in SCOPES if scope in scopes]


# What the audit trail keeps of a key: never the token or its hash.
AUDITED = ("name", "prefix", "scopes")


@operation
def create_token(
    hotel: Hotel, name: str, created_by: StaffUser | None, scopes: Iterable[str] | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``hotel``: the stored row and the token itself, to show once.

    ``scopes`` None gives every scope (the command line's default); else exactly those, at
    least one, each a name in :data:`SCOPES`.
    """
    scopes = chosen_scopes(scopes)
    name = name.strip()
    if not name:
        raise LobbyError(_("Please say what the token is for."))
    if len(name) > NAME_MAX or _CONTROL.search(name):
        raise LobbyError(
            ngettext(
                "Please use one line of at most %(num)d character.",
                "Please use one line of at most %(num)d characters.",
                NAME_MAX,
            )
        )
    token = TOKEN_START + secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(
        hotel_id=hotel.id,
        name=name,
        token_hash=digest(token),
        prefix=token[:PREFIX_LENGTH],
        created_by_id=created_by.id if created_by is not None else None,
        scopes=scopes,
    )
    db.session.add(row)
    audit.record(hotel.id, "api_key.created", row, after=audit.snapshot(row, AUDITED))
    return row, token


def hotel_tokens(hotel_id: int) -> list[ApiToken]:
    """Every token of the hotel, the usable ones first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.hotel_id == hotel_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        )
    )


@operation
def revoke(hotel: Hotel, token_id: int, now: datetime | None = None) -> ApiToken:
    """The token stops working at once; it stays listed, so it is clear when and that it ended."""
    row = hotel_key(hotel.id, token_id)
    if row.revoked_at is None:
        row.revoked_at = now or clock.now()
        audit.record(hotel.id, "api_key.revoked", row, after=audit.snapshot(row, AUDITED))
    return row


def hotel_key(hotel_id: int, token_id: int) -> ApiToken:
    """The hotel's key ``token_id``; another hotel's is :class:`NotFound`, like a missing one."""
    return hotel_row(ApiToken, hotel_id, token_id, _("There is no such token."))


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; None for anything else."""
    match = _BEARER.fullmatch((authorization or "").strip())
    return match.group(1) if match else None


def authenticate(hotel: Hotel, token: str, now: datetime | None = None) -> ApiToken | None:
    """The hotel's active token ``token`` is, with its last use recorded; None if it is not one.

    A token of another hotel, or a revoked one, is no token here.
    """
    with write_transaction():
        row = db.session.scalar(
            select(ApiToken).where(
                ApiToken.token_hash == digest(token),
                ApiToken.hotel_id == hotel.id,
                ApiToken.revoked_at.is_(None),
            )
        )
        if row is None:
            return None
        row.last_used_at = now or clock.now()
    return row


def find_key(token: str) -> ApiToken | None:
    """The active key ``token`` is, whichever hotel it belongs to (the public API's hotel is the key's).

    Only reads: the key's last use is written with the call's log line (:func:`record_call`),
    one write per call rather than two.
    """
    return db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None))
    )


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    status: int
    duration_ms: int
    idempotency_key: str | None = None
    replayed: bool = False


def record_call(key_id: int, call: Call, now: datetime | None = None) -> None:
    """One line of the key's call log, and the key's last use: who did what, and how it went."""
    now = now or clock.now()
    with write_transaction():
        key = db.session.get(ApiToken, key_id)
        if key is None:
            return
        key.last_used_at = now
        db.session.add(
            ApiCall(
                hotel_id=key.hotel_id,
                token_id=key.id,
                at=now,
                method=call.method,
                path=call.path[:300],
                status=call.status,
                duration_ms=call.duration_ms,
                idempotency_key=call.idempotency_key,
                replayed=call.replayed,
            )
        )


# A page of a key's call log.
CALLS_PAGE_SIZE = 50
# The answers' classes the log can be narrowed to: 2 is 2xx (done), 4 is 4xx (refused), 5 is 5xx (failed).
STATUS_CLASSES = (2, 4, 5)


@dataclass(frozen=True)
class CallPage:
    calls: list[ApiCall]
    page: int
    has_next: bool


def key_calls(key: ApiToken, *, status_class: int | None = None, page: int = 1) -> CallPage:
    """One page of the key's call log, newest first; ``status_class`` 4 keeps only the 4xx answers."""
    query = select(ApiCall).where(ApiCall.hotel_id == key.hotel_id, ApiCall.token_id == key.id)
    if status_class in STATUS_CLASSES:
        query = query.where(ApiCall.status >= status_class * 100, ApiCall.status < (status_class + 1) * 100)
    page = max(page, 1)
    found = list(
        db.session.scalars(
            query.order_by(ApiCall.at.desc(), ApiCall.id.desc())
            .offset((page - 1) * CALLS_PAGE_SIZE)
            .limit(CALLS_PAGE_SIZE + 1)
        )
    )
    return CallPage(found[:CALLS_PAGE_SIZE], page, len(found) > CALLS_PAGE_SIZE)


def token_name(token: str) -> str | None:
    """The name of the usable token ``token`` is, without marking it used (the audit trail's PMS name)."""
    return db.session.scalar(
        select(ApiToken.name).where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None))
    )
