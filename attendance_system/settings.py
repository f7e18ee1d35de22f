"""Settings for attendance_system, read from the environment with embedded defaults.

Every variable is documented in `.env.example`. With DEBUG off the defaults are the secure ones, so a
production deployment needs only SECRET_KEY and ALLOWED_HOSTS.
"""

import ipaddress
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-key")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        # SystemExit, not ImproperlyConfigured: manage.py swallows the latter while it sets Django up, and the
        # command then fails later with an error that hides this cause.
        raise SystemExit(
            "SECRET_KEY must be set when DEBUG is off: export SECRET_KEY=<a long random string>, "
            "or DEBUG=True for development (scripts/run.sh writes it to .env)."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "accounts",
    "courses",
    "attendance",
    "grades",
    "notifications",
    "behaviour",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "attendance_system.timezones.institution_time_zone_middleware",
    # After authentication: the user's own language comes first (accounts.middleware).
    "accounts.middleware.language_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "attendance_system.request_size.request_size_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "attendance_system.urls"

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
                "attendance_system.context_processors.site",
                "notifications.context_processors.unread",
            ],
        },
    },
]

ASGI_APPLICATION = "attendance_system.asgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that the daphne processes started by the live tests share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool("DATABASE_POOL", default=True):
    # Persistent connections leak under ASGI (each request may run on another thread); a pool per
    # process is the supported way to reuse connections there.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=20),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=30),
    }

REDIS_URL = env.str("REDIS_URL", default="")
REDIS_LAYERS = {
    # One PUBLISH per push (pipelined when many go at once), and no per-channel capacity that silently drops
    # messages in a burst (DESIGN.md).
    "pubsub": "notifications.layers.PipelinedPubSubChannelLayer",
    # The classic layer, kept selectable so that the benchmark can compare the two.
    "core": "channels_redis.core.RedisChannelLayer",
}
REDIS_CHANNEL_LAYER = env.str("REDIS_CHANNEL_LAYER", default="pubsub")
if REDIS_CHANNEL_LAYER not in REDIS_LAYERS:
    raise SystemExit(f"REDIS_CHANNEL_LAYER must be one of {', '.join(REDIS_LAYERS)}.")
# Seconds a Redis command may take: a Redis that hangs must not hold a request or a push for longer. (Not
# for reads of the classic layer, which waits 5 s for messages on purpose.)
REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 2}
if REDIS_URL:
    layer_timeouts = REDIS_TIMEOUTS if REDIS_CHANNEL_LAYER == "pubsub" else {"socket_connect_timeout": 2}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": REDIS_LAYERS[REDIS_CHANNEL_LAYER],
            "CONFIG": {"hosts": [{"address": REDIS_URL, **layer_timeouts}]},
        }
    }
    # Shared by every process, so the per-address check-in limit holds across them. With Redis down it acts
    # as an empty cache (attendance_system/redis_pool.py): check-ins go on, without the rate limits.
    CACHES = {
        "default": {
            "BACKEND": "attendance_system.redis_pool.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"pool_class": "attendance_system.redis_pool.ProcessConnectionPool", **REDIS_TIMEOUTS},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Which of some sessions a user may see, for the personal socket's session badges (notifications uses no
# other app, so the rule is named here).
LIVE_VISIBLE_SESSIONS = "courses.selectors.visible_session_ids"
# Which of some students a user may see, for the regions of one student's data (grades, behaviour, profile).
LIVE_VISIBLE_STUDENTS = "behaviour.selectors.visible_student_ids"

# Check-ins one student may submit per minute, whatever their answer; met before the address's limit.
CHECKIN_RATE_PER_STUDENT = env.int("CHECKIN_RATE_PER_STUDENT", default=10)
# Check-ins one network address may submit per minute, a backstop: a lecture hall behind one NAT must fit.
CHECKIN_RATE_PER_ADDRESS = env.int("CHECKIN_RATE_PER_ADDRESS", default=2000)
# The proxies (addresses or CIDR ranges) whose X-Forwarded-For header tells the client's address
# (attendance_system.addresses.client_address); none by default, when REMOTE_ADDR is the client.
TRUSTED_PROXIES = [ipaddress.ip_network(entry, strict=False) for entry in env.list("TRUSTED_PROXIES", default=[])]
# Wrong check-in codes one student may type in an hour, across all their sessions (each session also locks
# code entry after 5 wrong codes).
CHECKIN_WRONG_CODES_PER_HOUR = env.int("CHECKIN_WRONG_CODES_PER_HOUR", default=20)
# How many minutes before its start a teacher may open a session for check-in.
SESSION_OPEN_EARLY_MINUTES = env.int("SESSION_OPEN_EARLY_MINUTES", default=15)

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# Sessions read from the cache (Redis in production), written through to the database: a request costs no
# session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.InstitutionBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (accounts.services.login_begin): wrong passwords in a row that lock an account, failed
# logins that lock a network address (high: a lecture hall logs in from one address), and for how long.
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=100)
LOGIN_LOCK_MINUTES = env.int("LOGIN_LOCK_MINUTES", default=15)

# Students may create their own accounts only where the institution wants it.
ALLOW_STUDENT_REGISTRATION = env.bool("ALLOW_STUDENT_REGISTRATION", default=False)

# The language of anyone who chose none (accounts.selectors.default_language). Adding a language: README, Languages.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("pt-br", _("Brazilian Portuguese")), ("fr", _("French"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise SystemExit(f"LANGUAGE_CODE must be one of {', '.join(dict(LANGUAGES))}.")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded justification documents; never served as static files, only by a view that checks permission.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Pixels an uploaded image may have, read from its header before anything is decoded: a phone photo of a
# doctor's note has 12 to 16 million. Decoding a PNG costs up to 4 bytes a pixel; a JPEG is decoded at 1/8 scale.
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=16_000_000)
# Largest justification document accepted, in bytes; every message and help text about it is built from it.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# Largest request body the application reads (the largest document and the rest of its form): a larger one is
# answered without being read (attendance_system/request_size.py). The proxy's limit is set from it.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=UPLOAD_MAX_BYTES + 1024 * 1024)
if REQUEST_MAX_BYTES <= UPLOAD_MAX_BYTES:
    raise SystemExit("REQUEST_MAX_BYTES must be larger than UPLOAD_MAX_BYTES: a request holds a document and its form.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The address links in emails point to (emails are sent outside any request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Attendance <attendance@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Secure by default; each can be turned off for a proxy that already does it.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Bootstrap and Django admin set style attributes in their markup.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
