"""Tillit's settings: one module, everything configurable read from the environment.

TILLIT_ENV=production demands explicit configuration and refuses unsafe values;
TILLIT_ENV=development (the default) runs on SQLite under var/ with a generated secret key.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tillit.backup.crypto import parse_backup_key
from tillit.documents.keys import NEW_KEY_COMMAND, new_key, parse_document_keys
from tillit.lib.env import envbool, envchoice, envint, envlist, envsecret, envstr

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(envstr("TILLIT_VAR_DIR", str(PACKAGE_DIR.parents[1] / "var")))

TILLIT_ENV = envchoice("TILLIT_ENV", "development", ("development", "production"))
PRODUCTION = TILLIT_ENV == "production"
DEBUG = envbool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when TILLIT_ENV=production")

# Demo mode lets users in without MFA (a banner says so on every page). Never in production.
TILLIT_DEMO = envbool("TILLIT_DEMO", False)
if PRODUCTION and TILLIT_DEMO:
    raise ImproperlyConfigured("TILLIT_DEMO cannot be used when TILLIT_ENV=production")


def _secret_key() -> str:
    key = envsecret("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when TILLIT_ENV=production"
        )
    # Development keeps a generated key so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _document_keys() -> list[str]:
    """AES-256 keys for documents at rest, newest first (comma-separated, for rotation; the
    format is described in tillit/documents/keys.py)."""
    keys = parse_document_keys(envsecret("DOCUMENT_KEYS"))
    if keys:
        return keys
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DOCUMENT_KEYS (or DOCUMENT_KEYS_FILE) must be set when TILLIT_ENV=production; "
            f"make one with: {NEW_KEY_COMMAND}"
        )
    # Development keeps a generated key. One written by an earlier Tillit is a Fernet key:
    # 32 bytes in URL-safe base64 as well, so it keeps working.
    path = VAR_DIR / "document_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(new_key())
        path.chmod(0o600)
    return parse_document_keys(path.read_text(), source=str(path))


DOCUMENT_KEYS = _document_keys()
# The key of `tillit backup` archives (tillit/backup/crypto.py): only `tillit backup` and
# `tillit restore` need it, and refuse to run without it; a malformed key stops Tillit at start.
BACKUP_KEY = parse_backup_key(envsecret("BACKUP_KEY"))
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when TILLIT_ENV=production")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# Where people reach Tillit, for links in e-mails sent by the worker (supplier portal links).
BASE_URL = envstr(
    "BASE_URL", f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")

INSTALLED_APPS = [
    "tillit.accounts",
    "tillit.organisations",
    "tillit.audit",
    "tillit.catalogue",
    "tillit.classification",
    "tillit.procurement",
    "tillit.documents",
    "tillit.suppliers",
    "tillit.imports",
    "tillit.assessments",
    "tillit.followup",
    "tillit.incidents",
    "tillit.risks",
    "tillit.bench",
    "tillit.reports",
    "tillit.api",
    "tillit.backup",
    "tillit.web",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # allauth's list of passkeys uses it
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tillit.web.middleware.security_headers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tillit.web.middleware.language",  # after authentication: it remembers the user's choice
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tillit.accounts.middleware.require_mfa",
]

ROOT_URLCONF = "tillit.urls"
WSGI_APPLICATION = "tillit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tillit.web.context_processors.tillit",
            ],
        },
    },
]

# How Tillit uses SQLite (the bench's own database too).
SQLITE_OPTIONS = {
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
    # start of a transaction so two writers queue instead of failing half-way. A page
    # cache of up to 128 MB a connection (2 MB by default) keeps a large import's indexes
    # in memory: 100,000 contracts go in in 17 s rather than 21 s. Pages are only taken as
    # they are read, and a web request's connection ends with the request.
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tillit.sqlite3'}")
try:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL: {exc}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    if _database["NAME"] != ":memory:":
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _database["OPTIONS"] = dict(SQLITE_OPTIONS)
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The database cache is shared by every web process, which login rate limits need.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tillit_cache",
        # Past MAX_ENTRIES a third is culled, by key: room for a management overview per
        # organisation and language at national scale (reports.overview), and sign-in limits.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The hour (local time) from which the day's follow-up reminders are decided and sent.
FOLLOWUP_SEND_HOUR = envint("FOLLOWUP_SEND_HOUR", 7)
if not 0 <= FOLLOWUP_SEND_HOUR <= 23:
    raise ImproperlyConfigured("FOLLOWUP_SEND_HOUR must be an hour, 0–23")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail login, no self-signup (organisations add their members), MFA.
ACCOUNT_ADAPTER = "tillit.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
# A mail to the person whenever their password, address or second factor changes (ASVS 2.2.3).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_ADAPTER = "tillit.accounts.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Tillit"
# One 30-second step either side, as RFC 6238 advises for clocks that drift and codes typed as
# the step turns; a code is still accepted only once (allauth remembers it for the whole window).
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    # Production fills it with collectstatic; in development whitenoise only needs it to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)


def _default_storage() -> dict[str, Any]:
    """Where documents are stored: the file system under TILLIT_MEDIA_ROOT, or another Django
    storage backend such as an S3-compatible store through django-storages (see README)."""
    backend = envstr("TILLIT_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
    raw = envsecret("TILLIT_STORAGE_OPTIONS")  # may hold credentials, hence _FILE support
    try:
        options = json.loads(raw) if raw else {}
    except json.JSONDecodeError as exc:
        # The message gives the position of the mistake only, never the text.
        raise ImproperlyConfigured(f"TILLIT_STORAGE_OPTIONS is not JSON: {exc}") from None
    if not isinstance(options, dict):
        raise ImproperlyConfigured("TILLIT_STORAGE_OPTIONS must be a JSON object")
    return {"BACKEND": backend, "OPTIONS": options} if options else {"BACKEND": backend}


STORAGES = {
    "default": _default_storage(),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(envstr("TILLIT_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads larger than this stay on disk (in the temporary folder) while they are checked.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# E-mail: console in development, SMTP in production.
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Tillit <tillit@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Transport security. Production sits behind a TLS-terminating proxy that sets
# X-Forwarded-Proto; see README.
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    # __Host-: the browser keeps the cookie only if it is Secure, for the whole host and for this
    # host alone, so no sibling domain can set or shadow it (ASVS 3.4.4). Browsers refuse such
    # cookies over plain http, so development keeps Django's names.
    SESSION_COOKIE_NAME = "__Host-tillit_session"
    CSRF_COOKIE_NAME = "__Host-tillit_csrf"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
# How many reverse proxies stand in front of Tillit, each appending the address it saw to
# X-Forwarded-For. Rate limits (sign-in, supplier portal, API) count per client address;
# counting the proxy's address instead would let anyone lock everyone out.
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 1 if PRODUCTION else 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXIES
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"error_reference": {"()": "tillit.web.errors.ErrorReference"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        # An error's log line starts with the reference its page shows (web/errors.py).
        "django.request": {"filters": ["error_reference"]},
        # WeasyPrint reports every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The REST API under /api/v1/ (tillit.api, docs/api.md): personal tokens or the session, JSON in
# and out, errors as RFC 9457 problems, rate limits per token in the shared database cache.
API_RATE_LIMIT = envstr("API_RATE_LIMIT", "300/minute")
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", API_RATE_LIMIT):
    raise ImproperlyConfigured("API_RATE_LIMIT must look like 300/minute (second, hour, day)")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tillit.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["tillit.api.throttling.ApiThrottle"],
    # Without it the throttle would take X-Forwarded-For as given, so a forged header would
    # give every request a fresh address.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "token": API_RATE_LIMIT,
        "user": API_RATE_LIMIT,
        "anonymous": "60/minute",
    },
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tillit.api.problems.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tillit API",
    "DESCRIPTION": "Supplier security for the public sector. See docs/api.md for a walk-through.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "tillit.organisations.models.OrganisationKind",
        "CertificateKindEnum": "tillit.suppliers.models.CertificateType",
        "Art28PointEnum": "tillit.api.endpoints.contracts.POINTS",
        "AssessmentStatusEnum": "tillit.assessments.models.AssessmentStatus",
        "FindingStatusEnum": "tillit.assessments.models.FindingStatus",
        "FindingSeverityEnum": "tillit.assessments.models.Severity",
        "IncidentStatusEnum": "tillit.incidents.models.IncidentStatus",
        "CaseStatusEnum": "tillit.incidents.models.CaseStatus",
        "FollowUpStatusEnum": "tillit.api.endpoints.followup.STATUSES",
        "RiskStatusEnum": "tillit.risks.models.RiskStatus",
        "RiskStatusInputEnum": "tillit.api.endpoints.risks.STATUSES",
        # A risk's band and an incident's severity: the same four values.
        "LowToCriticalEnum": "tillit.risks.matrix.Band",
        "ReportStatusEnum": "tillit.reports.models.ReportStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tillit.api.schema.add_problem_responses",
    ],
}
