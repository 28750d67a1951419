"""One error type for broken domain rules, carrying a message already in the guest's language."""

from __future__ import annotations

from flask_babel import LazyString


class LobbyError(Exception):
    """A rule said no. Views show ``message``; the error handler uses ``status``."""

    status = 400

    def __init__(self, message: str | LazyString, status: int | None = None):
        super().__init__(str(message))
        self.message = message
        if status is not None:
            self.status = status


class NotFound(LobbyError):
    status = 404


class SoldOut(LobbyError):
    status = 409


class NotAllowed(LobbyError):
    """The request is well-formed but the rules forbid it now (cancellation window, lead time)."""

    status = 409


class PendingWrites(RuntimeError):
    """A transaction was asked to start while the session still held uncommitted writes: a bug, not a rule.

    Names what was pending, so the caller that left it there is found at once.
    """

    def __init__(self, pending: list[str]):
        super().__init__(f"The session has uncommitted writes: {', '.join(pending)}")
        self.pending = pending
