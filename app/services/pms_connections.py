"""The hotel's PMS connection as managers set it up: where the PMS is, how Lobby signs in, what it maps.

Secrets (the PMS's tokens) are kept as given and never shown again in full, never
written to the audit trail; an empty field keeps the saved one. The webhook secret is
Lobby's own, made here, and goes into the address the PMS calls.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from app.extensions import db
from app.models import FolioLine, Hotel, Tier
from app.models.integrations import PmsConnection, PmsPosting, PmsSyncRun, PostingStatus
from app.services import audit
from app.services.errors import LobbyError
from app.services.transactions import operation

PROVIDERS = {"mews": "Mews"}
DEFAULT_BASE_URLS = {"mews": "https://api.mews-demo.com"}
SECRET_NAMES = ("client_token", "access_token")
DEFAULT_CLIENT = "Lobby"
DEFAULT_DAYS_AHEAD = 14
MAX_DAYS_AHEAD = 365
URL_MAX = 300
TOKEN_MAX = 500
CLIENT_MAX = 100
CLASSIFICATION_MAX = 50
MAX_CLASSIFICATIONS = 50
MAPPED_TIERS = (Tier.SILVER.value, Tier.GOLD.value)
RUNS_SHOWN = 20
POSTINGS_SHOWN = 50
# 32 random bytes, URL-safe: it goes into the webhook address.
WEBHOOK_SECRET_BYTES = 32
# What the audit trail keeps of a connection: its settings, never a token.
AUDITED = ("provider", "base_url", "enabled")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CLASSIFICATION_LINE = re.compile(r"\s*([^=]+?)\s*=\s*(\S+)\s*")


@dataclass
class ConnectionForm:
    """What the manager typed; an empty token keeps the saved one."""

    provider: str
    base_url: str
    client_token: str = ""
    access_token: str = ""
    client: str = DEFAULT_CLIENT
    service_id: str = ""
    accounting_category_id: str = ""
    days_ahead: int | None = DEFAULT_DAYS_AHEAD
    tier_lines: str = ""
    enabled: bool = True


class ConnectionRefused(LobbyError):
    """Every field that breaks a rule: ``errors`` maps a field name to its message."""

    status = 400

    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())))
        self.errors = errors


def hotel_connection(hotel: Hotel) -> PmsConnection | None:
    return db.session.scalar(select(PmsConnection).where(PmsConnection.hotel_id == hotel.id))


def parse_tier_lines(text: str) -> dict[str, str]:
    """ "GOLDVIP = gold" lines to {"GOLDVIP": "gold"}; raises LobbyError naming the first bad line."""
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _CLASSIFICATION_LINE.fullmatch(line)
        tier = match.group(2).lower() if match else ""
        if match is None or tier not in MAPPED_TIERS or len(match.group(1)) > CLASSIFICATION_MAX:
            raise LobbyError(
                _(
                    "Line %(line)d: please write one code per line as “CODE = silver” or “CODE = gold”.",
                    line=number,
                )
            )
        code = match.group(1)
        if code in mapping:
            raise LobbyError(
                _("Line %(line)d: the code “%(code)s” is already mapped.", line=number, code=code)
            )
        mapping[code] = tier
    if len(mapping) > MAX_CLASSIFICATIONS:
        raise LobbyError(
            ngettext(
                "Please map at most %(num)d code.", "Please map at most %(num)d codes.", MAX_CLASSIFICATIONS
            )
        )
    return mapping


def tier_lines(mapping: dict[str, str]) -> str:
    return "\n".join(f"{code} = {tier}" for code, tier in mapping.items())


def _https_url(typed: str) -> str:
    url = typed.strip().rstrip("/")
    if not url:
        raise LobbyError(_("Please give the address of the PMS's API."))
    if len(url) > URL_MAX or _CONTROL.search(url) or " " in url:
        raise LobbyError(
            ngettext(
                "Please give one address of at most %(num)d character.",
                "Please give one address of at most %(num)d characters.",
                URL_MAX,
            )
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- a bad port raises here
    except ValueError as error:
        raise LobbyError(_("This is not a web address.")) from error
    if parts.scheme != "https" or not parts.hostname:
        raise LobbyError(_("Please give an address that starts with https://."))
    if parts.username or parts.password or parts.query or parts.fragment:
        raise LobbyError(_("Please give the address without a user name, password, query or fragment."))
    return url


def _mews_id(typed: str, required: bool) -> str:
    value = typed.strip()
    if not value:
        if required:
            raise LobbyError(_("Please give the id from Mews."))
        return ""
    try:
        return str(uuid.UUID(value))
    except ValueError as error:
        raise LobbyError(
            _("Mews ids look like 3fa85f64-5717-4562-b3fc-2c963f66afa6: please copy it from Mews.")
        ) from error


def _one_line(typed: str, limit: int) -> str:
    value = typed.strip()
    if len(value) > limit or _CONTROL.search(value):
        raise LobbyError(
            ngettext(
                "Please give one line of at most %(num)d character.",
                "Please give one line of at most %(num)d characters.",
                limit,
            )
        )
    return value


def _check(form: ConnectionForm, saved: PmsConnection | None) -> tuple[dict, dict, dict[str, str]]:
    """The connection's credentials and settings from the form, and every field's problem."""
    errors: dict[str, str] = {}
    saved_credentials = dict(saved.credentials or {}) if saved else {}

    def read(name: str, reader):
        try:
            return reader()
        except LobbyError as error:
            errors[name] = str(error.message)
            return None

    if form.provider not in PROVIDERS:
        errors["provider"] = _("Please choose a PMS from the list.")
    base_url = read("base_url", lambda: _https_url(form.base_url))
    credentials: dict[str, str] = {}
    for name in SECRET_NAMES:
        typed = read(name, partial(_one_line, getattr(form, name), TOKEN_MAX))
        if typed:
            credentials[name] = typed
        elif saved_credentials.get(name):
            credentials[name] = saved_credentials[name]
        elif typed is not None:
            errors[name] = _("Please give the token from Mews.")
    client = read("client", lambda: _one_line(form.client, CLIENT_MAX))
    credentials["client"] = client or DEFAULT_CLIENT
    settings = dict(saved.settings or {}) if saved else {}
    service_id = read("service_id", lambda: _mews_id(form.service_id, required=True))
    category = read("accounting_category_id", lambda: _mews_id(form.accounting_category_id, required=False))
    if form.days_ahead is None or not 1 <= form.days_ahead <= MAX_DAYS_AHEAD:
        errors["days_ahead"] = _("Please enter a number from 1 to %(max)d.", max=MAX_DAYS_AHEAD)
    mapping = read("tier_lines", lambda: parse_tier_lines(form.tier_lines))
    settings |= {
        "service_id": service_id or "",
        "accounting_category_id": category or "",
        "days_ahead": form.days_ahead or DEFAULT_DAYS_AHEAD,
        "tier_by_classification": mapping or {},
    }
    settings.setdefault("webhook_secret", secrets.token_urlsafe(WEBHOOK_SECRET_BYTES))
    return {"base_url": base_url, "credentials": credentials}, settings, errors


def problems(hotel: Hotel, form: ConnectionForm) -> dict[str, str]:
    """Every field of ``form`` that the connection cannot take, with its message (nothing is saved)."""
    return _check(form, hotel_connection(hotel))[2]


def _audited(connection: PmsConnection) -> dict:
    settings = connection.settings or {}
    return {
        **{name: getattr(connection, name) for name in AUDITED},
        "service_id": settings.get("service_id", ""),
        "accounting_category_id": settings.get("accounting_category_id", ""),
        "days_ahead": settings.get("days_ahead"),
        "tier_by_classification": settings.get("tier_by_classification", {}),
        "client": (connection.credentials or {}).get("client", ""),
        # Only whether a token is set, and a fingerprint to see that it changed: never the token.
        **{
            f"{name}_fingerprint": _fingerprint((connection.credentials or {}).get(name, ""))
            for name in SECRET_NAMES
        },
    }


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:8] if secret else ""


@operation
def save_connection(hotel: Hotel, form: ConnectionForm) -> PmsConnection:
    """The connection made or changed as ``form`` says; :class:`ConnectionRefused` names each bad field."""
    saved = hotel_connection(hotel)
    values, settings, errors = _check(form, saved)
    if errors:
        raise ConnectionRefused(errors)
    before = _audited(saved) if saved is not None else None
    connection = saved or PmsConnection(hotel_id=hotel.id)
    connection.provider = form.provider
    connection.base_url = values["base_url"]
    connection.credentials = values["credentials"]
    connection.settings = settings
    connection.enabled = form.enabled
    if saved is None:
        db.session.add(connection)
        db.session.flush()
        audit.record(hotel.id, "pms.connected", connection, after=_audited(connection))
    else:
        audit.record(
            hotel.id, "pms.connection_changed", connection, before=before, after=_audited(connection)
        )
    return connection


@operation
def new_webhook_secret(hotel: Hotel) -> PmsConnection:
    """A fresh webhook secret: the old webhook address stops working (for a secret that may have leaked)."""
    connection = hotel_connection(hotel)
    if connection is None:
        raise LobbyError(_("Please save the connection first."), 409)
    connection.settings = dict(connection.settings or {}) | {
        "webhook_secret": secrets.token_urlsafe(WEBHOOK_SECRET_BYTES)
    }
    audit.record(hotel.id, "pms.webhook_secret_changed", connection, after={"webhook_secret": "new"})
    return connection


def masked(secret: str) -> str:
    """What the page shows of a saved token: its last four characters, if it is long enough to spare them."""
    if not secret:
        return ""
    return "•" * 8 + (secret[-4:] if len(secret) >= 16 else "")


@dataclass
class PmsStatus:
    runs: list[PmsSyncRun] = field(default_factory=list)
    waiting: int = 0
    refused: int = 0
    postings: list[PmsPosting] = field(default_factory=list)
    last_sync_at: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None


STATUS_LABELS = {PostingStatus.PENDING: _l("Waiting"), PostingStatus.REFUSED: _l("Refused")}


def status(hotel: Hotel) -> PmsStatus:
    """What the connection did lately and what is still to post: read from the rows the connector writes."""
    connection = hotel_connection(hotel)
    runs = db.session.scalars(
        select(PmsSyncRun)
        .where(PmsSyncRun.hotel_id == hotel.id)
        .order_by(PmsSyncRun.started_at.desc(), PmsSyncRun.id.desc())
        .limit(RUNS_SHOWN)
    ).all()
    counts = dict(
        db.session.execute(
            select(PmsPosting.status, func.count())
            .where(PmsPosting.hotel_id == hotel.id, PmsPosting.status != PostingStatus.POSTED)
            .group_by(PmsPosting.status)
        ).all()
    )
    postings = db.session.scalars(
        select(PmsPosting)
        .join(FolioLine, FolioLine.id == PmsPosting.folio_line_id)
        .where(PmsPosting.hotel_id == hotel.id, PmsPosting.status != PostingStatus.POSTED)
        # The refused ones first: staff must look at those.
        .order_by((PmsPosting.status == PostingStatus.REFUSED).desc(), PmsPosting.id)
        .limit(POSTINGS_SHOWN)
    ).all()
    return PmsStatus(
        runs=list(runs),
        waiting=counts.get(PostingStatus.PENDING, 0),
        refused=counts.get(PostingStatus.REFUSED, 0),
        postings=list(postings),
        last_sync_at=connection.last_sync_at if connection else None,
        last_error=connection.last_error if connection else "",
        last_error_at=connection.last_error_at if connection else None,
    )
