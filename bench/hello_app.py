"""A bare Flask "hello": the ceiling bench/guest_pages.py compares Lobby's guest pages against.

Served by the same gunicorn settings as Lobby (``gunicorn bench.hello_app:app``).
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
