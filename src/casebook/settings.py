"""Settings, read from the environment with safe defaults.

Every variable is listed in `.env.example`; `tests/test_docs.py` fails when one is missing.
"""

from __future__ import annotations

import contextlib
import importlib.util
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from casebook.lib.data_folders import DATABASE_FILE, default_data_dir
from casebook.lib.env import env_bool, env_int, env_list, env_str

# Where a laptop install keeps its database, secret key and files: outside the repository.
DATA_DIR = Path(env_str("CASEBOOK_DATA_DIR") or default_data_dir())

DEBUG = env_bool("CASEBOOK_DEBUG", False)


def _secret_key() -> str:
    key = env_str("CASEBOOK_SECRET_KEY")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    # Only `casebook init` / `casebook demo` may create a key; anything else must be configured.
    if env_bool("CASEBOOK_CREATE_SECRET_KEY", False):
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.touch(mode=0o600)
        key_file.write_text(key)
        return key
    raise ImproperlyConfigured(
        "No secret key: set CASEBOOK_SECRET_KEY, or run `casebook init` to create one in "
        f"{key_file}."
    )


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("CASEBOOK_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CASEBOOK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "casebook.accounts",
    "casebook.codebook",
    "casebook.cases",
    "casebook.people",
    "casebook.sources",
    "casebook.audit",
    "casebook.casework",
    "casebook.redaction",
    "casebook.monitor",
    "casebook.transfer",
    "casebook.bundles",
    "casebook.analysis",
    "casebook.linkage",
    "casebook.sample",
    "casebook.publishing",
    "casebook.releases",
    "casebook.installation",
    "casebook.web",
    "casebook.api",
    # django-ninja's own static files: without the app, its docs page loads Swagger from a CDN.
    "ninja",
]

MIDDLEWARE = [
    # First, so that /metrics' request latency covers the whole stack.
    "casebook.web.health.RequestTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "casebook.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language (the portal's language links set its cookie, else the browser's).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware and django_otp's OTPMiddleware in one: the user, their
    # roles and their second factor read with the session in one query (accounts/sessions.py).
    "casebook.accounts.middleware.SignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "casebook.web.middleware.LoginRequiredMiddleware",
    # A merged-away incident's reference keeps leading to the incident it was merged into.
    "casebook.linkage.middleware.MergedIncidentRedirectMiddleware",
    # A busy database (a long import on SQLite) is a "try again" page, never a 500.
    "casebook.web.busy.BusyDatabaseMiddleware",
]

# Django's form renderer, its input, select and label templates written in Python (the
# incident editor renders hundreds of fields).
FORM_RENDERER = "casebook.web.form_rendering.FormRenderer"

ROOT_URLCONF = "casebook.urls"
WSGI_APPLICATION = "casebook.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],  # every template lives in its app; the base ones in web/templates
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casebook.web.context.roles",
            ],
        },
    },
]


def _databases() -> dict:
    url = env_str("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        # Kept open between requests, as PostgreSQL's are: opening one cost about 5 ms of
        # CPU a request (its functions registered, its pragmas run) and emptied its page
        # cache, and the last one closed checkpoints the write-ahead log.
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / DATABASE_FILE,
            "CONN_MAX_AGE": 600,
        }
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, but the file (and its -wal/-shm) readable by its owner only.
        config["ENGINE"] = "casebook.installation.sqlite3"
        # WAL lets the web server read while an import writes; IMMEDIATE avoids
        # "database is locked" on upgrade from a read to a write transaction.
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return {"default": config}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend, its signed-in user read with their roles in one query.
    "casebook.accounts.backends.RolesReadBackend",
    # Administrators manage users, the codebook and the record in the admin by their role.
    "casebook.accounts.backends.AdministratorRoleBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "casework:incident-list"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Coordinators and administrators sign in with a TOTP code too. Only the demo turns it off.
