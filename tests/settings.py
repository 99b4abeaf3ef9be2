"""Test settings: the real settings with a throwaway data directory.

The data directory is set before the real settings are read, so tests never
touch ./quire-data; QUIRE_DATABASE_URL still selects PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("QUIRE_DATA_DIR", tempfile.mkdtemp(prefix="quire-test-"))

from quire.site.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Tasks run at once inside the test; tests/app/test_tasks.py checks the real queue.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
