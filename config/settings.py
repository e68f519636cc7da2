"""Settings come from the environment (12-factor); defaults suit a developer machine."""

import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config import production
from config.observability import errors, logs

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Where this runs: "production", "sandbox", "staging", "development" (the default); named in error reports.
ENVIRONMENT = os.environ.get("ENVIRONMENT", "").strip().lower() or "development"
if ENVIRONMENT == "production" and (_missing := production.missing(os.environ)):
    raise ImproperlyConfigured("ENVIRONMENT=production refuses to start without: " + "; ".join(_missing))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "insecure-development-key-do-not-use-in-production" if DEBUG or os.environ.get("PYTEST_VERSION") else None
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]

# The commit this process runs, recorded in the container image; reported by /livez and /readyz.
COMMIT_SHA = os.environ.get("COMMIT_SHA", "").strip() or "unknown"

# Sandbox environments let providers send X-With-Server-Date to test date rules; never production.
SANDBOX = env_bool("SANDBOX", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # WhiteNoise serves static files under runserver too, exactly as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "config.apps.CoreConfig",
    "schedules",
    "schools",
    "participants",
    "declarations",
    # Interface level, after the domain apps: demo data built across all of them; no app imports it.
    "demo",
]

MIDDLEWARE = [
    # Outermost, so that every request, probes and error pages included, has an id and one access line.
    "config.observability.request_id.RequestIdMiddleware",
    "config.observability.access.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their long cache lifetimes and need no policy of their own.
    "config.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    # /livez, /readyz: answered here, before anything below can load a session or a user (config/health.py).
    "config.health.HealthMiddleware",
    # API paths: oversized bodies refused before anything reads them; database outages become 503s. It sits
    # above the session and user middleware so that their database failures are caught too.
    "config.api.middleware.ApiEdgeMiddleware",
    "config.clock.ClockMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.changes.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# What this process is, set by the container entrypoint (and by config.localservices for `make run`): each
# role has its own database limits below. Under pytest the default is "test": long limits, so a busy CI
# machine fails no test by accident; the tests of the limits set them themselves.
PROCESS_ROLE = os.environ.get("PROCESS_ROLE", "").strip() or ("test" if os.environ.get("PYTEST_VERSION") else "web")

# Every wait on PostgreSQL ends (seconds; 0 means no limit): connecting, one statement, waiting for a lock, and a
# transaction left open doing nothing. A request meets the web limits well inside gunicorn's own timeout, and
# answers 503 when it hits one. Migrations may run long but must never queue behind a lock, which would queue
# every API request behind them; workers get longer statements for the nightly job.
_DATABASE_LIMITS = {
    #          connect, statement, lock, idle in transaction
    "web": (5, 10, 5, 30),
    "beat": (5, 10, 5, 30),
    "worker": (5, 900, 30, 300),
    "manage": (5, 900, 30, 300),
    "migrate": (5, 3600, 5, 300),
    "test": (5, 300, 60, 300),
}
if PROCESS_ROLE not in _DATABASE_LIMITS:
    raise RuntimeError(f"PROCESS_ROLE must be one of {', '.join(_DATABASE_LIMITS)}, not {PROCESS_ROLE!r}")
_connect, _statement, _lock, _idle = (
    int(os.environ.get(f"DATABASE_{name}_TIMEOUT", default))
    for name, default in zip(
        ("CONNECT", "STATEMENT", "LOCK", "IDLE_IN_TRANSACTION"), _DATABASE_LIMITS[PROCESS_ROLE], strict=True
    )
)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecf_participants"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A connection kept between requests is checked before reuse, so a restarted server costs no request.
        conn_health_checks=True,
    )
}
DATABASES["default"].setdefault("OPTIONS", {}).update(
    connect_timeout=_connect,
    # Requests and tasks run small, indexed queries: starting parallel workers costs them more than it saves
    # (a per_page=100 page's related rows took several times as long gathered from workers on a busy machine).
    options=(
        "-c max_parallel_workers_per_gather=0"
        f" -c statement_timeout={_statement}s -c lock_timeout={_lock}s"
        f" -c idle_in_transaction_session_timeout={_idle}s"
    ),
)
# Migrations (README "Migrations: expand and contract"). `migrate` runs with the migrate role's lock and statement
# timeouts whatever the process's role (config/migrating.py), so no way of starting it queues requests behind a lock
# for longer. A concurrent index build's waits for older transactions block no request, so they may last longer:
# long enough to outlast the nightly job's batches.
MIGRATE_STATEMENT_TIMEOUT = _statement if PROCESS_ROLE == "migrate" else _DATABASE_LIMITS["migrate"][1]
MIGRATE_LOCK_TIMEOUT = _lock if PROCESS_ROLE == "migrate" else _DATABASE_LIMITS["migrate"][2]
MIGRATE_CONCURRENT_LOCK_TIMEOUT = int(os.environ.get("MIGRATE_CONCURRENT_LOCK_TIMEOUT", "900"))

