"""The domain model, one module per part of the domain; import from here."""

from app.models.analytics import (
    ArrivalDay,
    HotelSalesDay,
    OfferImpression,
    OfferPlace,
    SalesDay,
    ServiceViewDay,
    StayPaidLines,
)
from app.models.api_tokens import ApiCall, ApiToken, IdempotentAnswer
from app.models.audit import ActorKind, AuditEntry
from app.models.catalog import (
    Package,
    PoolMode,
    ResourcePool,
    Schedule,
    Service,
    ServiceKind,
    ServicePhoto,
    ServiceTag,
    Slot,
    package_service,
)
from app.models.discounts import PromoCode, PromoKind
from app.models.feedback import Feedback
from app.models.guest_requests import GuestRequest, RequestEvent, RequestKind, RequestStatus, SlaTarget
from app.models.hotel import ExchangeRate, Hotel, HotelGroup, HotelHost, MarketingConsent
from app.models.i18n import LocalizedText
from app.models.integrations import (
    ArrivalImport,
    PmsConnection,
    PmsPosting,
    PmsSyncRun,
    PostingStatus,
    SyncKind,
)
from app.models.messages import MessageKind, MessageStatus, OutboundMessage
from app.models.orders import (
    FolioExport,
    FolioLine,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    SeatAllocation,
)
from app.models.payments import Payment, PaymentStatus, Refund, RefundStatus, WebhookEvent
from app.models.rooms import Room
from app.models.staff import StaffMembership, StaffRole, StaffUser
from app.models.stays import ConsentRecord, Stay, StaySource, Tier
from app.models.waitlist import WaitlistEntry, WaitlistStatus
from app.models.webhooks import DeliveryStatus, OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ActorKind",
    "ApiCall",
    "ApiToken",
    "ArrivalDay",
    "ArrivalImport",
    "AuditEntry",
    "ConsentRecord",
    "DeliveryStatus",
    "ExchangeRate",
    "Feedback",
    "FolioExport",
    "FolioLine",
    "GuestRequest",
    "Hotel",
    "HotelGroup",
    "HotelHost",
    "HotelSalesDay",
    "IdempotentAnswer",
    "LineStatus",
    "LocalizedText",
    "MarketingConsent",
    "MessageKind",
    "MessageStatus",
    "OfferImpression",
    "OfferPlace",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OutboundMessage",
    "OutboxEvent",
    "Package",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "PmsConnection",
    "PmsPosting",
    "PmsSyncRun",
    "PoolMode",
    "PostingStatus",
    "PromoCode",
    "PromoKind",
    "Refund",
    "RefundStatus",
    "RequestEvent",
    "RequestKind",
    "RequestStatus",
    "ResourcePool",
    "Room",
    "SalesDay",
    "Schedule",
    "SeatAllocation",
    "Service",
    "ServiceKind",
    "ServicePhoto",
    "ServiceTag",
    "ServiceViewDay",
    "SlaTarget",
    "Slot",
    "StaffMembership",
    "StaffRole",
    "StaffUser",
    "Stay",
    "StayPaidLines",
    "StaySource",
    "SyncKind",
    "Tier",
    "WaitlistEntry",
    "WaitlistStatus",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "package_service",
]
