"""The `quire` command, run as a user would run it, in a separate process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def quire(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("QUIRE_")}
    return subprocess.run(
        [sys.executable, "-m", "quire", *args],
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "quire.site.settings", **(env or {})},
        timeout=120,
        check=False,
    )


def test_everything_lives_in_the_data_directory(tmp_path: Path) -> None:
    data_dir = tmp_path / "archive"
    result = quire("--data-dir", str(data_dir), "demo")
    assert result.returncode == 0, result.stderr
    assert "Loaded" in result.stdout
    assert (data_dir / "quire.sqlite3").is_file()
    assert (data_dir / "secret_key").stat().st_mode & 0o077 == 0
    assert {"index", "uploads", "cache"} <= {path.name for path in data_dir.iterdir()}
    with sqlite3.connect(data_dir / "quire.sqlite3") as connection:
        (works,) = connection.execute("select count(*) from works_work").fetchone()
    assert works >= 8
    again = quire("demo", "--data-dir", str(data_dir))
    assert "already loaded" in again.stdout


def test_data_directory_from_the_environment(tmp_path: Path) -> None:
    data_dir = tmp_path / "from-env"
    result = quire("migrate", env={"QUIRE_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    assert (data_dir / "quire.sqlite3").is_file()


def test_unusable_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = quire("--data-dir", str(blocker / "archive"), "migrate")
    assert result.returncode != 0
    assert f"cannot use data directory {blocker / 'archive'}" in result.stderr


def test_help_lists_the_commands() -> None:
    result = quire("--help")
    assert result.returncode == 0
    for command in ("serve", "demo", "createsuperuser", "manage"):
        assert command in result.stdout


def test_createsuperuser_makes_an_admin_with_a_default_pseud(tmp_path: Path) -> None:
    data_dir = tmp_path / "archive"
    result = quire(
        "--data-dir",
        str(data_dir),
        "createsuperuser",
        "--noinput",
        "--username",
        "keeper",
        "--email",
        "keeper@example.org",
        env={"DJANGO_SUPERUSER_PASSWORD": "a-long-admin-password"},
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(data_dir / "quire.sqlite3") as connection:
        rows = connection.execute(
            "select u.is_superuser, p.name, p.is_default from people_user u "
            "join people_pseud p on p.user_id = u.id where u.username = 'keeper'"
        ).fetchall()
    assert rows == [(1, "keeper", 1)]