DATABASES["default"].setdefault("TEST", {})
# One test database per test process, so parallel runs on one machine never collide.
DATABASES["default"]["TEST"]["NAME"] = os.environ.get("TEST_DATABASE_NAME") or f"test_ecf_participants_{os.getpid()}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Bounded waits (config.changes.wait_for_stamped_commits): an `updated_since` read waits at most this long
# (seconds) for writers that have stamped to commit, which normally takes milliseconds; past it the API
# answers 503 and the provider polls again, rather than queueing behind a stuck writer.
UPDATED_SINCE_LOCK_TIMEOUT = float(os.environ.get("UPDATED_SINCE_LOCK_TIMEOUT", "2"))

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Redis on the request path (rate limit, sign-in lock-out) fails open, so it must fail fast: a short socket
# timeout, and after a failure it is not tried again for REDIS_BREAKER_SECONDS (config/shared_redis.py).
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.2"))
REDIS_BREAKER_SECONDS = float(os.environ.get("REDIS_BREAKER_SECONDS", "5"))

LANGUAGE_CODE = "en-gb"
# Every "today" in the rules is a London date; timestamps are stored in UTC.
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The app serves its own static files (admin, portal, API docs) through WhiteNoise: compressed, with
# content-hashed names cached for ever. `collectstatic` must run before serving with DEBUG off, and fails when
# a file the pages need was not built (config/static.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.static.CheckedStaticFilesStorage"},
}

# School portal (schools.portal): GOV.UK Frontend from npm, and the stylesheet `npm run build` compiles from it.
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("portal", BASE_DIR / "frontend" / "build"),
]
LOGIN_URL = "portal:sign-in"
# Email (config/emails.py): sent by a Celery task on the "email" queue, never inside a request. With
# NOTIFY_API_KEY, through GOV.UK Notify: one template whose subject is ((subject)) and body ((body)). Without,
# through Django's EMAIL_BACKEND: SMTP with these settings, or the console with DEBUG (`make run`).
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "").strip()
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "").strip()
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "").strip() or "https://api.notifications.service.gov.uk"
if NOTIFY_API_KEY and not NOTIFY_TEMPLATE_ID:
    raise RuntimeError("NOTIFY_TEMPLATE_ID must be set with NOTIFY_API_KEY")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")
