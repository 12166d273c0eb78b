"""Settings for the safeguarding peer review workspace.

Everything is read from the environment, and the defaults fail closed: with no
variables at all debug is off and the app refuses to start without a secret
key. The quick start (`make run`, `make test`) asks for debug explicitly with
DJANGO_DEBUG=true, which gives SQLite in the checkout, a development key and
reports rendered in the web process without a broker.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from peerreview import logs, storage_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless asked for: a production machine that forgets a variable must not serve debug pages.
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-only-for-the-quick-start"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "For development on your own machine, set DJANGO_DEBUG=true (make run and make test do)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "reviews",
    "selfassessment",
    "casemapping",
    "audits",
    "focusgroups",
    "interviews",
    "conference",
]

MIDDLEWARE = [
    "peerreview.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "reviews.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "reviews.sessions.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads a request's body: one too large, or a form not in UTF-8, is refused with a page.
    "reviews.request_limits.RequestBodyMiddleware",
    "reviews.two_factor.OTPMiddleware",
    "reviews.middleware.LoginRequiredMiddleware",
    "reviews.two_factor.SecondFactorMiddleware",
    # A form kept when a session ended is turned back into its POST before the membership check, so the
    # replay meets every rule a POST meets there (an archived review refuses it).
    "reviews.middleware.DraftReplayMiddleware",
    "reviews.middleware.ReviewMembershipMiddleware",
    "reviews.access.AccessLogMiddleware",
    "reviews.derived.DerivedFiguresMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so the page it puts in place of an empty 405 gets every other middleware's headers on its way out.
    "reviews.middleware.NotAllowedPageMiddleware",
]

ROOT_URLCONF = "peerreview.urls"
WSGI_APPLICATION = "peerreview.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reviews.notifications.context_processors.unread_notifications",
            ],
            # `{% url %}` keeping each address once worked out (reviews/links.py).
            "builtins": ["reviews.templatetags.links"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # Parameters bound by the server, and psycopg prepares a statement a connection has run 5 times, so PostgreSQL
    # parses and plans it once per connection rather than on every page: the membership check's five-table join
    # takes 0.15 ms in the server instead of 0.6. Django leaves prepare_threshold at None (never prepare) unless
    # it is given here. Turn it off behind a pooler in transaction mode that cannot keep a connection's prepared
    # statements (PgBouncer before 1.21, or a later one without max_prepared_statements set above 0).
    # A statement whose plan a migration made stale (a column's type changed) is prepared again (peerreview/db.py).
    from peerreview.db import RePreparingCursor

    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5, cursor_factory=RePreparingCursor
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Inputs, text areas and selects written in Python, as Django's widget templates write them (reviews/widget_renderer.py).
FORM_RENDERER = "reviews.widget_renderer.WidgetRenderer"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Django's, keeping one Redis client per connection pool (peerreview/cache.py).
    CACHES = {"default": {"BACKEND": "peerreview.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # One process's own cache (the quick start): room for a figure of each review of a national programme.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 20_000}}
    }

# How many proxies in front of the app append to X-Forwarded-For; 0 when clients connect directly.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# Public pages, per 10 minutes: generous enough for a class of children or a conference room behind one
# network address, low enough that a script cannot flood a review with answers or alerts.
QUESTIONNAIRE_ANSWERS_PER_ADDRESS = env_int("QUESTIONNAIRE_ANSWERS_PER_ADDRESS", 120)
QUESTIONNAIRE_ANSWERS_PER_LINK = env_int("QUESTIONNAIRE_ANSWERS_PER_LINK", 600)
# Wrong ballot codes at /vote/, per 10 minutes: per address (a room of 60 mistyping stays well within it) and
# per round; a 40-bit code cannot be guessed within these.
VOTE_CODE_WINDOW_SECONDS = 600
VOTE_FAILED_CODES_PER_ADDRESS = env_int("VOTE_FAILED_CODES_PER_ADDRESS", 100)
VOTE_FAILED_CODES_PER_ROUND = env_int("VOTE_FAILED_CODES_PER_ROUND", 300)
# Identical answers that raise an alert within this time count on the first alert rather than raising another.
ALERT_GROUPING_SECONDS = env_int("ALERT_GROUPING_SECONDS", 600)
# An alert email no worker has sent within this time is shown as not sent, with a button to try again.
ALERT_EMAIL_WAIT_SECONDS = env_int("ALERT_EMAIL_WAIT_SECONDS", 900)

# An invitation's link to set a password works for this many days after it was last sent.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)
# A notification email that fails is tried again by the periodic task, up to this many times in all.
NOTIFICATION_EMAIL_MAX_ATTEMPTS = env_int("NOTIFICATION_EMAIL_MAX_ATTEMPTS", 5)
# The address links in emails start with, such as https://peer-review.example (no trailing slash).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000")
# Where the accessibility statement asks people to report a problem (empty: the council's peer review team).
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "")
# Who answers questions about personal data and subject access requests (the data protection page names them).
DATA_PROTECTION_CONTACT_EMAIL = os.environ.get("DATA_PROTECTION_CONTACT_EMAIL", "")
# A token that lets a load balancer or a deploy script read /health/ready/ without signing in (empty: admins only).
HEALTH_TOKEN = os.environ.get("HEALTH_TOKEN", "")

# Accounts and sessions
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "reviews.backends.ModelBackendOneQuery",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reviews:list"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# Activity moves the session's end on (reviews.sessions.SessionMiddleware writes it at most once a minute).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
# Sessions are read from Redis and kept in PostgreSQL too (a session that ended is still read for its draft); with
# no Redis each process would keep its own copy, which a sign-out in another process would not clear.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in lockout per account (axes, on the username alone) and per address (reviews.lockout): see that module.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 30)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes would otherwise keep every sign-in (time, address, browser) for ever; the access log is the record kept.
AXES_DISABLE_ACCESS_LOG = True
# axes warns that a lockout without the address can be dodged by changing user agent: the per-address limit in
# reviews.lockout is what stops one machine, so the account lockout is deliberately on the username alone.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "reviews.throttle.client_address"
# Two-factor sign-in (reviews/two_factor.py): required for administrators, programme managers, leads, challenge
# managers and safeguarding leads. Only a test may turn the check off.
TWO_FACTOR_ENFORCED = True
OTP_TOTP_ISSUER = "Safeguarding peer review"
# How long a review's records are kept after its 12-month check, unless the review sets its own (reviews/retention.py).
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 12)
# How long a figure derived from a review's records (reviews/derived.py) is kept at most; it is worked out again
# sooner when the review's records change.
DERIVED_FIGURES_SECONDS = env_int("DERIVED_FIGURES_SECONDS", 15 * 60)
# What every page shows of the signed-in person (permissions, unread count) is kept this long at most
# (reviews/person_cache.py); 0 keeps nothing.
PERSON_FIGURES_SECONDS = env_int("PERSON_FIGURES_SECONDS", 15 * 60)
# How long a whole-review export (a ZIP of every record) stays on the server for its lead to download.
EXPORT_KEPT_HOURS = env_int("EXPORT_KEPT_HOURS", 24)

# Security headers; with debug off the deploy checks pass.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
# A failed check is a page that says what to do (and, on a questionnaire, keeps the answers), never Django's own.
CSRF_FAILURE_VIEW = "reviews.csrf_failure.csrf_failure"
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Internationalisation
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
FORMAT_MODULE_PATH = ["peerreview.formats"]  # the dates every form reads
USE_TZ = True

# Static files: the project's own, plus GOV.UK and MOJ Frontend from npm.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
]
# GOV.UK Frontend's stylesheet asks for its fonts and images under /assets/.
WHITENOISE_ROOT = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "peerreview.static_storage.StaticStorage"  # WhiteNoise's, each address worked out once
        )
    },
    # Case-level files: never under a public URL, downloaded only through views that check membership. On the
    # local file system by default; in an S3-compatible bucket when S3_BUCKET is set (see storage_settings).
    "private": storage_settings.private_storage(os.environ, BASE_DIR),
}
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
# Evidence files: the limit is checked by reviews.uploads with a clear message. Django's own limits leave
# files alone (DATA_UPLOAD_MAX_MEMORY_SIZE counts only the other fields); files above
# FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file rather than held in memory.
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_BYTES", 25 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Celery: with no broker the quick start renders reports in the web process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
# Longer than the longest task, so a slow render is not handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# A rendered report the file store does not take is tried again after each of these waits, then marked failed.
REPORT_STORAGE_RETRY_SECONDS = tuple(int(s) for s in env_list("REPORT_STORAGE_RETRY_SECONDS", "30,60,120,300"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# What Celery beat runs. The schedule lives here, in code, rather than in django-celery-beat's tables: it is the
# same for every council, changes only with a release, and needs no extra app, migrations or admin screens. Each job
# is idempotent (a reminder or a daily summary is made once per item, person and day, enforced by a unique
# constraint), so a beat restarted or run more often than this sends nothing twice. Run exactly one beat process.
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "reviews.notifications.tasks.send_reminders",
        "schedule": crontab(minute=5),  # hourly: a missed hour is made up by the next run the same day
    },
    "send-daily-digests": {
        "task": "reviews.notifications.tasks.send_digests",
        "schedule": crontab(hour="7-20", minute=30),  # from 07:30; later runs catch a missed one
    },
    "retry-failed-emails": {
        "task": "reviews.notifications.tasks.retry_failed_emails",
        "schedule": crontab(minute="*/10"),
    },
    "retention-schedule": {
        "task": "reviews.tasks.run_retention_schedule",
        "schedule": crontab(hour=2, minute=40),  # nightly: warnings, then archives and purges (reviews/retention.py)
    },
    "expire-review-exports": {
        "task": "reviews.tasks.expire_review_exports",
        "schedule": crontab(minute=25),  # hourly: an export's file is deleted within the hour after its time
    },
    "retry-file-deletions": {
        # hourly: files the storage did not delete when asked (reviews/file_deletions.py)
        "task": "reviews.tasks.retry_file_deletions",
        "schedule": crontab(minute=35),
    },
    "remind-questionnaire-partners": {
        "task": "focusgroups.tasks.remind_partners",
        "schedule": crontab(hour="8-17", minute=15),  # from 08:15 in working hours; later runs catch a missed one
    },
}
# How a requested report is rendered: by a Celery worker when there is a broker; without one (the quick start)
# in a background thread of the web process, so the request returns at once.
REPORT_RENDERING = os.environ.get("REPORT_RENDERING", "celery" if REDIS_URL else "thread")
if REPORT_RENDERING not in {"celery", "thread"}:
    raise ImproperlyConfigured("REPORT_RENDERING must be celery or thread.")

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "peer-review@localhost")
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH") or None  # for Django's file-based backend
# A mail server that does not answer fails the try within this time, rather than holding the alert's task.
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 30)
# The mail server, for Django's SMTP backend. Alerts carry a child's words, so use TLS beyond localhost.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set DJANGO_EMAIL_USE_TLS or DJANGO_EMAIL_USE_SSL, not both.")

# JSON lines in production (one object a line, with the request's id); readable text with debug on.
logs.install_record_factory()
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be json or text.")
# Workers and beat log through the same handler as the web processes, not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "ids": {"()": "peerreview.logs.RequestIdFilter"},
        "client_errors": {"()": "peerreview.logs.ClientErrorFilter"},
        "link_secrets": {"()": "peerreview.logs.LinkSecretFilter"},
    },
    "formatters": {
        "json": {"()": "peerreview.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["ids", "client_errors", "link_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs can carry query strings; keep them to warnings and errors.
        "django.request": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
