"""Settings, read from the environment; the only place configuration comes from."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'lobby.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Interface languages with a translation catalog; a hotel enables a subset.
    LANGUAGES = _env_list("LANGUAGES", "en,vi,ms,ka,ru,ar")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # Which hotel the guest sign-in page belongs to when the deployment serves one.
    LOBBY_HOTEL = os.environ.get("LOBBY_HOTEL", "")

    # How many proxies in front of the app set X-Forwarded-For/-Proto (a TLS proxy: 1). Their
    # headers are believed only that deep, so a client cannot pick its own address and with it
    # its own rate-limit bucket; 0 (no proxy) ignores the headers.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # Redis, when several workers must share state: rate limits, cached offers and the buffered
    # counts of offers shown and page views. Empty: each worker keeps its own (one process, or SQLite).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Offers shown and service page views are buffered (per worker, or in Redis) and written at most
    # this many seconds apart, after a response has gone out; also at exit and before the dashboard.
    COUNTS_FLUSH_SECONDS = float(os.environ.get("COUNTS_FLUSH_SECONDS", "10"))
    # And from a timer thread that long after a count, so a worker left idle writes its counts too.
    COUNTS_FLUSH_IN_BACKGROUND = True
    # Flask-Limiter: memory is fine for one process; several workers share Redis.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    GUEST_SIGNIN_LIMIT = os.environ.get("GUEST_SIGNIN_LIMIT", "10 per minute")
    GUEST_LINK_LIMIT = os.environ.get("GUEST_LINK_LIMIT", "60 per minute")
    # Calls of the public API (/api/v1) per key; the answers' RateLimit headers tell what is left.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")

    # Staff: failed sign-ins per account and address, then 429; idle and absolute time-outs.
    STAFF_SIGNIN_LIMIT = os.environ.get("STAFF_SIGNIN_LIMIT", "5 per minute")
    STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", "30"))
    STAFF_MAX_SESSION_HOURS = int(os.environ.get("STAFF_MAX_SESSION_HOURS", "12"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    WTF_CSRF_TIME_LIMIT = None  # a guest may leave a form open for hours

    # Card payments are offered only when both keys are set; room charge always works.
    # Co-booking counts behind the offers are recomputed at most this often, per worker.
    RECOMMENDATION_REFRESH_SECONDS = int(os.environ.get("RECOMMENDATION_REFRESH_SECONDS", "600"))
    # A stay's offers are ranked once per change of its bookings or the catalog, and again at
    # least this often as the clock moves (lead times, next times, days left); 0 ranks every view.
    OFFER_CACHE_SECONDS = int(os.environ.get("OFFER_CACHE_SECONDS", "300"))
    # How long each worker keeps a rendered piece of a guest page (app/web/fragments.py); 0 = never.
    FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "600"))

    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    # Empty means Stripe itself; tests point both at localstripe.
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")
    STRIPE_TIMEOUT = float(os.environ.get("STRIPE_TIMEOUT", "20"))
    # Seats are held this long while a card payment completes, then given back.
    PAYMENT_HOLD_MINUTES = int(os.environ.get("PAYMENT_HOLD_MINUTES", "15"))
    # Seats freed for a waiting guest are set aside for them this long, then offered to the next.
    WAITLIST_OFFER_MINUTES = int(os.environ.get("WAITLIST_OFFER_MINUTES", "60"))
    # Webhooks out (`flask lobby deliver-webhooks`): how long one endpoint may take to answer, and
    # whether plain http to localhost/127.0.0.1 is allowed (development and tests; never production).
    WEBHOOKS_TIMEOUT = float(os.environ.get("WEBHOOKS_TIMEOUT", "10"))
    WEBHOOKS_ALLOW_HTTP = False

    # Guest emails (`flask lobby send-due-messages`). USE_TLS is STARTTLS on a plain port (587);
    # USE_SSL is TLS from the start (465). An empty user name means the server needs no login.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "false").lower() in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "false").lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "lobby@localhost")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "20"))
    # Seconds Lobby waits for each answer of a connected PMS (Mews); webhooks wait at most 4.
    PMS_TIMEOUT = float(os.environ.get("PMS_TIMEOUT", "10"))
    # Where guests reach the site: the links in emails are built on it (cron has no request to ask).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:5000")

    # Photos managers upload, re-encoded; and the largest request body accepted (uploads).
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(BASE_DIR / "instance" / "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024

    # How long SQLite waits for the writer lock before giving up (seconds).
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "30"))


class DevelopmentConfig(Config):
    # The demo runs over plain http on 127.0.0.1; browsers drop Secure cookies there.
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    # A developer's webhook receiver on this machine may listen on plain http.
    WEBHOOKS_ALLOW_HTTP = True


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    # Every QR code, email and API link of a hotel without host names is built on it: no guess.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set in production")
        if not cls.PUBLIC_BASE_URL:
            raise RuntimeError(
                "PUBLIC_BASE_URL (where guests reach Lobby, e.g. https://guests.example.com) must be set"
            )


class TestConfig(DevelopmentConfig):
    TESTING = True
    RECOMMENDATION_REFRESH_SECONDS = 0  # each test's bookings count at once
    # A flush from a thread would write in the middle of a later test; tests flush when they mean to.
    COUNTS_FLUSH_IN_BACKGROUND = False
    SECRET_KEY = "test"
    RATELIMIT_STORAGE_URI = "memory://"


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestConfig,
}


def config_from_env() -> type[Config]:
    return CONFIGS[os.environ.get("LOBBY_ENV", "development")]