# Seconds one call to Notify or the SMTP server may wait. A failure that may pass (no answer, refused, Notify's
# 429 and 5xx, SMTP's 4xx) is retried after EMAIL_RETRY_DELAY_SECONDS, doubling (with jitter) up to
# EMAIL_RETRY_MAX_DELAY_SECONDS, EMAIL_MAX_RETRIES times (about half an hour); a refusal is not retried.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_RETRY_DELAY_SECONDS = int(os.environ.get("EMAIL_RETRY_DELAY_SECONDS", "10"))
EMAIL_RETRY_MAX_DELAY_SECONDS = int(os.environ.get("EMAIL_RETRY_MAX_DELAY_SECONDS", "600"))
EMAIL_MAX_RETRIES = int(os.environ.get("EMAIL_MAX_RETRIES", "8"))
# Where school staff write for help; shown on the portal's help page and in its emails.
PORTAL_CONTACT_EMAIL = os.environ.get(
    "PORTAL_CONTACT_EMAIL", "continuing-professional-development@digital.education.gov.uk"
)
# Repeated wrong passwords for one email lock that email out of the portal for a while.
PORTAL_SIGN_IN_MAX_FAILURES = int(os.environ.get("PORTAL_SIGN_IN_MAX_FAILURES", "5"))
PORTAL_SIGN_IN_LOCKOUT_SECONDS = int(os.environ.get("PORTAL_SIGN_IN_LOCKOUT_SECONDS", str(15 * 60)))
# The admin's sign-in locks out an account after as many failures, and a client address after more
# (it may be an office sharing one address); both for ADMIN_SIGN_IN_LOCKOUT_SECONDS.
ADMIN_SIGN_IN_MAX_FAILURES = int(os.environ.get("ADMIN_SIGN_IN_MAX_FAILURES", "5"))
ADMIN_SIGN_IN_MAX_FAILURES_PER_CLIENT = int(os.environ.get("ADMIN_SIGN_IN_MAX_FAILURES_PER_CLIENT", "20"))
ADMIN_SIGN_IN_LOCKOUT_SECONDS = int(os.environ.get("ADMIN_SIGN_IN_LOCKOUT_SECONDS", str(15 * 60)))
# Passwords school staff choose from an invitation link (support staff's too).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = 60 * 60 * 2
# A signed-in session also ends when the browser closes (the cookie has no expiry of its own).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Deployments behind TLS (served directly or through a TLS-terminating proxy that sets X-Forwarded-Proto)
# turn on HTTPS_ONLY: plain http is redirected, browsers are told to use https only (HSTS) and cookies go
# over https only. Off, nothing redirects: local and test servers speak plain http on 127.0.0.1.
HTTPS_ONLY = env_bool("HTTPS_ONLY", False)
SESSION_COOKIE_SECURE = HTTPS_ONLY or (not DEBUG and not env_bool("ALLOW_INSECURE_COOKIES", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = True
    # Only correct behind a proxy that overwrites this header; a client could otherwise claim https.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers and orchestrators probe over plain http inside the network; the answer holds no personal data.
    SECURE_REDIRECT_EXEMPT = [r"^(healthcheck|livez|readyz)$"]
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Other sites learn nothing of the portal's paths (URNs, participant ids) from links followed.
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "config.error_pages.csrf_failure"

# Only the app's own scripts, styles, images and fonts; inline scripts need the request's nonce. Pages
# that need more (the API docs) widen this for themselves with django-csp's decorators.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Who an API token belongs to: config's token authentication calls this by name, so config imports no app.
LEAD_PROVIDER_FOR_TOKEN = "schools.tokens.lead_provider_for"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["config.api.authentication.LeadProviderTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.authentication.IsLeadProvider"],
    "DEFAULT_RENDERER_CLASSES": ["config.api.rendering.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.api.parsing.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["config.api.throttling.RollingWindowTokenThrottle"],
    "EXCEPTION_HANDLER": "config.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Lead provider API",
    "VERSION": "v3",
    # The decisions providers need to know, where the contract is silent or this service differs from it.
    "DESCRIPTION": (BASE_DIR / "config" / "api" / "description.md").read_text(),
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v3",
    # Swagger UI from the pinned drf-spectacular-sidecar package, served by the app: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: it would send the schema's address to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "DeferralReasonEnum": "participants.api.schema.DEFERRAL_REASONS",
        "WithdrawalReasonEnum": "participants.api.schema.WITHDRAWAL_REASONS",
        "ParticipantTypeEnum": ["ect", "mentor"],
        "ParticipantResourceTypeEnum": ["participant"],
        "DeclarationResourceTypeEnum": ["participant-declaration"],
        "SchoolResourceTypeEnum": ["school"],
        "DeliveryPartnerResourceTypeEnum": ["delivery-partner"],
        "PartnershipResourceTypeEnum": ["partnership"],
        "ParticipantTransferResourceTypeEnum": ["participant-transfer"],
        "UnfundedMentorResourceTypeEnum": ["unfunded-mentor"],
        "InductionProgrammeChoiceEnum": ["provider_led", "school_led", "not_yet_known"],
        "TransferTypeEnum": ["new_school", "new_provider", "unknown"],
        "TransferStatusEnum": ["incomplete", "complete"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.inline_nullable_references",
        "config.api.schema.drop_unused_null_enum",
    ],
}

# O7: 1,000 requests per rolling five minutes per token, shared across processes through Redis.
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "1000"))
API_RATE_WINDOW_SECONDS = int(os.environ.get("API_RATE_WINDOW_SECONDS", "300"))
# Larger API request bodies get a 413 without being read (config/api/middleware.py).
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(1024 * 1024)))

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_DEFAULT_QUEUE = "default"

