"""The API's reference page: made from the document itself, every endpoint and problem on it, CSP-safe."""

from __future__ import annotations

import re

from app.api.v1 import api
from app.api.v1.problems import TYPES
from app.api.v1.reference import prose, type_of


def test_the_page_lists_every_endpoint_with_its_scope_and_schemas(client, world):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for endpoint in api.endpoints:
        anchor = f'id="op-{endpoint.view.__name__}"'
        assert anchor in html
        article = html[html.index(anchor) : html.index("</article>", html.index(anchor))]
        assert f">{endpoint.method}<" in article
        assert f"<code>{endpoint.scope}</code>" in article
        assert endpoint.summary.replace("'", "&#39;") in article
    document = client.get("/api/v1/openapi.json").json
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    # A field's type, whether it is required and its description are in its schema's table.
    hotel_out = html[html.index('id="schema-HotelOut"') :]
    assert re.search(r"<code class=\"name\">currency</code>.*?string.*?required.*?ISO 4217", hotel_out, re.S)
    for section in ("authentication", "scopes", "pagination", "idempotency", "rate-limits", "errors"):
        assert f'id="{section}"' in html


def test_each_problem_type_resolves_to_its_row_on_the_page(client, world):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    for slug in TYPES:
        assert f'id="problem-{slug}"' in html
        answer = client.get(f"/api/v1/problems/{slug}")
        assert answer.status_code == 302
        assert answer.location.endswith(f"/api/v1/docs#problem-{slug}")


def test_the_page_keeps_the_content_security_policy(client, world):
    page = client.get("/api/v1/docs")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    html = page.get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
    assert all(body.strip() == "" for body in scripts)  # no inline code, only files of our own
    assert re.findall(r'(?:src|href)="(https?:)?//', html) == []  # nothing from another host
    assert " style=" not in html and "<style" not in html


def test_the_page_chrome_speaks_the_readers_language(client, world):
    page = client.get("/api/v1/docs", headers={"Accept-Language": "ru"})
    html = page.get_data(as_text=True)
    assert '<html lang="ru"' in html
    # The schema's own descriptions stay English, marked as such for screen readers and translators.
    assert '<td lang="en">Read stays (reservations) and their guests</td>' in html


def test_descriptions_read_as_written_in_code():
    """Docstrings quote names as ``name``: the page shows them as code, and escapes everything else."""
    assert prose("Sends ``outcome`` or `state` <b>") == (
        "Sends <code>outcome</code> or <code>state</code> &lt;b&gt;"
    )
    assert str(type_of({"anyOf": [{"$ref": "#/components/schemas/StayOut"}, {"type": "null"}]})) == (
        '<a href="#schema-StayOut">StayOut</a> | null'
    )
    assert str(type_of({"type": "array", "items": {"type": "integer"}})) == "array[integer]"
