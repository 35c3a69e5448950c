"""The one settings module, driven by environment variables (see README "Configuration")."""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ECOZONE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("ECOZONE_DEBUG")
TESTING = env_bool("ECOZONE_TESTING")


def _secret_key() -> str:
    key = os.environ.get("ECOZONE_SECRET_KEY", "")
    if key:
        return key
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("ECOZONE_SECRET_KEY must be set when ECOZONE_DEBUG is off.")
    # Development only: a random key kept in var/ so sessions survive a restart.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ECOZONE_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("ECOZONE_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "ecozone.core",
    "ecozone.accounts",
    "ecozone.regions",
    "ecozone.indicators",
    "ecozone.designations",
    "ecozone.reporting",
    "ecozone.ratings",
    "ecozone.applications",
    "ecozone.casebook",
    "ecozone.taskbooks",
    "ecozone.showcase",
    "ecozone.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ecozone.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ecozone.core.locale.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ecozone.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ecozone.core.flags.context",
                "ecozone.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ecozone.sqlite3'}",
        conn_max_age=int(os.environ.get("ECOZONE_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:todo"
LOGOUT_REDIRECT_URL = "home"

# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("ECOZONE_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files go through Django's storage API: the local folder by default; with several app
# servers, a folder they all mount or an object store (README, "Several app servers").
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "ECOZONE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("ECOZONE_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

PRODUCTION = not (DEBUG or TESTING)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("ECOZONE_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Behind a TLS-terminating proxy (README "Production"): trust its X-Forwarded-Proto for "is this
# HTTPS", and take the client's address from the right-most X-Forwarded-For entry, the one the
# proxy itself appended (ecozone.core.limits.client_address). Never set it without such a proxy:
# anyone could then claim HTTPS or any address.
ECOZONE_BEHIND_PROXY = env_bool("ECOZONE_BEHIND_PROXY")
if ECOZONE_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("ECOZONE_SSL_REDIRECT", PRODUCTION)
# A load balancer probes over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("ECOZONE_HSTS_SECONDS", 31536000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ECOZONE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# Preloading asks browsers to hard-code HTTPS for the domain: hard to undo, so opt in explicitly.
SECURE_HSTS_PRELOAD = env_bool("ECOZONE_HSTS_PRELOAD")

# Sign-in lockout (django-axes): after ECOZONE_LOGIN_FAILURE_LIMIT failures for one account or
# from one address, both are refused for ECOZONE_LOGIN_COOLOFF_MINUTES after the last attempt
# (a failure while locked starts the wait again); a province admin may lift it earlier.
AXES_ENABLED = env_bool("ECOZONE_LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = int(os.environ.get("ECOZONE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ECOZONE_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ecozone.core.limits.client_address"
AXES_LOCKOUT_CALLABLE = "ecozone.accounts.views.locked_out"
AXES_VERBOSE = False

# Public forms (objections to a notice): at most this many posts per client address per hour.
ECOZONE_PUBLIC_FORM_LIMIT = int(os.environ.get("ECOZONE_PUBLIC_FORM_LIMIT", "5"))
# /api/v1/docs and /api/v1/openapi.json open to everyone (1) or to signed-in users only (0).
ECOZONE_API_DOCS_PUBLIC = env_bool("ECOZONE_API_DOCS_PUBLIC", True)
# /healthz: answer 503 when no background worker was seen within the age (seconds) below.
ECOZONE_HEALTH_REQUIRE_WORKER = env_bool("ECOZONE_HEALTH_REQUIRE_WORKER")
# A failed platform verification turns /healthz "degraded" (200); with this, 503.
ECOZONE_HEALTH_REQUIRE_INTEGRITY = env_bool("ECOZONE_HEALTH_REQUIRE_INTEGRITY")
ECOZONE_HEALTH_WORKER_MAX_AGE = int(os.environ.get("ECOZONE_HEALTH_WORKER_MAX_AGE", "300"))

EMAIL_BACKEND = os.environ.get(
    "ECOZONE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("ECOZONE_FROM_EMAIL", "ecozone@localhost")

# A strict policy: no inline script or style anywhere (see core/middleware.py).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Background jobs (re-examination computing): a database queue served by `manage.py db_worker`;
# `make run` starts one. Tests run jobs immediately.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING or env_bool("ECOZONE_TASKS_IMMEDIATE")
        else "django_tasks_db.DatabaseBackend"
    }
}

# Upload limits for imported workbooks (bytes).
ECOZONE_IMPORT_MAX_BYTES = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ECOZONE_LOG_LEVEL", "WARNING")},
}

SITE_TITLE = _("Ecological Civilization Demonstration Zone Management Platform")

# The province this installation serves (GB/T 2260 code of its 省).
ECOZONE_PROVINCE_CODE = os.environ.get("ECOZONE_PROVINCE_CODE", "330000")

# The Ed25519 key that signs checkpoints and receipts: a PEM (PKCS8) file, `manage.py signing_key
# --create` writes one. Debug and tests default to var/ and create it on first use; production
# has no default, and signing without the key is an error (README, "Signing key").
ECOZONE_SIGNING_KEY = os.environ.get("ECOZONE_SIGNING_KEY") or (
    str(VAR_DIR / "signing-key.pem") if DEBUG or TESTING else ""
)
