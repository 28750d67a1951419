"""Guest forms; every label and message goes through Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SearchField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from app.security import MAX_ID
from app.web.fields import (
    MoneyField,
    WholeNumberField,
    choice_field,
    count_field,
    date_field,
    row_id,
    text_field,
)
from app.web.forms import LobbyForm, MultiCheckboxField
from app.web.labels import PAYMENT_LABELS
from app.web.messages import NOT_A_CHOICE


def _surname():
    """The surname a guest signs in with, whichever way they sign in."""
    return text_field(
        _l("Surname"),
        limit=80,
        required=_l("Please enter your surname."),
        render_kw={"autocomplete": "family-name"},
    )


def _how_many(high: int):
    """How many of a thing the guest wants: at least one, and ``high`` at most."""
    return count_field(_l("How many"), low=1, high=high, required=_l("Please say how many you need."))


class RoomSignInForm(LobbyForm):
    room = text_field(
        _l("Room number"),
        limit=12,
        required=_l("Please enter your room number."),
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )
    surname = _surname()


class ReferenceSignInForm(LobbyForm):
    reference = text_field(
        _l("Booking reference"),
        limit=40,
        required=_l("Please enter your booking reference."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    surname = _surname()


class TimedBookingForm(LobbyForm):
    """Book an activity or a ticket: a time and who comes."""

    slot = RadioField(
        _l("Time"),
        coerce=row_id,
        invalid_value_message=_l("Please choose a time."),
        validate_choice=False,  # the booking service checks the slot; a stale choice gets its reason
        validators=[
            InputRequired(_l("Please choose a time.")),
            NumberRange(min=1, max=MAX_ID, message=_l("Please choose a time.")),
        ],
    )
    adults = count_field(
        _l("Adults"), low=0, high=20, required=_l("Please say how many adults are coming."), default=0
    )
    children = MultiCheckboxField(
        _l("Children coming"), coerce=int, validate_choice=False, invalid_value_message=NOT_A_CHOICE
    )


class WaitlistForm(TimedBookingForm):
    """Join the waiting list of a full time: its button names the time, the booking form says who comes."""

    slot = None  # the time picked for booking, if any, is not the one to wait for
    waitlist_slot = WholeNumberField(
        _l("Time"),
        invalid_value_message=_l("Please choose a time."),
        validators=[
            InputRequired(_l("Please choose a time.")),
            NumberRange(min=1, max=MAX_ID, message=_l("Please choose a time.")),
        ],
    )


class DailyBookingForm(LobbyForm):
    """Rent or request something for one or more days."""

    start_date = date_field(_l("From"), required=_l("Please choose the first day."))
    days = count_field(_l("Days"), low=1, high=30, required=_l("Please say for how many days."))
    quantity = _how_many(10)


class PromoForm(LobbyForm):
    code = text_field(
        _l("Promo code"), limit=40, required=_l("Please enter the code."), render_kw={"autocomplete": "off"}
    )


class CancelForm(LobbyForm):
    """Cancelling a booking, with the fee the confirmation page showed (the guest agreed to it)."""

    fee = WholeNumberField(validators=[InputRequired()])


class CheckoutForm(LobbyForm):
    payment_method = RadioField(
        _l("How would you like to pay?"),
        validators=[InputRequired(_l("Please choose how to pay."))],
        invalid_choice_message=_l("Please choose how to pay."),
    )

    def offer(self, methods: list[str]) -> CheckoutForm:
        """Offer only the ways this hotel takes payment now (card needs Stripe keys)."""
        self.payment_method.choices = [SelectChoice(code, PAYMENT_LABELS[code]) for code in methods]
        if self.payment_method.data is None and methods:
            self.payment_method.data = methods[0]
        return self


class RoomItemForm(LobbyForm):
    item = choice_field(_l("What can we bring?"))
    quantity = _how_many(5)


class MessageForm(LobbyForm):
    details = text_field(
        _l("Your message"), limit=2000, required=_l("Please tell us a little about it."), kind=TextAreaField
    )


class RatingForm(LobbyForm):
    rating = RadioField(
        _l("Your rating"),
        choices=[SelectChoice(value, str(value)) for value in range(1, 6)],
        coerce=int,
        validators=[InputRequired(_l("Please choose from 1 to 5 stars."))],
        invalid_choice_message=_l("Please choose from 1 to 5 stars."),
        invalid_value_message=_l("Please choose from 1 to 5 stars."),
    )
    comment = text_field(_l("Anything to add? (optional)"), limit=2000, kind=TextAreaField)


class RecommendForm(LobbyForm):
    score = RadioField(
        _l("How likely are you to recommend us to a friend?"),
        choices=[SelectChoice(value, str(value)) for value in range(0, 11)],
        coerce=int,
        validators=[InputRequired(_l("Please choose a number from 0 to 10."))],
        invalid_choice_message=_l("Please choose a number from 0 to 10."),
        invalid_value_message=_l("Please choose a number from 0 to 10."),
    )
    comment = text_field(_l("What could we do better? (optional)"), limit=2000, kind=TextAreaField)


class ServiceFilterForm(LobbyForm):
    """Search and filters on a package's page: a GET that changes nothing; each field may stay empty."""

    class Meta:
        csrf = False  # a GET search changes nothing

    q = text_field(_l("Search"), limit=80, kind=SearchField, render_kw={"autocomplete": "off"})
    kind = choice_field(
        _l("Kind"),
        default="",
        choices=[
            SelectChoice("", _l("All kinds")),
            SelectChoice("slot", _l("Activities at set times")),
            SelectChoice("ticket", _l("Event tickets")),
            SelectChoice("rental", _l("Rentals by the day")),
            SelectChoice("amenity", _l("Items on request")),
        ],
    )
    fit = choice_field(_l("Who it suits"), default="")
    setting = choice_field(
        _l("Indoors or outdoors"),
        default="",
        choices=[
            SelectChoice("", _l("Either")),
            SelectChoice("indoor", _l("Indoors")),
            SelectChoice("outdoor", _l("Outdoors")),
        ],
    )
    price = MoneyField(_l("Price up to"))

    def offer(self, has_children: bool) -> ServiceFilterForm:
        """The age fits this stay can ask for: the one about children only when it has some."""
        fits = [SelectChoice("", _l("No preference")), SelectChoice("party", _l("Everyone in my party"))]
        if has_children:
            fits.append(SelectChoice("children", _l("Something for my children")))
        self.fit.choices = fits
        return self
