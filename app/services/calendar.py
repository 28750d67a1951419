"""Bookings as an iCalendar file the guest's phone can add to its calendar."""

from __future__ import annotations

from icalendar import Calendar, Event

from app import clock
from app.models import Hotel, Order


def order_calendar(order: Order, hotel: Hotel, host: str) -> bytes:
    """One event per live line of ``order``, titled in the guest's language."""
    cal = Calendar()
    cal.add("prodid", "-//Lobby//Guest services//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-timezone", hotel.timezone)
    stamp = clock.now()
    for line in order.live_lines:
        event = Event()
        event.add("uid", f"{order.reference}-{line.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", str(line.service.title))
        event.add("location", str(hotel.name))
        if line.service.kind.by_day:
            # All-day events: a rental or amenity covers whole calendar days.
            event.add("dtstart", line.start_date)
            event.add("dtend", hotel.local(line.ends_at).date())
        else:
            event.add("dtstart", hotel.local(line.starts_at))
            event.add("dtend", hotel.local(line.ends_at))
        event.add("description", str(line.service.summary))
        cal.add_component(event)
    # RFC 5545: every TZID used needs its VTIMEZONE, or Outlook and some Android calendars
    # shift or drop the event; icalendar builds it from the zone database.
    cal.add_missing_timezones()
    return cal.to_ical()
