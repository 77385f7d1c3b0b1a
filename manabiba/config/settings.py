"""Settings for every environment, read from environment variables.

Development needs none of them: SQLite under ``var/``, an in-process cache, the
database task queue and a local SMTP catcher. Production sets ``DATABASE_URL``,
``REDIS_URL``, ``EMAIL_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS`` (see docs/operations.md).
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from manabiba.config.env import domain_of, env_bool, env_int, env_int_map, env_list, env_str, parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("MANABIBA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The city this instance serves; shown in the header and in mail.
CITY_NAME = env_str("CITY_NAME", "西東京市")
CITY_NAME_EN = env_str("CITY_NAME_EN", "Nishitokyo City")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The city's municipal code (e.g. 132292), for a city the open-data list does not name; empty: found by CITY_NAME.
CITY_CODE = env_str("CITY_CODE")

INSTALLED_APPS = [
    # The admin signs in through the site's login (throttle, second factor): accounts/admin_site.py.
    "manabiba.accounts.admin_config.SiteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "manabiba.core",
    "manabiba.accounts",
    "manabiba.programs",
    "manabiba.facilities",
    "manabiba.desk",
    "manabiba.registrations",
    "manabiba.talents",
    "manabiba.communities",
    "manabiba.consultations",
    "manabiba.venues",
    "manabiba.proposals",
    "manabiba.exchanges",
    "manabiba.support",
    "manabiba.liaison",
    "manabiba.opendata",
    "manabiba.alerts",
    "manabiba.reports",
    "manabiba.web",
]

MIDDLEWARE = [
    "manabiba.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "manabiba.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "manabiba.config.urls"
WSGI_APPLICATION = "manabiba.config.wsgi.application"

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
                "manabiba.web.context_processors.site",
                "manabiba.desk.context_processors.desk",
            ],
            # {% url %} with fixed addresses reversed once (core/templatetags/urls.py).
            "builtins": ["manabiba.core.templatetags.urls"],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'manabiba.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES: dict[str, dict[str, object]] = {
        "default": {
            # Fails soft: with Redis down, pages are served uncached (docs/operations.md).
            "BACKEND": "manabiba.core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "manabiba"),
        }
    }
    # The database holds sessions, Redis only speeds reading them: an outage signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    # django_tasks_rq runs its tasks through its own job class, so a plain `rqworker default` works.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    INSTALLED_APPS += ["django_rq"]
else:
    # Each process's own memory. Django's default of 300 entries is soon full of pages and results
    # when visitors ask for different searches: the culling then drops the catalogue version (every
    # cached page and the catalogue's bitsets start again) and the suggestions' vocabulary.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 3000)},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

_email = parse_email_url(env_str("EMAIL_URL", "smtp://127.0.0.1:1025"))
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Manabiba <noreply@manabiba.example.jp>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "manabiba.accounts.backends.RolePermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "web:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: failures per e-mail address lock it for a while; failures per
# client address slow down guessing across many accounts.
LOGIN_FAILURES_BEFORE_LOCKOUT = env_int("LOGIN_FAILURES_BEFORE_LOCKOUT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
LOGIN_ATTEMPTS_PER_IP = env_int("LOGIN_ATTEMPTS_PER_IP", 30)
# Every staff account must use a second factor (TOTP); otherwise a coordinator requires it per person.
STAFF_REQUIRE_TOTP = env_bool("STAFF_REQUIRE_TOTP")

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "manabiba" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security headers. Behind a TLS-terminating proxy in production (docs/operations.md).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# The header the reverse proxy puts the client's address in (e.g. X-Real-IP); empty when
# clients connect directly. Login throttling counts attempts by this address.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER")

LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "manabiba.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "manabiba.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "mail.log": {"level": "WARNING"}},
}

# Personal data of deleted accounts: what is kept, anonymised, for the city's figures. Fixed in the
# code, not the environment: keeping more would need a change to the privacy notice first.
ACCOUNT_DELETION_KEEPS = ["age_band", "area", "lives_in_city", "works_in_city", "studies_in_city"]

NINJA_PAGINATION_PER_PAGE = 50

# Where seed_demo finds the municipal open-data event files (default: those shipped in manabiba/opendata/samples).
DEMO_OPENDATA_DIR = env_str("DEMO_OPENDATA_DIR")

# The catalogue (docs/programs.md): a keyword's ranking and matches are kept a minute in the shared cache,
# for every page and filter that asks for the same word; 0 computes them for every request (benchmarks).
CATALOGUE_KEYWORD_CACHE = env_bool("CATALOGUE_KEYWORD_CACHE", True)
# Programme cards each worker keeps rendered for the listings (programs/cards.py), a few kilobytes each.
CATALOGUE_CARDS_KEPT = env_int("CATALOGUE_CARDS_KEPT", 5000)

# Registrations (docs/registrations.md): months after a programme ends before applicants' personal data goes.
REGISTRATION_RETENTION_MONTHS = env_int("REGISTRATION_RETENTION_MONTHS", 12)

# Community groups (docs/communities.md).
COMMUNITIES_POSTS_NEED_MODERATION = env_bool("COMMUNITIES_POSTS_NEED_MODERATION")
COMMUNITIES_CONFIRM_EVERY_DAYS = env_int("COMMUNITIES_CONFIRM_EVERY_DAYS", 365)
COMMUNITIES_CONFIRM_MARK_DAYS = env_int("COMMUNITIES_CONFIRM_MARK_DAYS", 30)
COMMUNITIES_CONFIRM_HIDE_DAYS = env_int("COMMUNITIES_CONFIRM_HIDE_DAYS", 90)
# The talent bank: a card is valid to the end of the next fiscal year (starting in this month);
# reminders go this many days before; declined, removed and lapsed cards are deleted, and
# introductions' contact details blanked, this many days after they closed.
TALENTS_FISCAL_YEAR_START_MONTH = env_int("TALENTS_FISCAL_YEAR_START_MONTH", 4)
TALENTS_REMINDER_DAYS = [int(d) for d in env_str("TALENTS_REMINDER_DAYS", "60,14").split(",") if d.strip()]
TALENTS_RETENTION_DAYS = env_int("TALENTS_RETENTION_DAYS", 365)

# Learning consultations (docs/consultations.md).
# The inbound address: mail to residents carries reply+<token>@ its domain.
CONSULTATIONS_REPLY_ADDRESS = env_str("CONSULTATIONS_REPLY_ADDRESS").strip() or (
    "reply@" + (domain_of(DEFAULT_FROM_EMAIL) or "localhost")
)
CONSULTATIONS_INBOUND_MAILBOX = env_str("CONSULTATIONS_INBOUND_MAILBOX").strip()
CONSULTATIONS_WEBHOOK_SECRET = env_str("CONSULTATIONS_WEBHOOK_SECRET").strip()
CONSULTATIONS_RETENTION_DAYS = env_int("CONSULTATIONS_RETENTION_DAYS", 1095)
CONSULTATIONS_UNCONFIRMED_DAYS = env_int("CONSULTATIONS_UNCONFIRMED_DAYS", 7)
# Days the city takes at most to answer, per topic ("other" for a topic not listed).
CONSULTATIONS_RESPONSE_TARGET_DAYS = env_int_map(
    "CONSULTATIONS_RESPONSE_TARGET_DAYS", {"learn": 3, "group": 5, "lecturer": 7, "facility": 3, "other": 5}
)
CONSULTATIONS_RESIDENT_ASKS_PER_DAY = env_int("CONSULTATIONS_RESIDENT_ASKS_PER_DAY", 20)
CONSULTATIONS_GUEST_ASKS_PER_HOUR = env_int("CONSULTATIONS_GUEST_ASKS_PER_HOUR", 10)
CONSULTATIONS_GUEST_ASKS_PER_EMAIL_PER_DAY = env_int("CONSULTATIONS_GUEST_ASKS_PER_EMAIL_PER_DAY", 5)
CONSULTATIONS_GUEST_ASKS_PER_PHONE_PER_DAY = env_int("CONSULTATIONS_GUEST_ASKS_PER_PHONE_PER_DAY", 3)

# Support requests for community activities (docs/support.md): days a department takes at most to
# answer its part, per kind of help ("other" for a kind not listed). Replies come in through the
# consultations' inbound mailbox and reply address above.
SUPPORT_TASK_TARGET_DAYS = env_int_map(
    "SUPPORT_TASK_TARGET_DAYS",
    {"venue": 5, "publicity": 7, "lecturer": 10, "grant": 10, "permit": 10, "safety": 5, "other": 7},
)
# Days after closing that a request keeps its contact details, thread and answers (`support_purge`).
SUPPORT_RETENTION_DAYS = env_int("SUPPORT_RETENTION_DAYS", 1095)

# The one-stop desk (docs/desk.md).
DESK_LOCATION = env_str("DESK_LOCATION")
DESK_APPOINTMENTS_PER_SLOT = env_int("DESK_APPOINTMENTS_PER_SLOT", 1)
DESK_CAP_APPOINTMENTS_BY_ROSTER = env_bool("DESK_CAP_APPOINTMENTS_BY_ROSTER")

# Reports: how long a kept section whose rows changed may still be shown (marked with the time it
# was counted) while figures_refresh counts it again; 0 counts it on the view (docs/reports.md).
REPORTS_REFRESH_GRACE_SECONDS = env_int("REPORTS_REFRESH_GRACE_SECONDS", 900)

# Room booking's fair allocation (docs/venues.md): the monthly lottery's common timeline, for month M,
# in month M-2 (days of that month), and the rules against abuse.
VENUES_LOTTERY_OPENS_DAY = env_int("VENUES_LOTTERY_OPENS_DAY", 1)
VENUES_LOTTERY_CLOSES_DAY = env_int("VENUES_LOTTERY_CLOSES_DAY", 10)
VENUES_LOTTERY_CONFIRM_DAY = env_int("VENUES_LOTTERY_CONFIRM_DAY", 17)
VENUES_FIRST_COME_DAY = env_int("VENUES_FIRST_COME_DAY", 20)
VENUES_LOTTERY_MAX_WISHES = env_int("VENUES_LOTTERY_MAX_WISHES", 5)
VENUES_LOTTERY_MAX_FRAMES = env_int("VENUES_LOTTERY_MAX_FRAMES", 4)
VENUES_CANCEL_HOLD_OFF_HOURS = env_int("VENUES_CANCEL_HOLD_OFF_HOURS", 24)
VENUES_LATE_CANCEL_DAYS = env_int("VENUES_LATE_CANCEL_DAYS", 3)
VENUES_PENALTY_THRESHOLD = env_int("VENUES_PENALTY_THRESHOLD", 3)
VENUES_SUSPENSION_DAYS = env_int("VENUES_SUSPENSION_DAYS", 90)
