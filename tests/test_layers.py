"""The domain knows no request: services and models import nothing of the web, checked from their imports.

Lobby's layers point one way: the audiences (guest, desk, manage, auth, api) and the shared
web kit call services, services use models, and nothing below looks back up. A service that
reads ``flask.request`` or builds a ``url_for`` only works inside a page, so the CLI, the
cron jobs and the API cannot reuse it; a model that imports a service drags the domain rules
into every script that only wanted a table. Every module of ``app/services`` and
``app/models`` is imported (so each one found is real) and its source read with ``ast``, so
imports inside functions count too.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

import pytest

# What only exists while a request is being answered (or builds an answer to one).
FLASK_REQUEST_WORLD = {
    "request",
    "session",
    "g",
    "url_for",
    "render_template",
    "render_template_string",
    "stream_template",
    "stream_template_string",
    "redirect",
    "flash",
    "get_flashed_messages",
    "abort",
    "make_response",
    "has_request_context",
    "copy_current_request_context",
    "stream_with_context",
    "Request",
    "Response",
}
# Whole packages of the request world: sign-in, forms, werkzeug's request/response objects.
REQUEST_WORLD_PACKAGES = (
    "flask.globals",
    "flask.wrappers",
    "flask.templating",
    "flask.helpers",
    "flask_login",
    "flask_wtf",
    "wtforms",
    "werkzeug.wrappers",
    "werkzeug.exceptions",  # HTTP errors: the domain raises LobbyError, a view picks the status
)
WERKZEUG_REQUEST_WORLD = {"Request", "Response", "redirect", "abort", "send_file", "send_from_directory"}
# The web layer: the audiences, the shared web kit and the page-only modules beside them.
WEB_PACKAGES = (
    "app.web",
    "app.guest",
    "app.desk",
    "app.manage",
    "app.auth",
    "app.api",
    "app.templating",
    "app.errors",
    "app.security",
    "app.live_pages",
    "app.payment_pages",
    "app.form_ids",
    "app.downloads",
)
# Models sit below the domain rules and the money providers.
ABOVE_MODELS = ("app.services", "app.payments")

INSTEAD_OF_REQUEST = (
    "services and models know no request: take what the page knows (hotel, locale, stay, staff) "
    "as an argument, or move this code to the web layer (app/web/); where the domain must call "
    "back up, let the factory hand it a function (as app/web/mail.py and app/web/locale.py do)"
)
INSTEAD_OF_WEB = (
    "the domain must not import the web layer: the web calls services, never the other way; "
    "move the shared piece down into app/services (or app/models), or have the factory "
    "register it as a hook"
)
INSTEAD_OF_SERVICES = (
    "models sit below services and payments: pass the value in as an argument, or read it "
    "through a hook that the factory sets (see set_locale_chain_resolver in app/models/i18n.py)"
)


@dataclass(frozen=True)
class Breach:
    module: str
    line: int
    imported: str
    instead: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported} — {self.instead}"


@dataclass(frozen=True)
class Module:
    name: str
    package: str  # what a relative import starts from
    path: Path


def domain_modules() -> list[Module]:
    """Every module of app/services and app/models (their ``__init__`` too), imported, with its file."""
    names = []
    for package_name in ("app.services", "app.models"):
        package = importlib.import_module(package_name)
        names.append(package_name)
        names.extend(info.name for info in pkgutil.walk_packages(package.__path__, f"{package_name}."))
    found = []
    for name in names:
        module = importlib.import_module(name)
        if getattr(module, "__file__", None) is None:  # a namespace package has no file of its own
            continue
        is_package = hasattr(module, "__path__")
        found.append(Module(name, name if is_package else name.rpartition(".")[0], Path(module.__file__)))
    return found


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(f"{package}.") for package in packages)


def _imports(tree: ast.AST, package: str) -> list[tuple[int, str]]:
    """(line, dotted name) of everything the module imports, ``from x import y`` as ``x.y``."""
    names = []
    flask_aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.append((node.lineno, alias.name))
                if alias.name == "flask":
                    flask_aliases.add(alias.asname or "flask")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    # ``import flask`` then ``flask.request``: the attribute is the import that matters.
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in flask_aliases
        ):
            names.append((node.lineno, f"flask.{node.attr}"))
    return names


def breaches(module: str, source: str, package: str | None = None) -> list[Breach]:
    is_model = _within(module, ("app.models",))
    found = []
    for line, name in _imports(ast.parse(source), package or module.rpartition(".")[0]):
        head, _, last = name.rpartition(".")
        if (
            (head == "flask" and last in FLASK_REQUEST_WORLD)
            or _within(name, REQUEST_WORLD_PACKAGES)
            or (_within(head, ("werkzeug",)) and last in WERKZEUG_REQUEST_WORLD)
        ):
            found.append(Breach(module, line, name, INSTEAD_OF_REQUEST))
        elif _within(name, WEB_PACKAGES) or (head == "app" and _within(f"app.{last}", WEB_PACKAGES)):
            found.append(Breach(module, line, name, INSTEAD_OF_WEB))
        elif is_model and (
            _within(name, ABOVE_MODELS) or (head == "app" and _within(f"app.{last}", ABOVE_MODELS))
        ):
            found.append(Breach(module, line, name, INSTEAD_OF_SERVICES))
    return found


def test_services_and_models_import_nothing_of_the_request_or_the_web():
    modules = domain_modules()
    assert len(modules) > 30, "the walk found too few modules: has app/services moved?"
    found = [
        breach
        for module in modules
        for breach in breaches(module.name, module.path.read_text(), module.package)
    ]
    assert not found, "The domain reaches into the web:\n" + "\n".join(str(breach) for breach in found)


@pytest.mark.parametrize(
    ("module", "source", "imported"),
    [
        ("app.services.x", "from flask import current_app, request\n", ["flask.request"]),
        (
            "app.services.x",
            "def f():\n    from flask_login import current_user\n",
            ["flask_login.current_user"],
        ),
        ("app.services.x", "import flask\nflask.url_for('guest.home')\n", ["flask.url_for"]),
        ("app.services.x", "from wtforms import SelectChoice\n", ["wtforms.SelectChoice"]),
        ("app.services.x", "from werkzeug.wrappers import Response\n", ["werkzeug.wrappers.Response"]),
        ("app.services.x", "from app.web.labels import x\n", ["app.web.labels.x"]),
        ("app.services.x", "from app import guest\n", ["app.guest"]),
        (
            "app.models.x",
            "from app.services.i18n import current_locale_chain\n",
            ["app.services.i18n.current_locale_chain"],
        ),
        ("app.models.x", "from app.payments import room\n", ["app.payments.room"]),
        ("app.models.x", "from . import base\nfrom ..services import clock\n", ["app.services.clock"]),
        ("app.services.x", "from werkzeug.utils import redirect\n", ["werkzeug.utils.redirect"]),
    ],
)
def test_each_kind_of_reach_is_caught(module, source, imported):
    assert [breach.imported for breach in breaches(module, source)] == imported


@pytest.mark.parametrize(
    "source",
    [
        "from flask import current_app\n",  # configuration
        "from flask_babel import gettext as _, lazy_gettext as _l, force_locale\n",  # messages
        "from werkzeug.security import generate_password_hash\n",
        "from werkzeug.utils import secure_filename\n",
        "from app.models import Stay\nfrom app.services import clock\n",
    ],
)
def test_what_the_domain_may_use_passes(source):
    assert breaches("app.services.x", source) == []
