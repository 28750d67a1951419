"""The validation messages every audience's forms share, so each is written (and translated) once.

WTForms ships no Vietnamese (nor Georgian, Malay…) catalog, so every field that converts
input carries its own message, translated with the rest of the interface.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

NOT_A_NUMBER = _l("Please enter a whole number.")
OUT_OF_RANGE = _l("Please enter a number from %(min)s to %(max)s.")
NOT_A_DATE = _l("Please enter a date.")
NOT_A_CHOICE = _l("Please choose from the list.")
TOO_LONG = _l("Too long. Character limit: %(max)d.")
NO_CONTROL_CHARACTERS = _l("Please type this on one line, without line breaks or control characters.")
