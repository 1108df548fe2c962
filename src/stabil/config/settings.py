"""Django settings for Stabil, driven by the environment.

Every setting an operator may change is read from an environment variable with a typed helper below;
``docs/configuration.md`` lists them. SQLite in the working directory is the default database;
``DATABASE_URL=postgresql://…`` selects PostgreSQL, the production database.

``STABIL_ENV=production`` switches on the HTTPS-only settings that ``manage.py check --deploy`` asks
for. The default (development/demo) profile serves plain HTTP on 127.0.0.1, where secure-only cookies
would make log-in impossible.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from stabil.config.sso import authentication_backends, login_settings
from stabil.core import kolada as _kolada
from stabil.core import logreview as _logreview
from stabil.core import retention as _retention

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """Return the environment variable ``name``, or ``default`` when unset or empty."""
    value = os.environ.get(name, "")
    return value if value != "" else default


def env_bool(name: str, default: bool) -> bool:
    """Return the environment variable ``name`` read as a yes/no flag."""
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in {"1", "true", "yes", "on", "ja"}:
        return True
    if value in {"0", "false", "no", "off", "nej"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    """Return the environment variable ``name`` as an integer."""
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    """Return the comma-separated environment variable ``name`` as a list."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


STABIL_ENV = env_str("STABIL_ENV", "development")
if STABIL_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("STABIL_ENV must be 'development' or 'production'")
PRODUCTION = STABIL_ENV == "production"
DEBUG = env_bool("STABIL_DEBUG", False)

# Where the SQLite file, the generated secret key and collected static files live.
DATA_DIR = Path(env_str("STABIL_DATA_DIR", os.getcwd())).resolve()


def _secret_key() -> str:
    key = env_str("STABIL_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("STABIL_SECRET_KEY must be set when STABIL_ENV=production")
    # Development and demo: a random key kept beside the SQLite file, so sessions survive restarts.
    path = DATA_DIR / ".stabil-secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        try:
            path.write_text(key)
            path.chmod(0o600)
        except OSError:
            pass  # read-only working directory: a per-process key still works
        return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("STABIL_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")


def _too_broad_host(host: str) -> bool:
    """Whether an ALLOWED_HOSTS entry matches hosts nobody configured: '*', or '.' with one label ('.se')."""
    if "*" in host:
        return True
    return host.startswith(".") and host.strip(".").count(".") < 1


if PRODUCTION and any(_too_broad_host(host) for host in ALLOWED_HOSTS):
    # A wildcard host lets any Host header through: password-reset links and absolute URLs could point
    # anywhere (host-header injection). Production names its host names.
    raise ImproperlyConfigured(
        "STABIL_ALLOWED_HOSTS must name the host names (e.g. stabil.kommun.se) when STABIL_ENV=production, "
        f"not a wildcard: {', '.join(h for h in ALLOWED_HOSTS if _too_broad_host(h))}"
    )
CSRF_TRUSTED_ORIGINS = env_list("STABIL_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Stabil's web app comes first so its registration templates are the ones used. There is no Django
    # admin: its pages listed related cases and staff and let an administrator change its own role.
    "stabil.web",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rules",
    "auditlog",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "stabil.organisation",
    "stabil.accounts",
    "stabil.audit",
    "stabil.jobs",
    "stabil.imports",
    "stabil.staff",
    "stabil.cases",
    "stabil.workload",
    "stabil.governance",
    "stabil.simulation",
    "stabil.records",
    "stabil.feeds",
    "stabil.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "stabil.web.middleware.NoStoreMiddleware",  # no cache keeps a response (static files above excepted)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "stabil.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Log-in is required for every page except those marked @login_not_required (log-in, health check).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Axes must be last: it turns locked-out log-ins into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stabil.config.urls"
WSGI_APPLICATION = "stabil.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "stabil.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'stabil.sqlite3'}"),
        conn_max_age=env_int("STABIL_DB_CONN_MAX_AGE", 60),
    )
}
# PostgreSQL in production: DATABASE_URL is the application's role, which may only add to and read the
# access log; STABIL_MIGRATE_DATABASE_URL the owner role that `stabil migrate` runs as (docs/configuration.md).
MIGRATE_DATABASE_URL = env_str("STABIL_MIGRATE_DATABASE_URL")
if MIGRATE_DATABASE_URL and not (
        DATABASES["default"]["ENGINE"].endswith("postgresql")
        and dj_database_url.parse(MIGRATE_DATABASE_URL)["ENGINE"] == DATABASES["default"]["ENGINE"]):
    raise ImproperlyConfigured("STABIL_MIGRATE_DATABASE_URL is for PostgreSQL, beside a postgresql:// DATABASE_URL")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes; IMMEDIATE avoids "database is locked"
    # upgrades from read to write transactions.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Log-in: local passwords (switchable off), single sign-on through the municipality's OpenID Connect provider,
