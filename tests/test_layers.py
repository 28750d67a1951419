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
import importlib.util
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
AUDIENCES = ("app.guest", "app.desk", "app.manage", "app.auth", "app.api")
WEB_PACKAGES = ("app.web", *AUDIENCES, "app.security")
# Models sit below the domain rules, the money providers and the PMS connectors.
ABOVE_MODELS = ("app.services", "app.payments", "app.integrations")

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
    """Every module of app/services, app/models and app/integrations (``__init__`` too), imported."""
    return modules_of("app.services", "app.models", "app.integrations")


def modules_of(*package_names: str) -> list[Module]:
    names = []
    for package_name in package_names:
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
        ("app.models.x", "from app.integrations import mews\n", ["app.integrations.mews"]),
        ("app.integrations.x", "from flask import request\n", ["flask.request"]),
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


def every_app_module() -> list[Module]:
    """Every file of app/, namespace packages (app/services has no ``__init__``) included."""
    root = Path(importlib.import_module("app").__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        found.append(Module(name, name if is_package else name.rpartition(".")[0], path))
    return found


def _resolved(name: str) -> str:
    """``app.services.ordering`` for ``from app.services import ordering``; the module for a name in it."""
    while name and importlib.util.find_spec(name.split(".")[0]) is not None:
        try:
            if importlib.util.find_spec(name) is not None:
                return name
        except ModuleNotFoundError:
            pass
        name = name.rpartition(".")[0]
    return name


def test_audiences_import_the_web_kit_services_and_models_never_each_other():
    """Guest, desk, manage, auth and api share through app/web; payments are reached through services."""
    found = []
    for module in modules_of(*AUDIENCES):
        own = next(audience for audience in AUDIENCES if _within(module.name, (audience,)))
        for line, name in _imports(ast.parse(module.path.read_text()), module.package):
            name = _resolved(name)
            others = tuple(audience for audience in AUDIENCES if audience != own)
            if _within(name, (*others, "app.payments", "app.integrations")):
                found.append(f"{module.name}:{line} imports {name}")
    assert not found, (
        "An audience borrows another's code (move the shared piece to app/web/, or reach the "
        "payment providers through app/services/payments.py and the PMS through "
        "app/services/pms_sync.py):\n" + "\n".join(found)
    )


def test_only_services_speak_to_the_pms_connectors():
    """A PMS's API is reached through app/services (pms_sync), never from the web, the CLI or models."""
    found = []
    for module in every_app_module():
        if _within(module.name, ("app.services", "app.integrations")):
            continue
        for line, name in _imports(ast.parse(module.path.read_text()), module.package):
            if _within(_resolved(name), ("app.integrations",)):
                found.append(f"{module.name}:{line} imports {name}")
    assert not found, "Reach the PMS through app/services/pms_sync.py:\n" + "\n".join(found)


def test_no_module_of_the_app_imports_itself_back_through_others():
    """No import circles between modules (a blueprint package's ``__init__`` naming its views aside).

    A circle means neither module can be understood, tested or moved without the other; the
    one that stood here (ordering <-> waitlist) became the ``seats_freed`` signal.
    """
    modules = every_app_module()
    graph: dict[str, set[str]] = {}
    for module in modules:
        targets = {
            _resolved(name) for _line, name in _imports(ast.parse(module.path.read_text()), module.package)
        }
        # The Flask blueprint pattern: a package's __init__ imports its view modules to register
        # them, and they import ``bp`` from it. That tie is the framework's, not a design circle.
        graph[module.name] = {
            target
            for target in targets
            if _within(target, ("app",))
            and target != module.name
            and not (module.package == module.name and target.startswith(f"{module.name}."))
            and not (target == module.package and module.name.startswith(f"{target}."))
        }
    circles = _circles(graph)
    assert not circles, "Import circles:\n" + "\n".join(" -> ".join(circle) for circle in circles)


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found