REQUIRE_TWO_FACTOR = env_bool("CASEBOOK_REQUIRE_TWO_FACTOR", True)
OTP_TOTP_ISSUER = "Casebook"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The public portal's languages (publishing/locale/): Arabic for communities most affected
# by these cases, and because it proves the right-to-left layout. Casework stays in English.
LANGUAGES = [("en-gb", "English"), ("ar", "العربية")]
TIME_ZONE = env_str("CASEBOOK_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise expects the folder, even though it serves from the app folders.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Leaflet, from django-leaflet's own static files, for the portal's map over an administrator's
# tile server (so that no script comes from a third party). Only its files: as an installed
# app django-leaflet would pull in GeoDjango, which needs the GDAL library.
_LEAFLET = importlib.util.find_spec("leaflet")
STATICFILES_DIRS = (
    [("leaflet", Path(_LEAFLET.submodule_search_locations[0]) / "static" / "leaflet")]
    if _LEAFLET and _LEAFLET.submodule_search_locations
    else []
)
# Serve straight from the app folders: `casebook serve` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Database sessions whose rows also name their user and authenticator (accounts/sessions.py).
SESSION_ENGINE = "casebook.accounts.sessions"
SESSION_COOKIE_AGE = env_int("CASEBOOK_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind HTTPS (servers), turn these on; a laptop demo on http://127.0.0.1 cannot use them.
HTTPS = env_bool("CASEBOOK_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# A proxy's or orchestrator's health check asks over plain HTTP, from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Behind a reverse proxy (web/proxies.py; `casebook serve` applies it) -------------
# Only peers at these addresses or networks may tell Casebook the client's address and scheme
# through forwarded headers; everyone else's forwarded headers are removed. Without it a proxy
# in front of Casebook makes every request look like plain HTTP from the proxy's address.
TRUSTED_PROXIES = env_list("CASEBOOK_TRUSTED_PROXIES", [])
# How many proxies in a row append to X-Forwarded-For (the client is this many from the end).
PROXY_COUNT = env_int("CASEBOOK_PROXY_COUNT", 1)
PROXY_HEADERS = env_list(
    "CASEBOOK_PROXY_HEADERS",
    ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port"],
)
if TRUSTED_PROXIES:
    from casebook.web.proxies import proxy_settings_check

    proxy_settings_check(TRUSTED_PROXIES, PROXY_COUNT, PROXY_HEADERS)
    # Safe because the server strips this header from every peer that is not trusted.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# --- end of the reverse proxy block --------------------------------------------------------

INCIDENTS_PER_PAGE = env_int("CASEBOOK_INCIDENTS_PER_PAGE", 50)
# Counts from 1 to this − 1 are shown as "<N" in statistics for outside use (exports).
SMALL_CELL_THRESHOLD = env_int("CASEBOOK_SMALL_CELL_THRESHOLD", 5)
# The licence open data releases are published under (`casebook release`; its
# datapackage.json and README say it).
RELEASE_LICENCE = env_str("CASEBOOK_RELEASE_LICENCE", "CC-BY-4.0")
# Where releases made from the Releases page are kept (CLI releases go where -o says).
RELEASES_DIR = Path(env_str("CASEBOOK_RELEASES_DIR") or DATA_DIR / "releases")
# Requests a minute one API token may make (api/auth.py); past it, 429 and Retry-After.
API_REQUESTS_PER_MINUTE = env_int("CASEBOOK_API_RATE", 300)

# The cache holds the API's per-token request counts, the portal's pages and the statistics'
# charts. Unset: each process keeps its own in memory, right for `casebook serve` (one
# process). Under gunicorn every worker is a process of its own, so the workers must share
# one cache (redis://host:6379/1), or each would count a token's requests apart and let it
# make the allowed number once per worker.
CACHE_URL = env_str("CASEBOOK_CACHE_URL").strip()
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"CASEBOOK_CACHE_URL={CACHE_URL!r}: use a Redis address, redis://host:6379/1."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "casebook",
        }
    }

# Personal data is never logged: only warnings and errors, without request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A refused request (403, 404, a body too large, a busy database…) is one line, never a
    # traceback: see casebook/web/logs.py.
    "filters": {"refusals": {"()": "casebook.web.logs.ExpectedRefusalFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("CASEBOOK_LOG_LEVEL", "WARNING")},
    # Pillow logs the EXIF it reads (camera, GPS) at DEBUG; that is evidence, never log text.
    "loggers": {
        "PIL": {"level": "INFO"},
        # Also on the loggers of refused requests, so that every handler (not only the console)
        # gets the one line without the request and its query string.
        "django.request": {"filters": ["refusals"]},
        "django.security": {"filters": ["refusals"]},
    },
}

# --- Evidence vault (sources/evidence/) -------------------------------------------------------
# Files are stored once per SHA-256 under ab/cd/<sha256> in a storage of their own: a local
# folder by default, or an S3-compatible bucket (django-storages, `pip install casebook[s3]`).
# Blobs are never served straight from the storage: every download goes through a view that
# checks the role, so the folder or bucket must not be public.
EVIDENCE_MAX_BYTES = env_int("CASEBOOK_EVIDENCE_MAX_BYTES", 200 * 1024 * 1024)
EVIDENCE_MAX_PIXELS = env_int("CASEBOOK_EVIDENCE_MAX_PIXELS", 100_000_000)
EVIDENCE_STORAGE = env_str("CASEBOOK_EVIDENCE_STORAGE", "filesystem").strip().lower()
if EVIDENCE_STORAGE == "filesystem":
    STORAGES["evidence"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("CASEBOOK_EVIDENCE_DIR") or DATA_DIR / "evidence",
            "base_url": None,
            # Read-only blobs in private folders: the original is never modified.
            "file_permissions_mode": 0o440,
            "directory_permissions_mode": 0o750,
        },
    }
elif EVIDENCE_STORAGE == "s3":
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("CASEBOOK_EVIDENCE_S3_BUCKET"),
            "endpoint_url": env_str("CASEBOOK_EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": env_str("CASEBOOK_EVIDENCE_S3_REGION") or None,
            "location": env_str("CASEBOOK_EVIDENCE_S3_PREFIX", "evidence"),
            # Empty: boto3's own chain (AWS_ACCESS_KEY_ID, instance roles, ~/.aws).
            "access_key": env_str("CASEBOOK_EVIDENCE_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("CASEBOOK_EVIDENCE_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if not STORAGES["evidence"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured(
            "CASEBOOK_EVIDENCE_STORAGE=s3 needs CASEBOOK_EVIDENCE_S3_BUCKET."
        )
else:
    raise ImproperlyConfigured(
        f"CASEBOOK_EVIDENCE_STORAGE={EVIDENCE_STORAGE!r}: use 'filesystem' or 's3'."
    )
# --- end of the evidence vault block ----------------------------------------------------------

# --- E-mail: the newsletter (publishing/newsletter/) -------------------------------------------
# The SMTP server that sends the newsletter; empty: no mail is sent and the newsletter cannot
# be turned on. STARTTLS by default (port 587); CASEBOOK_EMAIL_SSL=1 for implicit TLS (465).
EMAIL_HOST = env_str("CASEBOOK_EMAIL_HOST").strip()
EMAIL_PORT = env_int("CASEBOOK_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("CASEBOOK_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("CASEBOOK_EMAIL_PASSWORD")
EMAIL_USE_SSL = env_bool("CASEBOOK_EMAIL_SSL", False)
EMAIL_USE_TLS = env_bool("CASEBOOK_EMAIL_STARTTLS", not EMAIL_USE_SSL)
EMAIL_TIMEOUT = env_int("CASEBOOK_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("CASEBOOK_EMAIL_FROM", "casebook@localhost")
# The portal's public address (https://casebook.example.org): links in mails are made from
# it, never from a request's Host header. Empty: the newsletter cannot be turned on.
PUBLIC_URL = env_str("CASEBOOK_PUBLIC_URL").strip().rstrip("/")

# --- News monitor (monitor/: feeds, pipeline, review queue) ----------------------------------
# Without a broker every pipeline stage runs in the calling process (`make demo`, laptops);
# with one (redis://… or amqp://…) each stage is a Celery task run by `casebook worker`.
MONITOR_BROKER_URL = env_str("CASEBOOK_BROKER_URL").strip()
# `/metrics` answers only `Authorization: Bearer <this>`; without it, /metrics is off (404).
METRICS_TOKEN = env_str("CASEBOOK_METRICS_TOKEN").strip()
CELERY_BROKER_URL = MONITOR_BROKER_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not MONITOR_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True  # stages record their outcome on the page row, not in results
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep LOGGING above: article text is never logged
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-stage leaves the task for another
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery beat (`casebook worker --beat`) asks every minute which feeds are due.
# The newsletter's digest is asked every quarter of an hour whether it is due: its schedule
# (every N days, at an hour) is the administrator's, in the portal's settings.
CELERY_BEAT_SCHEDULE = {
    "monitor-poll-due-feeds": {"task": "monitor.feeds_poll_due", "schedule": 60.0},
    "publishing-newsletter-digest-due": {
        "task": "publishing.newsletter_digest_due",
        "schedule": 900.0,
    },
    # The portal's figures, kept fresh before readers would compute them (publishing/summaries).
    "publishing-figures-refresh": {"task": "publishing.figures_refresh", "schedule": 60.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")  # not the current folder
# Fetching: whole-request timeout, largest body read (streamed, aborted past it), pause
# between two requests to the same host, and a user agent that says who we are.
MONITOR_FETCH_TIMEOUT = env_int("CASEBOOK_MONITOR_FETCH_TIMEOUT", 20)
MONITOR_MAX_BYTES = env_int("CASEBOOK_MONITOR_MAX_BYTES", 5 * 1024 * 1024)
MONITOR_HOST_DELAY_MS = env_int("CASEBOOK_MONITOR_HOST_DELAY_MS", 2000)
MONITOR_CONTACT_URL = env_str("CASEBOOK_MONITOR_CONTACT_URL", "https://casebook.example.org/bot")
MONITOR_USER_AGENT = f"Casebook-monitor/0.1 (+{MONITOR_CONTACT_URL})"
MONITOR_FEED_INTERVAL_MINUTES = env_int("CASEBOOK_MONITOR_FEED_INTERVAL", 30)
# Feeds may not point at this machine or the private network unless allowed (a feed address
# is typed by a coordinator; without this check it could read internal services).
MONITOR_ALLOW_PRIVATE_ADDRESSES = env_bool("CASEBOOK_MONITOR_ALLOW_PRIVATE_ADDRESSES", False)
# --- end of the news monitor block -----------------------------------------------------------

# --- People's personal data: keys, keyring, retention (people/keys/, people/duties/) --------
# Every person's details are sealed with a data key of their own, wrapped by a master key.
# The master key comes from CASEBOOK_MASTER_KEY (read by casebook.people.keys.master and never
# copied into settings) or from this file (one base64 key per line, mode 600), which
# `casebook init` creates. Back it up offline, apart from the database backups.
MASTER_KEY_FILE = Path(env_str("CASEBOOK_MASTER_KEY_FILE") or DATA_DIR / "master.key")
# The wrapped data keys live OUTSIDE the main database, so that erasing a person (destroying
# their key) also makes them unreadable in every earlier database backup. Back it up with
# `casebook keys backup` and keep only the newest copy.
KEYRING_PATH = Path(env_str("CASEBOOK_KEYRING_PATH") or DATA_DIR / "keyring.sqlite3")
# The audit trail's chain is keyed (HMAC) with this key, kept outside the database like the
# master key, and anchored by a signed checkpoint of its newest entry next to the keyring
# (audit/anchor.py). Back the key up with the master key.
AUDIT_KEY_FILE = Path(env_str("CASEBOOK_AUDIT_KEY_FILE") or MASTER_KEY_FILE.parent / "audit.key")
AUDIT_CHECKPOINT_FILE = Path(
    env_str("CASEBOOK_AUDIT_CHECKPOINT_FILE") or KEYRING_PATH.parent / "audit-checkpoint.json"
)
# Ed25519 key that signs the manifests of evidence bundles and open data releases
# (lib/signing.py); made at the first signature. Its public key is published
# (`casebook keys public-key`); back the file up with the master key.
SIGNING_KEY_FILE = Path(
    env_str("CASEBOOK_SIGNING_KEY_FILE") or MASTER_KEY_FILE.parent / "signing.key"
)
# Personal details are erased this many months after a person's case closes
# (`casebook retention run`); 0 turns the rule off.
RETENTION_MONTHS = env_int("CASEBOOK_RETENTION_MONTHS", 72)
# dumpdata and the JSON backup write people's details sealed, dates of birth included.
SERIALIZATION_MODULES = {
    fmt: f"casebook.people.keys.serializers.{fmt}" for fmt in ("json", "jsonl", "python")
}
# --- end of the people's personal data block --------------------------------------------------

# --- Redaction (redaction/) ---------------------------------------------------------------
# Names that are never hidden (public figures: MPs, police chiefs…), comma-separated.
REDACTION_PUBLIC_FIGURES = env_list("CASEBOOK_REDACTION_PUBLIC_FIGURES", [])
# Officers' collar numbers are public accountability information: kept unless turned off.
REDACTION_KEEP_COLLAR_NUMBERS = env_bool("CASEBOOK_REDACTION_KEEP_COLLAR_NUMBERS", True)
# Faces are looked for on a copy at most this many pixels on its longer side.
REDACTION_FACE_MAX_SIDE = env_int("CASEBOOK_REDACTION_FACE_MAX_SIDE", 1280)
