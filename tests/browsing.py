"""Posting forms the way a browser does: read the page, take its CSRF token, send the form."""

from __future__ import annotations

import re


class FormActions:
    def __init__(self, client):
        self.client = client

    def csrf(self, path: str) -> str:
        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post(self, path: str, data: dict, page: str | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.csrf(page or path), **data}, **kwargs)


def text(response) -> str:
    return response.get_data(as_text=True)
