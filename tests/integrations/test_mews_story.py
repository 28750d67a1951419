"""The issue's story, end to end: a reservation made in Mews a week ahead never needs typing in.

Mews (the fake) holds a reservation arriving in seven days -> `flask lobby pms-sync` makes
the stay -> `flask lobby send-due-messages` sends the pre-arrival offer on the hotel's
``pre_arrival_days`` -> the guest follows the email's link and books on the room bill ->
`flask lobby pms-sync` posts the charge to the Mews bill, once, however often it runs.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import FolioLine, Hotel, MessageKind, OutboundMessage
from tests.integrations.test_mews_pull import stay_of
from tests.messages.conftest import inbox, parts  # noqa: F401 - the SMTP server fixture


def test_a_reservation_made_in_mews_gets_the_offer_books_and_reaches_the_mews_bill_once(
    app,
    world,
    connected,
    inbox,  # noqa: F811 - the fixture imported above
    guest,
):
    mews = connected
    runner = app.test_cli_runner()
    with app.app_context():
        db.session.get(Hotel, world.hotel_id).pre_arrival_days = 7
        db.session.commit()
    customer = mews.add_customer("Lindqvist", "Maja", "maja@example.com", language="en-GB")
    arrival = world.today + timedelta(days=7)
    reservation = mews.add_reservation(customer, arrival, arrival + timedelta(days=3), adults=2, room="212")

    synced = runner.invoke(args=["lobby", "pms-sync"])
    assert synced.exit_code == 0, synced.output
    assert "test-lodge pull: created 1" in synced.output
    stay = stay_of(app, reservation)
    assert (stay.room, stay.arrival, stay.email) == ("212", arrival, "maja@example.com")

    sent = runner.invoke(args=["lobby", "send-due-messages"])
    assert sent.exit_code == 0, sent.output
    (email,) = inbox.to("maja@example.com")
    with app.app_context():
        kinds = db.session.scalars(
            select(OutboundMessage.kind).where(OutboundMessage.stay_id == stay.id)
        ).all()
    assert kinds == [MessageKind.PRE_ARRIVAL]
    text, _html = parts(email)
    link = re.search(r"Horse riding.*?https://lobby\.example\.com(/e/\S+)", text, re.S).group(1)

    offer = guest.client.get(link)  # the offer's link signs the guest in and opens the service
    assert offer.status_code == 302
    riding = f"/services/{world.services['horse_riding']}"
    assert offer.location.startswith(riding)
    slot = re.findall(r'name="slot" value="(\d+)"', guest.client.get(riding).get_data(as_text=True))[-1]
    assert guest.post(riding, {"slot": slot, "adults": 1}).status_code == 302
    booked = guest.post("/checkout", {"payment_method": "room"}, page="/cart")
    assert booked.status_code == 302, booked.get_data(as_text=True)[:500]

    for _ in range(2):  # cron runs again and again: the charge is on the bill once
        synced = runner.invoke(args=["lobby", "pms-sync"])
        assert synced.exit_code == 0, synced.output
    (item,) = mews.bill(customer)
    with app.app_context():
        line = db.session.scalar(select(FolioLine).where(FolioLine.stay_id == stay.id))
    assert item["ExternalIdentifier"] == line.reference
    assert item["LinkedReservationId"] == reservation
    assert item["UnitAmount"]["GrossValue"] == line.amount / 100 and item["UnitAmount"]["Currency"] == "EUR"
    assert len(mews.calls_to("orders/add")) == 1