# Process health (config/heartbeats.py, config/process_health.py): the worker and beat touch a heartbeat file
# in PROCESS_HEARTBEAT_DIR every PROCESS_HEARTBEAT_SECONDS; their probe (`python -m config.process_health
# worker|beat`) calls one older than PROCESS_HEARTBEAT_STALE_SECONDS stale, and waits at most
# PROCESS_HEALTH_TIMEOUT_SECONDS for the broker.
PROCESS_HEARTBEAT_DIR = os.environ.get("PROCESS_HEARTBEAT_DIR", "").strip() or tempfile.gettempdir()
PROCESS_HEARTBEAT_SECONDS = float(os.environ.get("PROCESS_HEARTBEAT_SECONDS", "10"))
PROCESS_HEARTBEAT_STALE_SECONDS = float(os.environ.get("PROCESS_HEARTBEAT_STALE_SECONDS", "120"))
PROCESS_HEALTH_TIMEOUT_SECONDS = float(os.environ.get("PROCESS_HEALTH_TIMEOUT_SECONDS", "2"))

# --- Background jobs: the nightly status job, retention, and every wait on the Celery broker ---
# The status job (participants.tasks) runs hourly and resumes where a lost or stopped run left off. It stops
# starting batches a minute before its soft time limit; the hard limit kills it; both are in seconds.
DAILY_STATUSES_BATCH_SIZE = int(os.environ.get("DAILY_STATUSES_BATCH_SIZE", "5000"))
DAILY_STATUSES_SOFT_TIME_LIMIT = int(os.environ.get("DAILY_STATUSES_SOFT_TIME_LIMIT", str(25 * 60)))
DAILY_STATUSES_TIME_LIMIT = int(os.environ.get("DAILY_STATUSES_TIME_LIMIT", str(30 * 60)))
# A second run waits this long for the first to finish, then leaves the work to it.
DAILY_STATUSES_LOCK_WAIT_SECONDS = float(os.environ.get("DAILY_STATUSES_LOCK_WAIT_SECONDS", "10"))
# A pause between batches, to leave the database room for other work (tests use it to make a run long).
DAILY_STATUSES_BATCH_PAUSE_SECONDS = float(os.environ.get("DAILY_STATUSES_BATCH_PAUSE_SECONDS", "0"))
# Audit events older than this many days have their personal data blanked, nightly (config.retention); 0 is off.
AUDIT_PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("AUDIT_PERSONAL_DATA_RETENTION_DAYS", "0"))
# A message a worker took but never acknowledged (the worker died) goes to another worker after this many seconds:
# above every task's hard time limit, or a task still running would be run twice.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
# Seconds any one Redis command of Celery's (a publish from a web request included) waits for an answer.
CELERY_BROKER_SOCKET_TIMEOUT = float(os.environ.get("CELERY_BROKER_SOCKET_TIMEOUT", "5"))
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "3"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often a worker looks for unacknowledged messages past the visibility timeout (every interval x throttle).
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
    "socket_timeout": CELERY_BROKER_SOCKET_TIMEOUT,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_keepalive": True,
    # Keys of several deployments (or test runs) sharing one Redis database stay apart.
    "global_keyprefix": os.environ.get("CELERY_BROKER_KEY_PREFIX", ""),
}

# --- Logs, metrics and error reports (config/observability/, README "Logs, metrics and error reports") ---
# JSON lines on stdout with the request id or Celery task id, and no personal data.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = logs.logging_config(LOG_LEVEL)
# Workers and beat keep to LOGGING rather than Celery's plain-text handlers (config/observability/tasks.py).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Metrics are served on METRICS_ADDRESS:METRICS_PORT (read from the environment by gunicorn.conf.py's master
# and each worker, config/observability/metrics.py). A worker also reads these at each scrape:
METRICS_WORKER_COLLECTORS = ["participants.tasks.LastCompletedStatusDay"]
# Error reports go to Sentry when SENTRY_DSN is set, named with the commit and the environment.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    errors.start(dsn=SENTRY_DSN, release=COMMIT_SHA, environment=ENVIRONMENT)

# Backups and restores (config/backups.py; README "Backups and restore"): where pg_dump and pg_restore are
# (default: on PATH; they must be at least the server's major version) and how long each may run before it is
# stopped, in seconds. A backup waits at most BACKUP_LOCK_WAIT_SECONDS for each table's lock.
POSTGRES_BIN_DIR = os.environ.get("POSTGRES_BIN_DIR", "").strip()
BACKUP_TIMEOUT_SECONDS = int(os.environ.get("BACKUP_TIMEOUT_SECONDS", str(2 * 60 * 60)))
BACKUP_LOCK_WAIT_SECONDS = int(os.environ.get("BACKUP_LOCK_WAIT_SECONDS", "60"))
RESTORE_TIMEOUT_SECONDS = int(os.environ.get("RESTORE_TIMEOUT_SECONDS", str(4 * 60 * 60)))
