"""Read a page's forms the way a browser would submit them: every field with its current value."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": [], "names": set()}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            self._form["names"].add(name)
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self._form["fields"].append((name, attrs.get("value") or ("y" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._form["names"].add(name)
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self._form["fields"].append((self._select, value))
                self._select_first = ""  # chosen
        elif tag == "textarea" and name:
            self._form["names"].add(name)
            self._textarea = name
            self._form["fields"].append((name, ""))

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            name, text = self._form["fields"][-1]
            self._form["fields"][-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            if self._select_first:  # nothing marked selected: the browser sends the first option
                self._form["fields"].append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_on(page: str, action: str, field: str) -> list[tuple[str, str]]:
    """The fields of the post form on ``page`` that has ``field`` and posts to ``action`` (or to itself)."""
    parser = _Forms()
    parser.feed(page)
    for form in parser.forms:
        if field in form["names"] and form["action"].split("?")[0] in ("", action.split("?")[0]):
            return list(form["fields"])
    raise AssertionError(f"no form with {field!r} posting to {action}")
