"""The manager's workspace: staff accounts, the folio export, the catalog and the numbers."""

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from app.manage import (  # noqa: E402,F401
    api_tokens,
    audit,
    catalog,
    charts,
    dashboard,
    discounts,
    group,
    hotel,
    hotels,
    pms,
    pools,
    privacy,
    rooms,
    routes,
    sla,
    staff,
    webhooks,
)
