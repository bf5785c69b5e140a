"""Hamdeli settings: one module, every knob read from a HAMDELI_* environment variable.

Values are parsed strictly; a bad value stops start-up with a message naming the variable.
"""

import datetime as dt
import os
from pathlib import Path
from typing import overload

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
_env = os.environ


@overload
def _str(name: str, default: str) -> str: ...
@overload
def _str(name: str, default: None = None) -> str | None: ...
def _str(name: str, default: str | None = None) -> str | None:
    value = _env.get(name)
    return default if value is None or value == "" else value


def _bool(name: str, default: bool) -> bool:
    raw = _env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true/false, yes/no, on/off or 1/0.")


def _int(name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = _env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} must be between {minimum} and {maximum}.")
    return value


def _list(name: str, default: list[str]) -> list[str]:
    raw = _env.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


MODE = _str("HAMDELI_MODE", "development")
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured(f"HAMDELI_MODE={MODE!r} must be 'development' or 'production'.")
PRODUCTION = MODE == "production"
DEBUG = _bool("HAMDELI_DEBUG", not PRODUCTION)

SECRET_KEY = _str("HAMDELI_SECRET_KEY")
if SECRET_KEY is None:
    if PRODUCTION:
        raise ImproperlyConfigured("HAMDELI_SECRET_KEY must be set in production (50+ random characters).")
    SECRET_KEY = "dev-only-insecure-key-for-local-use-never-in-production-hamdeli"  # noqa: S105
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("HAMDELI_SECRET_KEY must be at least 50 characters long in production.")

ALLOWED_HOSTS = _list("HAMDELI_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("HAMDELI_ALLOWED_HOSTS must name the host(s) Hamdeli is served on.")
CSRF_TRUSTED_ORIGINS = _list("HAMDELI_CSRF_TRUSTED_ORIGINS", [])

VAR_DIR = Path(_str("HAMDELI_VAR_DIR", str(BASE_DIR / "var")))
MEDIA_ROOT = Path(_str("HAMDELI_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: files go through views that check the org
STATIC_ROOT = Path(_str("HAMDELI_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_URL = "/static/"
for _folder in (VAR_DIR, STATIC_ROOT):
    _folder.mkdir(parents=True, exist_ok=True)  # the SQLite file and collected static files live here
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/vazirmatn", BASE_DIR / "node_modules" / "vazirmatn"),
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/jalalidatepicker", BASE_DIR / "node_modules" / "@majidh1" / "jalalidatepicker" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/world-atlas", BASE_DIR / "node_modules" / "world-atlas"),
    ("vendor/topojson-client", BASE_DIR / "node_modules" / "topojson-client" / "dist"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
WHITENOISE_USE_FINDERS = True
WHITENOISE_ROOT = Path(__file__).resolve().parent / "web" / "root"  # /favicon.ico, which browsers ask for

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "csp",
    "hamdeli.core",
    "hamdeli.places",
    "hamdeli.partners",
    "hamdeli.campaigns",
    "hamdeli.correspondence",
    "hamdeli.aid",
    "hamdeli.practices",
    "hamdeli.web",
    "hamdeli.demo",
    "axes",
    # Two-factor sign-in (core.twofactor): authenticator-app codes and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Background jobs (core.jobs): Django's tasks (the django-tasks backport) and its database backend.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hamdeli.core.middleware.RequestOriginMiddleware",
    "csp.middleware.CSPMiddleware",
    "hamdeli.core.boundary.InputBoundaryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hamdeli.core.middleware.LanguageMiddleware",
    "hamdeli.core.middleware.ApiShapeMiddleware",  # Django's own 404/405 under /api/ in the API's shape
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): this sign-in gave a code
    "hamdeli.core.middleware.OrganizationMiddleware",
    "hamdeli.core.twofactor.TwoFactorMiddleware",  # a code before anything else; owners enrol when told
    "hamdeli.core.middleware.DownloadAuditMiddleware",
    "hamdeli.core.middleware.MissingRecordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hamdeli.web.middleware.ConfirmWritesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a sign-in refused by the throttle into its page
]

ROOT_URLCONF = "hamdeli.urls"
WSGI_APPLICATION = "hamdeli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hamdeli.core.context_processors.hamdeli",
                "hamdeli.web.menu.context",
            ],
            "builtins": ["hamdeli.core.templatetags.hamdeli"],
        },
    }
]

_database_url = _str("HAMDELI_DATABASE_URL")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(
            _database_url, conn_max_age=_int("HAMDELI_DB_CONN_MAX_AGE", 60 if PRODUCTION else 0, minimum=0))}
    except Exception as exc:  # dj_database_url raises several types for a bad URL
        raise ImproperlyConfigured(f"HAMDELI_DATABASE_URL is not a usable database URL: {exc}") from None
    if DATABASES["default"]["ENGINE"] not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured("HAMDELI_DATABASE_URL must point at PostgreSQL or an SQLite file.")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "hamdeli.sqlite3",  # type: ignore[typeddict-item]  # the stubs say str; Django takes a path
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN, so two
    # writers queue instead of failing halfway through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's validators (similar to the account, shorter than 8, among the 20,000 most common, all digits),
