"""Starting a fresh session when someone signs in or out, guest or staff, keeping their language."""

from __future__ import annotations

from flask import session


def fresh_session() -> None:
    """Forget all the session held, so nothing carries over from before, but the chosen language.

    The language is the person's, not the account's: a guest who picked French on the
    sign-in page keeps French once signed in, and after signing out.
    """
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
