"""Settings of the Luoshan anti-fraud reporting portal.

Everything that differs between a developer's machine and the server comes
from the environment, read by the small typed helpers below. A bad value
fails at start, not on the first request.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=None):
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name, default=False):
    value = env_str(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name, default=()):
    value = env_str(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set unless DJANGO_DEBUG is on (see README)."
        )
    SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "luoshan.apps.LuoshanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "luoshan.apps.AxesConfig",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "communities",
    "reporting",
    "scoring",
    "publishing",
    "evidence",
    "duties",
    "reminders",
    "luoshan.apps.LuoshanConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "communities.middleware.PasswordChangeRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After authentication: a signed-in person's pages are never cached.
    "core.middleware.PrivatePagesNotStored",
    # Last, as django-axes asks: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: a locked-out account is refused before its password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "luoshan.urls"
WSGI_APPLICATION = "luoshan.wsgi.application"

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
                "communities.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for SQLite's one write lock instead of failing with "database is
    # locked": each transaction takes it at BEGIN and waits up to `timeout` seconds.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache keeps a closed quarter's scores at province scale (scoring.gather), under
# the scores' version kept in the database, so each process's local memory stays
# right; one Redis for all (REDIS_URL, e.g. redis://127.0.0.1:6379/1) shares the work.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    try:
        import redis  # noqa: F401 (Django's RedisCache needs it; not installed by default)
    except ImportError:
        raise ImproperlyConfigured("REDIS_URL is set: install the redis package.") from None
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The portal speaks Chinese whatever language a browser asks for (no
# LocaleMiddleware): the msgids are English, the users read zh-hans.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Bootstrap comes from the xstatic-bootstrap package installed by pip, never a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    # Photos are evidence: kept outside the web root and served only through
    # reporting.views.photo, which checks who is asking. base_url=None means
    # no file in this storage has a public URL.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": Path(env_str("DJANGO_MEDIA_ROOT", BASE_DIR / "media")),
            "base_url": None,
        },
    },
    # C2: the public copies of the column's photos, made when a post is published and
    # deleted when it is unpublished; apart from the private photos, and still served
    # only through publishing.column.photo, which checks the post is published.
    "column": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": Path(env_str("DJANGO_COLUMN_ROOT", BASE_DIR / "column")),
            "base_url": None,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# A phone sends up to nine photos of up to 20 MB each per activity.
DATA_UPLOAD_MAX_NUMBER_FILES = 100
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Django's own two handlers, shortening an upload's name before it names a temporary file.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.ShortNameMemoryFileUploadHandler",
    "core.uploads.ShortNameTemporaryFileUploadHandler",
]
PHOTO_MAX_BYTES = 20 * 1024 * 1024
PHOTOS_PER_ACTIVITY = 9

# The evidence checks (evidence.checks): what raises a flag for the office.
# Two photos are the same picture when their perceptual hashes differ in at most
# this many of 64 bits (the measured rates are in docs/rules.md).
EVIDENCE_PHOTO_MAX_DISTANCE = env_int("EVIDENCE_PHOTO_MAX_DISTANCE", 10)
# A photo taken more than this many days from its activity's date (Asia/Shanghai).
EVIDENCE_PHOTO_DATE_DAYS = env_int("EVIDENCE_PHOTO_DATE_DAYS", 3)
# A caption or place repeated elsewhere counts from this many characters (without
# digits, spaces and punctuation): "反诈宣传" repeated is no evidence.
EVIDENCE_TEXT_MIN_CHARS = env_int("EVIDENCE_TEXT_MIN_CHARS", 10)
# A text more than this many communities have used is common wording, no evidence.
EVIDENCE_TEXT_COMMON_COMMUNITIES = env_int("EVIDENCE_TEXT_COMMON_COMMUNITIES", 3)

# The audit trail is read, never rewritten: no "revert" from the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True
# Audit records are kept at least this long (网络安全法 第二十一条: six months).
AUDIT_RETENTION_DAYS = max(183, env_int("AUDIT_RETENTION_DAYS", 183))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# --- Accounts: lockout, passwords, sessions, trusted proxy (等保 2.0 身份鉴别) ---
# Only these proxies (addresses or networks) may name the client in X-Real-IP or
# X-Forwarded-For (core.http.client_address); empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
# django-axes: after AXES_FAILURE_LIMIT failures from one address for one user name,
# that pair is locked for AXES_COOLOFF_TIME (each failure while locked restarts it);
# the office unlocks by deleting the attempt in the admin.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"
AXES_LOCKOUT_CALLABLE = "communities.lockout.lockout_response"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "communities.passwords.NotUsernameValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "communities.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "communities.passwords.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
# A password is changed after this many days, and at the first login after the
# office set it (communities.middleware).
PASSWORD_MAX_AGE_DAYS = env_int("DJANGO_PASSWORD_MAX_AGE_DAYS", 90)
# Argon2id (argon2-cffi; Django's parameters: 100 MiB, 2 passes) costs no more CPU per
# login here than PBKDF2 or scrypt and is the hardest to attack with GPUs (README, 部署).
# The others still check older hashes, and a login rehashes them with Argon2id.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# A session ends after this long without a request, and when the browser closes.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Content-Security-Policy (django-csp 4) ---

from csp.constants import NONCE, NONE, SELF  # noqa: E402 (this block's own import)

# Only this site's own files run and style a page: no outside host, no inline code.
# The one inline <style> is a pygal chart's, allowed by the request's nonce, which
# django-csp adds to the header only on a page that used it (scoring/charts.py).
# Images: the favicon is `data:,`, the second factor's QR code a data: SVG, and a
# photo being uploaded is previewed from the phone's own file (a blob: URL).
# Photos send their own stricter policy (reporting.views._image_response).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Second factor for the office (django-otp) ---
# The admin opens only after a 6-digit code from a phone app (TOTP) or a one-time
# recovery code (communities/second_factor.py). After each wrong code the next try
# waits 1, 2, 4, 8... seconds; a right code resets it.
OTP_TOTP_ISSUER = "罗山街道反诈平台"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin lists devices (to remove a lost phone's), never their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Reminders (R1, reminders/) and e-mail ---


def env_days(name, default):
    """A list of whole days, none negative, e.g. "3,0", latest first."""
    try:
        days = sorted({int(day) for day in env_list(name, default)}, reverse=True)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must list whole days, e.g. 3,0") from None
    if not days or days[-1] < 0:
        raise ImproperlyConfigured(f"{name} must list whole days, none negative, e.g. 3,0")
    return tuple(days)


# The calendar days (Asia/Shanghai) before a deadline on which a community without its
# report, or a point without its supervision, is reminded; 0 is the deadline day.
REMINDER_DAYS_BEFORE = env_days("REMINDER_DAYS_BEFORE", ["3", "0"])
# Seconds to wait for a WeCom group robot's answer before counting the post as failed.
REMINDER_WECOM_TIMEOUT = env_int("REMINDER_WECOM_TIMEOUT", 5)
# The portal's address, named in e-mails and WeCom messages (none: not named).
REMINDER_PORTAL_URL = env_str("REMINDER_PORTAL_URL", "")

# E-mail goes through SMTP as the environment says; in development it is printed.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL: set one of them, not both.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
