"""The domain model, one module per part of the domain; import from here."""

from app.models.catalog import (
    Package,
    PoolMode,
    ResourcePool,
    Schedule,
    Service,
    ServiceKind,
    Slot,
    package_service,
)
from app.models.hotel import Hotel
from app.models.i18n import LocalizedText
from app.models.orders import (
    FolioLine,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    SeatAllocation,
)
from app.models.staff import StaffUser
from app.models.stays import Stay, Tier

__all__ = [
    "FolioLine",
    "Hotel",
    "LineStatus",
    "LocalizedText",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Package",
    "PaymentMethod",
    "PoolMode",
    "ResourcePool",
    "Schedule",
    "SeatAllocation",
    "Service",
    "ServiceKind",
    "Slot",
    "StaffUser",
    "Stay",
    "Tier",
    "package_service",
]
