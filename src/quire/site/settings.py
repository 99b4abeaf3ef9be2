"""Django settings: embedded defaults that just work, the rest from the environment.

Environment variables (all optional):
  QUIRE_DATA_DIR        data directory (default ./quire-data)
  QUIRE_DATABASE_URL    e.g. postgresql://user@host:5432/quire (default: SQLite in the data dir)
  QUIRE_SECRET_KEY      secret key (default: generated once, kept in the data dir)
  QUIRE_DEBUG           1 to show Django's debug pages (never on a public archive)
  QUIRE_HTTPS           1 when readers reach the archive over HTTPS through a proxy that
                        terminates TLS and sets X-Forwarded-Proto: Secure cookies, a
                        redirect from http and HSTS (default off: plain http on a laptop)
  QUIRE_HSTS_SECONDS    how long browsers must keep to HTTPS once told (default one year;
                        only with QUIRE_HTTPS; try a few minutes first)
  QUIRE_ALLOWED_HOSTS   comma-separated host names (default: localhost names)
  QUIRE_SITE_NAME       the archive's name shown on every page (default Quire)
  QUIRE_SEARCH_BACKEND  search backend: tantivy (default: an index folder in the data dir)
                        or postgres (tables in the archive's PostgreSQL database, shared
                        by every application server)
  QUIRE_EMAIL           how email leaves: file (default: one file per message under
                        <data dir>/mail/), console, or smtp (the default once
                        QUIRE_EMAIL_HOST is set)
  QUIRE_EMAIL_HOST, QUIRE_EMAIL_PORT (587), QUIRE_EMAIL_USER, QUIRE_EMAIL_PASSWORD,
  QUIRE_EMAIL_TLS (STARTTLS; on unless the port is 465), QUIRE_EMAIL_SSL (on for 465)
                        the SMTP server
  QUIRE_EMAIL_FROM      the sender of the archive's email (default Quire <noreply@localhost>)
  QUIRE_LOGIN_ATTEMPTS  failed logins allowed per username in a window (default 5)
  QUIRE_LOGIN_ATTEMPTS_PER_IP  failed logins allowed per IP address in a window (default 20)
  QUIRE_LOGIN_WINDOW, QUIRE_LOGIN_LOCKOUT  that window, and how long logins are then
                        refused, in minutes (default 15 each)
  QUIRE_INVITATION_DAYS days an invitation code works (default 14)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext

from quire import config

# Lets admin and form classes be written generically (ModelAdmin[Work]) for mypy.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.env_flag("QUIRE_DEBUG")
ALLOWED_HOSTS = config.env_list("QUIRE_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
SITE_NAME = os.environ.get("QUIRE_SITE_NAME", "Quire")

INSTALLED_APPS = [
    "quire.people",
    "quire.tags",
    "quire.works",
    "quire.imports",
    "quire.search",
    "quire.feeds",
    "quire.community",
    "quire.moderation",
    "quire.comments",
    "quire.collections",
    "quire.challenges",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
]

# Search: the embedded tantivy index in the data directory.
SEARCH_BACKEND = os.environ.get("QUIRE_SEARCH_BACKEND", "tantivy")
SEARCH_INDEX_DIR = DATA_DIR / "index" / "tantivy"

# Finished download files (EPUB, PDF…), kept until their work changes.
DOWNLOAD_CACHE_DIR = DATA_DIR / "cache" / "downloads"

# Background work goes through the archive's own database: no broker to run.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "quire.site.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "quire.moderation.middleware.BarredAccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "quire.site.urls"
WSGI_APPLICATION = "quire.site.wsgi.application"
AUTH_USER_MODEL = "people.User"
# Username or email; placeholder accounts and too many failures refused.
AUTHENTICATION_BACKENDS = ["quire.people.backends.AccountBackend"]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "people:dashboard"
LOGOUT_REDIRECT_URL = "works:home"

# Argon2 for every new password; the others still check older hashes, which are
# rehashed with Argon2 at the next successful login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Failed logins are counted in Django's cache (per process with the default
# local-memory cache, which is what `quire serve` runs: one process, many threads).
LOGIN_THROTTLE = {
    "attempts_per_username": config.env_int("QUIRE_LOGIN_ATTEMPTS", 5, minimum=1),
    "attempts_per_ip": config.env_int("QUIRE_LOGIN_ATTEMPTS_PER_IP", 20, minimum=1),
    "window_seconds": 60 * config.env_int("QUIRE_LOGIN_WINDOW", 15, minimum=1),
    "lockout_seconds": 60 * config.env_int("QUIRE_LOGIN_LOCKOUT", 15, minimum=1),
}
INVITATION_VALID_DAYS = config.env_int("QUIRE_INVITATION_DAYS", 14, minimum=1)


def _email_backend() -> str:
    """Files in the data directory unless told otherwise: a new archive can sign
    people up before anyone has set up a mail server."""
    chosen = os.environ.get("QUIRE_EMAIL") or (
        "smtp" if os.environ.get("QUIRE_EMAIL_HOST") else "file"
    )
    backends = {
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
    }
    if chosen not in backends:
        raise SystemExit(f"quire: QUIRE_EMAIL must be file, console or smtp, not {chosen!r}")
    return backends[chosen]


EMAIL_BACKEND = _email_backend()
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("QUIRE_EMAIL_HOST", "localhost")
EMAIL_PORT = config.env_int("QUIRE_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = os.environ.get("QUIRE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("QUIRE_EMAIL_PASSWORD", "")
EMAIL_USE_SSL = config.env_flag("QUIRE_EMAIL_SSL", default=EMAIL_PORT == 465)
EMAIL_USE_TLS = not EMAIL_USE_SSL and config.env_flag("QUIRE_EMAIL_TLS", default=True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("QUIRE_EMAIL_FROM", "Quire <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quire.site.context_processors.site",
                "quire.people.context_processors.preferences",
            ],
        },
    },
]

_SQLITE_OPTIONS = {
    # WAL lets readers go on while the server's threads write; IMMEDIATE
    # transactions avoid "database is locked" on lock upgrades.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def _database() -> dict[str, object]:
    url = os.environ.get("QUIRE_DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "quire.sqlite3",
        "OPTIONS": _SQLITE_OPTIONS,
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "uploads"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security headers: Django's middleware sends the first four (and HSTS below), ours
# (quire.site.security) the content security policy and the permissions policy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere on the site's pages: a tag or attribute that got
# past the sanitizer still could not run. img-src allows any https: image because work
# text may show remote images, as AO3 allows (the sanitizer lets http(s) through; http
# ones are not shown); data: images cannot run script (the sanitizer refuses them in
# user text, but the site's own CSS may use them).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' https: data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# Powerful features no page of an archive uses, refused to the page and any frame.
PERMISSIONS_POLICY = dict.fromkeys(
    (
        "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
    ),
    "()",
)  # fmt: skip

# Cookies: never readable by script (nothing of ours reads the CSRF cookie; forms carry
# the token) and not sent on cross-site posts.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "quire.site.views.csrf_failure"  # Django's has an inline stylesheet

# HTTPS. `quire serve` speaks plain http (waitress), so an archive on the internet sits
# behind a proxy that terminates TLS (Caddy, nginx) and says so in X-Forwarded-Proto,
# which it must set on every request (overwriting what a client sent). With QUIRE_HTTPS
# off, a laptop at http://localhost keeps working: cookies are not Secure (a browser
# would never send them back over http, and nobody could log in), no redirect, no HSTS.
HTTPS = config.env_flag("QUIRE_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = config.env_int("QUIRE_HSTS_SECONDS", 365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SILENCED_SYSTEM_CHECKS = [
    # Asking browsers to hard-code the domain as HTTPS-only (the HSTS preload list) is
    # the domain owner's decision for every name under it, made at hstspreload.org; an
    # archive should not announce that consent on its own.
    "security.W021",
]
if not HTTPS:
    SILENCED_SYSTEM_CHECKS += [
        # A plain-http archive (a laptop, a LAN) cannot have these: HSTS and the https
        # redirect would lock readers out, and Secure cookies would never come back.
        "security.W004",  # SECURE_HSTS_SECONDS
        "security.W008",  # SECURE_SSL_REDIRECT
        "security.W012",  # SESSION_COOKIE_SECURE
        "security.W016",  # CSRF_COOKIE_SECURE
    ]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"quire": {"level": "INFO"}},
}