# and a second factor (TOTP) for local accounts; stabil.config.sso reads the environment (docs/configuration.md).
globals().update(login_settings(os.environ, production=PRODUCTION))
# Axes first: a locked-out attempt is refused before any password is hashed. The model backend checks at
# most STABIL_LOGIN_CONCURRENCY passwords at once per process (stabil.accounts.throttle).
AUTHENTICATION_BACKENDS = authentication_backends(local=STABIL_LOCAL_LOGIN, sso=STABIL_SSO)  # noqa: F821
# TOTP codes (django-otp): the issuer shown in the authenticator app; after a wrong code the next try waits
# 1, 2, 4, 8 ... seconds (per device), recovery codes alike.
OTP_TOTP_ISSUER = "Stabil"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Django's Argon2, hashed on a low-priority thread so that log-ins never take the CPU from pages
# (stabil.accounts.passwords); same parameters and stored format as django.contrib.auth's.
PASSWORD_HASHERS = [
    "stabil.accounts.passwords.LowPriorityArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Swedish common passwords, season/month + year, the published demo password (stabil.accounts.passwords).
    {"NAME": "stabil.accounts.passwords.SwedishCommonPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:start"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after this many minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = env_int("STABIL_SESSION_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# The client's address: REMOTE_ADDR, or behind this many trusted proxies the entry they appended to
# X-Forwarded-For (stabil.web.client_ip). Log-in throttling and the access log use the same address.
STABIL_TRUSTED_PROXY_COUNT = env_int("STABIL_TRUSTED_PROXY_COUNT", 0)
if STABIL_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("STABIL_TRUSTED_PROXY_COUNT must be 0 or more")

# Repeated failed log-ins are throttled per user name (across addresses) and, separately, per address
# (across user names), by django-axes; see stabil.accounts.throttle and docs/configuration.md.
AXES_ENABLED = env_bool("STABIL_LOGIN_THROTTLE", True)
AXES_FAILURE_LIMIT = env_int("STABIL_LOGIN_FAILURE_LIMIT", 5)
STABIL_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("STABIL_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
STABIL_LOGIN_COOLOFF_MINUTES = env_int("STABIL_LOGIN_COOLOFF_MINUTES", 15)
STABIL_LOGIN_CONCURRENCY = env_int("STABIL_LOGIN_CONCURRENCY", 2)
if min(AXES_FAILURE_LIMIT, STABIL_LOGIN_ADDRESS_FAILURE_LIMIT, STABIL_LOGIN_COOLOFF_MINUTES,
       STABIL_LOGIN_CONCURRENCY) < 1:
    raise ImproperlyConfigured(
        "STABIL_LOGIN_FAILURE_LIMIT, STABIL_LOGIN_ADDRESS_FAILURE_LIMIT, STABIL_LOGIN_COOLOFF_MINUTES and "
        "STABIL_LOGIN_CONCURRENCY must be 1 or more"
    )
AXES_COOLOFF_TIME = timedelta(minutes=STABIL_LOGIN_COOLOFF_MINUTES)
# Two separate entries: either the user name or the address being over its limit locks.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "stabil.accounts.throttle.StabilAxesHandler"
AXES_CLIENT_IP_CALLABLE = "stabil.web.client_ip.client_ip"
# A refused (locked) attempt records no failure and does not extend the lock: cheap under a flood, and a lock
# that anyone can set by guessing ends one cool-off after it was set.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Security headers. CSP forbids inline and third-party scripts; styles allow inline because server-rendered
# SVG charts (matplotlib) carry <style> elements.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The log-out form may be redirected to the IdP's end-session endpoint (stabil.config.sso).
        "form-action": [SELF, *STABIL_SSO_FORM_ACTION_ORIGINS],  # noqa: F821
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("STABIL_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("STABIL_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("STABIL_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "sv"
# Each language is named in its own language (a switcher must be readable by whoever needs it), so
# the names are not translated.
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Stockholm"
FORMAT_MODULE_PATH = ["stabil.config.formats"]
# Thousand separators are applied where numbers are shown, with the ``number`` filter of
# ``stabil.web.templatetags.stabil``; switched on globally they would also split years and ids.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
# Only needed for `collectstatic` behind a separate web server; WhiteNoise serves from the apps otherwise.
STATIC_ROOT = env_str("STABIL_STATIC_ROOT") or None
# WhiteNoise serves static files from the app directories directly: nothing to collect, no CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Long work (simulations, board reports) runs as django-tasks in the database; `stabil serve` starts a
# worker beside the web server. STABIL_TASK_BACKEND=immediate runs tasks in the request (tests).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_str("STABIL_TASK_BACKEND", "database") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Each job of the worker runs in a child process with at most this much address space (MB; 0 = no limit),
# so that a job that runs out of memory or dies is marked failed and the next job runs (stabil.jobs.services).
STABIL_JOB_ISOLATION = env_str("STABIL_JOB_ISOLATION", "auto")
if STABIL_JOB_ISOLATION not in {"auto", "process", "off"}:
    raise ImproperlyConfigured(f"STABIL_JOB_ISOLATION must be auto, process or off, not {STABIL_JOB_ISOLATION!r}")
STABIL_JOB_MEMORY_MB = env_int("STABIL_JOB_MEMORY_MB", 8192)

# Nightly feeds (issue 14, docs/feeds.md): the drop folder whose files `stabil feeds run` imports, how long a
# file must have lain unchanged before it is taken (seconds), and when `stabil serve` runs the feeds itself.
STABIL_IMPORT_DIR = env_str("STABIL_IMPORT_DIR")
STABIL_IMPORT_SETTLE_SECONDS = env_int("STABIL_IMPORT_SETTLE_SECONDS", 60)
if STABIL_IMPORT_SETTLE_SECONDS < 0:
    raise ImproperlyConfigured("STABIL_IMPORT_SETTLE_SECONDS must be 0 or more")
# Kolada (docs/feeds.md): the municipality's code, the Kolada KPI id of each Stabil KPI ("stabil_code=N12345,
# ..."), the municipalities compared with, and whether `stabil kolada fetch` may use the network at all.
STABIL_KOLADA_MUNICIPALITY = env_str("STABIL_KOLADA_MUNICIPALITY")
STABIL_KOLADA_KPIS = env_str("STABIL_KOLADA_KPIS")
STABIL_KOLADA_COMPARE = env_str("STABIL_KOLADA_COMPARE")
STABIL_KOLADA_FETCH = env_bool("STABIL_KOLADA_FETCH", False)
STABIL_KOLADA_URL = env_str("STABIL_KOLADA_URL", "https://api.kolada.se/v3")
try:
    _kolada.parse_kpi_map(STABIL_KOLADA_KPIS)
    _kolada.parse_municipalities(f"{STABIL_KOLADA_MUNICIPALITY},{STABIL_KOLADA_COMPARE}")
except _kolada.KoladaError as _exc:
    raise ImproperlyConfigured(f"STABIL_KOLADA_*: {_exc}") from _exc
if not STABIL_KOLADA_URL.startswith("https://") and not STABIL_KOLADA_URL.startswith("http://127.0.0.1"):
    raise ImproperlyConfigured("STABIL_KOLADA_URL must be an https:// address")

EMAIL_BACKEND = env_str("STABIL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("STABIL_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("STABIL_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("STABIL_FROM_EMAIL", "stabil@localhost")

AUDITLOG_INCLUDE_ALL_MODELS = False

# A refused request (403 PermissionDenied, 400 SuspiciousOperation) is one log line without a traceback
# (stabil.web.logfilters): on the django.request logger itself, so every handler sees the short record, and on
# the console handler for the django.security.* loggers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_client_errors": {"()": "stabil.web.logfilters.OneLineClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_client_errors"]}},
    "loggers": {"django.request": {"filters": ["one_line_client_errors"]}},
    "root": {"handlers": ["console"], "level": env_str("STABIL_LOG_LEVEL", "WARNING")},
}

# Municipality-wide defaults; the organisation's Municipality record may override them.
STABIL_SUPPRESSION_THRESHOLD = env_int("STABIL_SUPPRESSION_THRESHOLD", 4)

# Record-keeping (issue 15; docs/records.md). The monthly log follow-up: working hours (Europe/Stockholm),
# the number of accesses in a month above which a user is selected, and the size of the random sample.
try:
    STABIL_LOG_REVIEW_HOURS = _logreview.parse_hours(env_str("STABIL_LOG_REVIEW_HOURS", "07:00-18:00"))
except ValueError as _exc:
    raise ImproperlyConfigured(f"STABIL_LOG_REVIEW_HOURS: {_exc}") from _exc
STABIL_LOG_REVIEW_MANY = env_int("STABIL_LOG_REVIEW_MANY", _logreview.DEFAULT_MANY_READS)
STABIL_LOG_REVIEW_SAMPLE = env_int("STABIL_LOG_REVIEW_SAMPLE", _logreview.DEFAULT_SAMPLE_SIZE)
# Retention (gallring): how long each kind of data is kept, and what is never removed (core/retention.py,
# where the defaults and their sources are).
try:
    STABIL_RETENTION_RULES = _retention.rules_from({
        "child_years": env_int("STABIL_RETENTION_CHILD_YEARS", _retention.DEFAULT_CHILD_YEARS),
        "keep_placements": env_bool("STABIL_RETENTION_KEEP_PLACEMENTS", True),
        "research_days": env_str("STABIL_RETENTION_RESEARCH_DAYS", ""),
        "staff_years": env_int("STABIL_RETENTION_STAFF_YEARS", _retention.DEFAULT_STAFF_YEARS),
        "exit_comment_years": env_int("STABIL_RETENTION_EXIT_COMMENT_YEARS", _retention.DEFAULT_EXIT_COMMENT_YEARS),
        "access_log_years": env_int("STABIL_RETENTION_ACCESS_LOG_YEARS", _retention.DEFAULT_ACCESS_LOG_YEARS),
    })
except ValueError as _exc:
    raise ImproperlyConfigured(f"STABIL_RETENTION_*: {_exc}") from _exc

# The REST API (issue 14; docs/api.md): calls per integration client, counted in the cache (one per process
# unless the cache is shared). Format: "<count>/<period>", period s, m, h or d (e.g. "600/m", "10000/h").
API_RATE_LIMIT = env_str("STABIL_API_RATE_LIMIT", "600/m")
