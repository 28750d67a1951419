"""The application factory: builds a configured Lobby app; never migrates or seeds."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, config_from_env

BASE_DIR = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(BASE_DIR / "instance"),
    )
    config_class = config_class or config_from_env()
    app.config.from_object(config_class)
    app.config.update(overrides)
    if hasattr(config_class, "check"):
        config_class.check()
    Path(app.instance_path).mkdir(exist_ok=True)
    _trust_proxies(app)

    from app import auth, cli, security
    from app.extensions import csrf, db, limiter, login_manager, migrate
    from app.services.locking import configure_engine
    from app.web import actor, after_response, errors, fragments, labels, locale, mail, sites, templating
    from app.web import forms as web_forms

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    locale.init_app(app)  # Babel's selectors, and the locale chain catalog texts ask for
    csrf.init_app(app)
    web_forms.init_app()
    login_manager.init_app(app)
    limiter.init_app(app)
    configure_engine(app)

    security.init_app(app)  # first: its URL converter must be in place before any route
    auth.init_app(app)
    templating.init_app(app)
    fragments.init_app(app)  # rendered pieces of guest pages, kept per worker
    errors.init_app(app)
    cli.init_app(app)
    labels.init_app(app)  # the status names the domain's refusals use
    mail.init_app(app)  # the guest emails' templates and links, handed to services/messages.py
    actor.init_app(app)  # who each request acts as, for the audit trail
    after_response.init_app(app)  # the buffered counts of offers shown and page views, written later
    sites.init_app(app)  # which hotel a request is for: its /h/<slug> prefix or its host name
    _connect_reactions()

    from app.api import bp as api_bp
    from app.api.v1 import bp as api_v1_bp
    from app.desk import bp as desk_bp
    from app.guest import bp as guest_bp
    from app.guest.access import GuestSessionInterface
    from app.manage import bp as manage_bp

    app.session_interface = GuestSessionInterface()

    app.register_blueprint(guest_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_v1_bp)
    app.register_blueprint(desk_bp)
    app.register_blueprint(manage_bp)
    return app


def _connect_reactions() -> None:
    """Reactions across domains, connected here and not by importing a module for its side effect.

    The signals and the session's events are module-wide: blinker keys receivers by identity
    and the sales roll-up checks before it listens, so building several apps (the tests do)
    connects each reaction once.
    """
    from app.services import catalog_search, offer_versions, sales_days, signals, waitlist, webhooks

    signals.seats_freed.connect(waitlist.offer_on_seats_freed)
    signals.seats_wanted.connect(waitlist.expire_on_seats_wanted)
    sales_days.listen_for_flushes()
    catalog_search.listen_for_flushes()  # the folded texts a guest's search reads
    offer_versions.listen_for_flushes()  # what cached offers are keyed by
    webhooks.connect()  # what happened, into the webhook outbox


def _trust_proxies(app: Flask) -> None:
    """Behind a TLS proxy, the client's own address and scheme come from its X-Forwarded headers.

    Without this every request seems to come from the proxy: all clients share one rate-limit
    bucket, and one client's failed sign-ins lock everybody out. Read per request so the
    setting is the app's config like any other.
    """
    inner = app.wsgi_app

    def forwarded(environ, start_response):
        proxies = app.config["TRUSTED_PROXIES"]
        if proxies <= 0:
            return inner(environ, start_response)
        return ProxyFix(inner, x_for=proxies, x_proto=proxies)(environ, start_response)

    app.wsgi_app = forwarded
