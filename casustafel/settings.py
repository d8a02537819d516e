"""Casustafel settings: one module, every value from the environment (see .env.example)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from casustafel.lib.env import envbool, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(envstr("CASUSTAFEL_VAR_DIR", str(PROJECT_DIR / "var")))

# CASUSTAFEL_ENV: "development" (default: runs on SQLite with DEBUG) or "production" (refuses
# unsafe values such as a missing secret key or relaxed MFA).
ENVIRONMENT = envstr("CASUSTAFEL_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("CASUSTAFEL_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = envbool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")

SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required in production")
    # A development key only: production refuses to start without its own.
    SECRET_KEY = "dev-only-insecure-key-casustafel-0123456789-abcdefghijklmnopqrstuvwxyz"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# Key for encrypting BSNs and other identifiers at rest (Fernet, urlsafe base64 of 32 bytes).
FIELD_ENCRYPTION_KEY = envsecret("FIELD_ENCRYPTION_KEY")
if not FIELD_ENCRYPTION_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY (or _FILE) is required in production")
    FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWNhc3VzdGFmZWwtMDE="
try:
    from cryptography.fernet import Fernet

    Fernet(FIELD_ENCRYPTION_KEY.encode())
except ValueError as exc:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEY must be 32 url-safe base64-encoded bytes "
        "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
    ) from exc

# Key of the audit trail's keyed hashes and seal signatures (HMAC-SHA256). Kept outside the
# database, so whoever can write to the database cannot forge events or re-seal the trail.
# Changing it makes every existing event fail the check: keep it as long as the trail.
AUDIT_KEY = envsecret("AUDIT_KEY")
if not AUDIT_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("AUDIT_KEY (or AUDIT_KEY_FILE) is required in production")
    AUDIT_KEY = "dev-only-audit-key-casustafel-0123456789"
if len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("AUDIT_KEY must be at least 32 characters")

# Reverse proxies whose X-Request-ID and X-Forwarded-For headers are believed (addresses or
# networks, e.g. 127.0.0.1,10.0.0.0/24). From anyone else both headers are ignored: the server
# makes its own request id and records the connecting address.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")
try:
    TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network(value, strict=False) for value in TRUSTED_PROXIES]
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES must list IP addresses or networks: {exc}") from exc

# Second factor. The demo may relax it (log in without TOTP); production refuses that.
MFA_REQUIRED = envbool("MFA_REQUIRED", True)
if PRODUCTION and not MFA_REQUIRED:
    raise ImproperlyConfigured("MFA_REQUIRED=false is for demos only and refused in production")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.admin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "casustafel.accounts",
    "casustafel.organisations",
    "casustafel.audit",
    "casustafel.notifications",
    "casustafel.dashboards",
    "casustafel.meeting_types",
    "casustafel.meetings",
    "casustafel.cases",
    "casustafel.plans",
    "casustafel.escalations",
    "casustafel.privacy",
    "casustafel.reporting",
    "casustafel.learning",
    "casustafel.demo",
]

MIDDLEWARE = [
    "casustafel.audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "casustafel.lib.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "casustafel.lib.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "casustafel.accounts.middleware.IdleTimeoutMiddleware",
    "casustafel.accounts.middleware.SecondFactorMiddleware",
    "casustafel.accounts.middleware.PasswordChangeRequiredMiddleware",
    "casustafel.organisations.middleware.ActingMembershipMiddleware",
    "casustafel.audit.middleware.RefusalAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casustafel.urls"
FORM_RENDERER = "casustafel.lib.forms.FormRenderer"
WSGI_APPLICATION = "casustafel.wsgi.application"

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
                "csp.context_processors.nonce",
                "casustafel.organisations.context_processors.acting",
            ],
        },
    }
]

# Database: SQLite under var/ unless DB_ENGINE=postgres.
DB_ENGINE = envstr("DB_ENGINE", "sqlite")
if DB_ENGINE == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": envstr("DB_NAME", "casustafel"),
            "USER": envstr("DB_USER", "casustafel"),
            "PASSWORD": envsecret("DB_PASSWORD", "") or "",
            "HOST": envstr("DB_HOST", ""),
            "PORT": envstr("DB_PORT", ""),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60, minimum=0),
            "TEST": {"NAME": envstr("DB_TEST_NAME", "test_casustafel")},
        }
    }
elif DB_ENGINE == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("DB_NAME", str(VAR_DIR / "casustafel.sqlite3")),
            # IMMEDIATE transactions and a busy timeout keep concurrent writers from failing
            # with "database is locked" and serialise the audit hash chain.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
else:
    raise ImproperlyConfigured("DB_ENGINE must be 'sqlite' or 'postgres'")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "casustafel.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:start"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (django-axes): after AXES_FAILURE_LIMIT failures for one e-mail address the account
# is locked for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by IP address would lock out a whole partner organisation behind one NAT gateway after
# a few colleagues mistype; the per-account lockout plus MFA is the protection we rely on.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "casustafel.accounts.lockout.lockout_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Sessions: an idle timeout (default 15 minutes) enforced by IdleTimeoutMiddleware; the cookie
# lives for one working day at most.
SESSION_IDLE_TIMEOUT_MINUTES = envint("SESSION_IDLE_TIMEOUT_MINUTES", 15, minimum=1)
SESSION_COOKIE_AGE = envint("SESSION_MAX_AGE_HOURS", 10, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

OTP_TOTP_ISSUER = envstr("OTP_TOTP_ISSUER", "Casustafel")

# Access log: highlight a user who opened more than ACCESS_LOG_ALERT_CASES distinct cases within
# ACCESS_LOG_ALERT_MINUTES minutes (casustafel/privacy/access_log/detectors.py).
ACCESS_LOG_ALERT_CASES = envint("ACCESS_LOG_ALERT_CASES", 10, minimum=1)
ACCESS_LOG_ALERT_MINUTES = envint("ACCESS_LOG_ALERT_MINUTES", 60, minimum=1)
# ...and a user refused (404/403 on a case, person or referral URL) more than
# ACCESS_LOG_ALERT_REFUSALS times within ACCESS_LOG_ALERT_REFUSAL_MINUTES minutes.
ACCESS_LOG_ALERT_REFUSALS = envint("ACCESS_LOG_ALERT_REFUSALS", 5, minimum=1)
ACCESS_LOG_ALERT_REFUSAL_MINUTES = envint("ACCESS_LOG_ALERT_REFUSAL_MINUTES", 10, minimum=1)

# Reports for the board and outside the house (casustafel/reporting): every count from 1 to
# REPORT_MIN_CELL - 1 is shown as "< REPORT_MIN_CELL" and never exported as a number. At least 3:
# "< 2" would reveal the value 1.
REPORT_MIN_CELL = envint("REPORT_MIN_CELL", 5, minimum=3)

# Retention of referrals that never become a case (casustafel/privacy/retention/selectors.py): a
# draft, or a referral waiting for the answer to an information request, with no activity for
# this many months is destroyed by `destroy_expired_cases`.
REFERRAL_STALE_MONTHS = envint("REFERRAL_STALE_MONTHS", 12, minimum=1)

# Background tasks (django-tasks with its database backend; run `casustafel db_worker` on one or
# more machines): the full verification of the audit trail, the annual report. Works on SQLite
# and PostgreSQL. `casustafel tick --enqueue` puts the periodic
# work on this queue instead of running it in the timer's own process (docs/deployment.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# E-mail: notifications go out as a neutral subject and a link, never a name or case content
# (casustafel/notifications). Console backend (printed to the log) unless an SMTP host is set.
EMAIL_HOST = envstr("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT_SECONDS", 20, minimum=1)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "casustafel@localhost")
# The address e-mailed links start with (scheme and host, no trailing slash): mails are sent by
# the periodic work, outside any request. Required in production.
SITE_URL = envstr("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be set to the https:// address of the site in production")

# The periodic work of `casustafel tick`, in this order. Each job is
# idempotent and safe to run on several machines at once (casustafel/audit/periodic_work.py).
PERIODIC_WORK = [
    "casustafel.audit.periodic.audit_work",
    "casustafel.escalations.periodic.escalation_work",
    "casustafel.plans.periodic.agreement_notices",
    "casustafel.plans.periodic.follow_up_prompts",
    "casustafel.learning.periodic.improvement_action_notices",
    "casustafel.learning.periodic.self_assessment_work",
    "casustafel.audit.periodic_work.destroy_expired",
    "casustafel.notifications.delivery.deliver_pending",
]

# Terms of the plans and escalations (working days: Monday to Friday, Dutch public holidays
# excluded). A reminder goes out AGREEMENT_REMINDER_WORKING_DAYS before an agreement is due; an
# agreement still overdue ESCALATION_TERM_WORKING_DAYS after its due date is escalated, and an
# escalation step whose term passes moves up (the 10 + 10 days of seed 003, section 8.3).
AGREEMENT_REMINDER_WORKING_DAYS = envint("AGREEMENT_REMINDER_WORKING_DAYS", 2, minimum=1)
ESCALATION_TERM_WORKING_DAYS = envint("ESCALATION_TERM_WORKING_DAYS", 10, minimum=1)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Without DEBUG (production, and the demo) the collected, hashed files; WhiteNoise
        # serves them (`collectstatic` first).
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded documents live outside the web root and are served only through permission-checked views.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "documents")))
# Attachments on cases (PDF, DOCX, PNG, JPEG): outside the web root under random names, served only
# by the permission-checked download view (casustafel/cases/attachment_storage.py).
ATTACHMENT_ROOT = Path(envstr("ATTACHMENT_ROOT", str(VAR_DIR / "attachments")))
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)

# Security headers. The CSP allows no inline script or style: every script is a static file.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole domain, subdomains included, to HTTPS in browsers for months:
        # the hosting party's decision, not the application's. Without this, W021 fails the
        # documented `check --deploy --fail-level WARNING` on every default installation.
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# Logs carry ids (user, case, request), never names, BSNs or free text about people.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "casustafel.audit.middleware.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger prints the URL and, on 500s, a traceback with local values;
        # our error handler logs an id-only line instead.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"level": "WARNING"},
    },
}

# Demo region label printed on the login page when the demo is loaded.
DEMO_MODE = envbool("CASUSTAFEL_DEMO", False)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("CASUSTAFEL_DEMO is refused in production")
# Port of the demo server (scripts/demo); `demo_region` prints its log-in address with it.
DEMO_PORT = envint("DEMO_PORT", 8000, minimum=1)
