"""Where the archive keeps its state, read from the environment.

Everything Quire writes (the SQLite file, search index, uploads, caches, the
secret key) lives under one data directory so that an archive can be backed
up, moved or deleted as one folder.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DATA_DIR_ENV = "QUIRE_DATA_DIR"
DEFAULT_DATA_DIR = "quire-data"
SUBDIRECTORIES = ("index", "uploads", "cache", "static", "mail")


def data_dir() -> Path:
    """The data directory: $QUIRE_DATA_DIR, or ./quire-data."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR).resolve()


def prepare_data_dir(path: Path) -> Path:
    """Create the data directory and its parts; give a clear error if we can't."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        for name in SUBDIRECTORIES:
            (path / name).mkdir(exist_ok=True)
    except OSError as error:
        raise SystemExit(f"quire: cannot use data directory {path}: {error.strerror}") from error
    return path


def secret_key(path: Path) -> str:
    """$QUIRE_SECRET_KEY, else the key stored in the data directory.

    The key is made on first use and kept, so sessions survive restarts.
    """
    from_env = os.environ.get("QUIRE_SECRET_KEY")
    if from_env:
        return from_env
    key_file = path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    prepare_data_dir(path)
    key = secrets.token_urlsafe(50)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


def env_flag(name: str, *, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number from the environment, with a clear error when it is not one."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"quire: {name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise SystemExit(f"quire: {name} must be at least {minimum}, not {number}")
    return number
