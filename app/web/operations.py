"""How a view calls a service operation: a refusal becomes the form's message and the answer's status.

The operation has already rolled back whatever it began (``app.services.transactions``);
what is left for the view is to say why, in the guest's language, and answer with
the error's status. Written once here instead of in every view::

    with attempt() as refused:
        order = ordering.checkout(g.stay, method)
    if refused:
        return _cart_page(form, refused.status)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import abort, flash
from wtforms import Field

from app.services.errors import LobbyError


class Refusal:
    """What an attempt ended with: false when the operation went through."""

    error: LobbyError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def status(self) -> int:
        return self.error.status if self.error is not None else 200

    @property
    def message(self) -> str:
        return str(self.error.message) if self.error is not None else ""


@contextmanager
def attempt(
    field: Field | None = None,
    *,
    quietly: bool = False,
    missing_is_404: bool = False,
    catching: tuple[type[LobbyError], ...] = (LobbyError,),
) -> Iterator[Refusal]:
    """Run the block; a ``LobbyError`` it raises is shown instead of propagating.

    The message goes on ``field`` when given (next to what was typed), else into a
    flash message; ``quietly`` leaves it to the view (a JSON answer). With
    ``missing_is_404`` a "not found" is the 404 page rather than a message. Errors
    not in ``catching`` go on to the application's error handler.
    """
    refusal = Refusal()
    try:
        yield refusal
    except catching as error:
        if missing_is_404 and error.status == 404:
            abort(404)
        refusal.error = error
        if quietly:
            return
        if field is not None:
            field.errors = [*field.errors, str(error.message)]
        else:
            flash(str(error.message), "error")
