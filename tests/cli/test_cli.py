"""The `quire` command, run as a user would run it, in a separate process."""

from __future__ import annotations

import json
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


FIXTURES = Path(__file__).parents[1] / "core" / "fixtures" / "import"
DOCUMENTED_KEYS = {
    "title", "authors", "rating", "warnings", "categories", "fandoms", "relationships",
    "characters", "freeforms", "language", "summary", "notes", "end_notes", "series",
    "collections", "source", "published", "updated", "complete", "expected_chapters",
    "declared_word_count", "word_count", "chapters", "problems",
}  # fmt: skip


def test_inspect_prints_the_documented_json_without_an_archive(tmp_path: Path) -> None:
    document = FIXTURES / "ao3" / "template_2024_multichapter.html"
    result = quire("inspect", str(document), "--json", env={"QUIRE_DATA_DIR": str(tmp_path / "x")})
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    report = json.loads(line)
    assert set(report) == DOCUMENTED_KEYS
    assert set(report["chapters"][0]) == {
        "title", "summary", "notes", "end_notes", "word_count", "html",
    }  # fmt: skip
    assert report["source"]["format"] == "ao3-html"
    assert not (tmp_path / "x").exists()


def test_inspect_reads_like_a_page_and_reports_bad_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01\x02" * 100)
    document = FIXTURES / "ao3" / "template_2024_multichapter.html"
    result = quire("inspect", str(document), str(junk))
    assert result.returncode == 1
    assert "Chapter 1" in result.stdout
    assert "Words:" in result.stdout
    assert f"quire: {junk}: " in result.stderr


def test_import_a_folder_then_again(tmp_path: Path) -> None:
    folder = tmp_path / "fics"
    folder.mkdir()
    for name in ("template_2024_multichapter.html", "wip_unknown_length.html"):
        (folder / name).write_bytes((FIXTURES / "ao3" / name).read_bytes())
    (folder / "broken.epub").write_bytes(b"PK\x03\x04 not really")
    data_dir = tmp_path / "archive"
    first = quire("--data-dir", str(data_dir), "import", str(folder))
    assert first.returncode == 1
    assert "broken.epub" in first.stderr
    assert "2 created" in first.stdout
    assert "1 failed" in first.stdout
    with sqlite3.connect(data_dir / "quire.sqlite3") as connection:
        (works,) = connection.execute("select count(*) from works_work").fetchone()
    assert works == 2
    (folder / "broken.epub").unlink()
    again = quire("--data-dir", str(data_dir), "import", str(folder))
    assert again.returncode == 0, again.stderr
    assert "2 unchanged" in again.stdout


def test_serve_stops_its_worker_when_terminated(tmp_path: Path) -> None:
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clean = {key: value for key, value in os.environ.items() if not key.startswith("QUIRE_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "quire", "--data-dir", str(tmp_path), "serve", "--port", str(port)],
        env={**clean, "DJANGO_SETTINGS_MODULE": "quire.site.settings"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        children = [
            path.parent.name
            for path in Path("/proc").glob("[0-9]*/stat")
            if path.read_text().split(") ")[-1].split()[1] == str(server.pid)
        ]
        assert children, "quire serve started no worker"
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        for _ in range(100):
            if not any(Path(f"/proc/{child}").exists() for child in children):
                break
            time.sleep(0.2)
        assert not any(Path(f"/proc/{child}").exists() for child in children)
    finally:
        if server.poll() is None:
            server.kill()
