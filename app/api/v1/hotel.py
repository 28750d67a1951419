"""The key's own hotel: what a client needs to speak to it (currency, time zone, languages)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.api.v1 import api
from app.api.v1.kit import hotel


class HotelOut(BaseModel):
    slug: str
    name: str
    currency: str = Field(description="ISO 4217; every amount of this hotel is in its minor units")
    timezone: str = Field(description="IANA time zone; times in the API are UTC")
    default_language: str
    languages: list[str]


@api.route(
    "/hotel", scope="catalog:read", summary="The key's hotel", tags=["hotel"], responses={200: HotelOut}
)
def hotel_of_key() -> HotelOut:
    """The hotel the key belongs to: every other endpoint reads and writes only this hotel's data."""
    current = hotel()
    return HotelOut(
        slug=current.slug,
        name=current.name.localize(current.default_locale),
        currency=current.currency,
        timezone=current.timezone,
        default_language=current.default_locale,
        languages=list(current.enabled_locales),
    )