# with messages in Hamdeli's words (core.passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "hamdeli.core.passwords.NotLikeTheAccount"},
    {"NAME": "hamdeli.core.passwords.MinimumLength"},
    {"NAME": "hamdeli.core.passwords.NotCommon"},
    {"NAME": "hamdeli.core.passwords.NotOnlyDigits"},
]
# Sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT failed sign-ins for one user name from one
# client address, each within the cool-off of the one before, that pair is refused for the cool-off
# (429 with Retry-After, core.lockout). Attempts are kept in the database, so every worker sees them.
# The address is read through HAMDELI_TRUSTED_PROXIES, as everywhere else.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _int("HAMDELI_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_int("HAMDELI_LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=24 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "hamdeli.core.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "hamdeli.core.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True  # a good password forgets the earlier slips
# A sign-in tried during the cool-off is refused without checking the password and neither counts nor
# extends the cool-off, so the pause ends when the page said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in Hamdeli's own audit
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Two-factor (django-otp): after each wrong code the next is refused for 1, 2, 4, 8 … seconds (per device);
# the names shown in an authenticator app.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_ISSUER = "Hamdeli"
# A password reset link works once, for one day (the email and the pages say so).
PASSWORD_RESET_TIMEOUT = 24 * 3600

# Email (password reset links): printed to the console in development; sent over SMTP in production.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
_email_backend = _str("HAMDELI_EMAIL_BACKEND", "smtp" if PRODUCTION else "console")
if _email_backend not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured(f"HAMDELI_EMAIL_BACKEND={_email_backend!r} must be 'smtp', 'console' or 'file'.")
EMAIL_BACKEND = _EMAIL_BACKENDS[_email_backend]
# The "file" backend writes each message to a file in this directory (development, tests).
EMAIL_FILE_PATH = _str("HAMDELI_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = _str("HAMDELI_EMAIL_HOST", "localhost")
EMAIL_PORT = _int("HAMDELI_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = _str("HAMDELI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = _str("HAMDELI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _bool("HAMDELI_EMAIL_STARTTLS", False)
EMAIL_USE_SSL = _bool("HAMDELI_EMAIL_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("HAMDELI_EMAIL_STARTTLS and HAMDELI_EMAIL_SSL exclude each other; set one.")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = _str("HAMDELI_EMAIL_FROM", "hamdeli@localhost")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # which page depends on the role (web.views.home)
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "hamdeli_language"
# Languages user content (localized text) may be written in; the UI speaks only LANGUAGES.
CONTENT_LANGUAGES = _list("HAMDELI_CONTENT_LANGUAGES", ["fa", "en", "zh", "es", "ar", "fr", "ru", "de", "it"])
USE_I18N = True
TIME_ZONE = _str("HAMDELI_TIME_ZONE", "Asia/Tehran")
USE_TZ = True
LOCALE_PATHS: list[Path] = []

# Relationship health: a partner with no recorded contact for this many months is "dimmed".
DIMMED_AFTER_MONTHS = _int("HAMDELI_DIMMED_AFTER_MONTHS", 12, minimum=1, maximum=120)
# Renewals and other dates due within this many days show on the dashboard.
UPCOMING_DAYS = _int("HAMDELI_UPCOMING_DAYS", 90, minimum=1, maximum=730)
# Protocol-calendar reminders: occasions this many days ahead are suggested for a letter.
CALENDAR_LEAD_DAYS = _int("HAMDELI_CALENDAR_LEAD_DAYS", 21, minimum=1, maximum=365)
# The daily reminder email (correspondence.reminders) goes out from this hour, local time (TIME_ZONE).
REMINDERS_HOUR = _int("HAMDELI_REMINDERS_HOUR", 7, minimum=0, maximum=23)
# Aid: lots expiring within this many days are flagged on the store page and the dashboard.
EXPIRY_WARNING_DAYS = _int("HAMDELI_EXPIRY_WARNING_DAYS", 60, minimum=1, maximum=3650)
# IATI: the reporting organisation's type (IATI OrganisationType code list; 11 = local government).
IATI_ORG_TYPE = _str("HAMDELI_IATI_ORG_TYPE", "11")
if IATI_ORG_TYPE not in {"10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71", "72", "73", "80",
                         "90"}:
    raise ImproperlyConfigured(f"HAMDELI_IATI_ORG_TYPE={IATI_ORG_TYPE!r} is not an IATI OrganisationType code.")
UPLOAD_MAX_BYTES = _int("HAMDELI_UPLOAD_MAX_MB", 10, minimum=1, maximum=500) * 1024 * 1024
# Background jobs (core.jobs, `hamdeli worker`): "database" (the default: jobs wait in the database for the
# worker), "redis" (they wait in Redis at HAMDELI_REDIS_URL, through RQ: for large installs), "immediate" (run in
# the process that enqueues them; for tests and single-process use), or the dotted path of another django-tasks
# backend.
_tasks_backend = _str("HAMDELI_TASKS_BACKEND", "database")
TASKS = {"default": {"BACKEND": {"database": "django_tasks_db.DatabaseBackend",
                                 "redis": "django_tasks_rq.RQBackend",
                                 "immediate": "django_tasks.backends.immediate.ImmediateBackend"}.get(
    _tasks_backend, _tasks_backend)}}
REDIS_URL = _str("HAMDELI_REDIS_URL", "redis://127.0.0.1:6379/0")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"HAMDELI_REDIS_URL={REDIS_URL!r} must be a redis://, rediss:// or unix:// URL.")
# A job left running this long is taken to have lost its worker (killed) and goes back to the queue.
HAMDELI_TASKS_STALE_AFTER = _int("HAMDELI_TASKS_STALE_AFTER", 30 * 60, minimum=1)
# A practices import of at most this many rows embeds them in the request (about 80 ms a practice on one core),
# so they are found by meaning at once on any server, worker or not; a larger one leaves them to the worker.
IMPORT_EMBED_INLINE = _int("HAMDELI_IMPORT_EMBED_INLINE", 100, minimum=0, maximum=5000)
# A partners import of more rows than this is recorded by the background worker (the page polls it, the API
# answers 202); a shorter one in the request (about 57 ms a row on a loaded 2-core machine).
PARTNERS_IMPORT_INLINE = _int("HAMDELI_PARTNERS_IMPORT_INLINE", 100, minimum=0, maximum=100_000)
TASKS_ON_REDIS = TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
if TASKS_ON_REDIS:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
# RQ's one queue (read by django-rq only when the "redis" backend is chosen). A job may run as long as the
# database backend lets one run before it counts as lost (HAMDELI_TASKS_STALE_AFTER).
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": HAMDELI_TASKS_STALE_AFTER}}
# A prepared download (core.downloads) is kept this many days, then its file is deleted by a job.
HAMDELI_DOWNLOADS_KEEP_DAYS = _int("HAMDELI_DOWNLOADS_KEEP_DAYS", 7, minimum=1, maximum=365)
# The semantic search's vector index, shared by the machine's processes and written by the background worker
# (practices.search.index): a folder per database under it.
VECTOR_INDEX_DIR = Path(_str("HAMDELI_VECTOR_INDEX_DIR", str(VAR_DIR / "vectors")))
SEARCH_THREADS = _int("HAMDELI_SEARCH_THREADS", 1, minimum=1, maximum=64)  # the semantic engine's threads per process
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

NINJA_PAGINATION_PER_PAGE = 50

# Reverse proxies in front of Hamdeli that append the client's address to X-Forwarded-For (nginx: 1).
# 0 reads REMOTE_ADDR only, so a visitor cannot pass for another address by sending the header.
TRUSTED_PROXIES = _int("HAMDELI_TRUSTED_PROXIES", 0, minimum=0)

def _rate(name: str, default: str) -> tuple[int, int]:
    raw = _str(name, default)
    try:
        count, seconds = (int(part) for part in raw.split("/"))
        if count < 1 or seconds < 1:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} must be requests/seconds, e.g. 120/60.") from None
    return count, seconds


# Limits per client address, counted in the database across every server process (core.ratelimit):
# requests of visitors to public pages, their searches, and questions sent through "ask this city".
RATE_LIMITS = {
    "public": _rate("HAMDELI_RATE_PUBLIC", "120/60"),
    "search": _rate("HAMDELI_RATE_SEARCH", "30/60"),
    "ask": _rate("HAMDELI_RATE_ASK", "5/3600"),
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hamdeli"}}

SESSION_COOKIE_HTTPONLY = True
# How long a sign-in lasts without being used again.
SESSION_COOKIE_AGE = _int("HAMDELI_SESSION_DAYS", 14, minimum=1, maximum=365) * 24 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A strict Content-Security-Policy on every response (django-csp): only Hamdeli's own scripts, styles,
# fonts and images; no inline script or style (pages use classes; htmx is told not to inject its
# indicator style), nothing may frame a page. Served user files get a stricter sandbox (core.files).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws its select arrows and close buttons as data: SVG
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = _bool("HAMDELI_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _int("HAMDELI_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line names the request it belongs to (X-Request-ID), as the audit entry and error page do.
    "filters": {"request_id": {"()": "hamdeli.core.logs.RequestIdFilter"},
                "refusals": {"()": "hamdeli.core.logs.RefusalsWithoutTraceback"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id", "refusals"],
                             "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _str("HAMDELI_LOG_LEVEL", "WARNING")},
    # Django's own console handler (DEBUG only) printed every 4xx again with its traceback: its records go
    # to the root's handler instead, one line each.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
