"""Django settings: embedded defaults that just work, the rest from the environment.

Environment variables (all optional):
  QUIRE_DATA_DIR        data directory (default ./quire-data)
  QUIRE_DATABASE_URL    e.g. postgresql://user@host:5432/quire (default: SQLite in the data dir)
  QUIRE_SECRET_KEY      secret key (default: generated once, kept in the data dir)
  QUIRE_DEBUG           1 to show Django's debug pages
  QUIRE_ALLOWED_HOSTS   comma-separated host names (default: localhost names)
  QUIRE_SITE_NAME       the archive's name shown on every page (default Quire)
  QUIRE_SEARCH_BACKEND  search backend: tantivy (default: an index folder in the data dir)
                        or postgres (tables in the archive's PostgreSQL database, shared
                        by every application server)
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

# Background work goes through the archive's own database: no broker to run.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "quire.site.urls"
WSGI_APPLICATION = "quire.site.wsgi.application"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "admin:login"

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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"quire": {"level": "INFO"}},
}
