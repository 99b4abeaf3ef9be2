"""A real archive served by `quire serve --demo`, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("QUIRE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("QUIRE_TEST_ARTIFACTS", "test-artifacts")) / "screenshots"
# Chromium must not reach for Google's services: this machine's network is closed.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(url: str, server: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"quire serve exited early:\n{server.stdout.read() if server.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own localhost server)
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"quire serve did not answer at {url} within {seconds} s")


ADMIN = ("keeper", "a-long-browser-test-password")


def _quire_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUIRE_")}
    return {**env, "DJANGO_SETTINGS_MODULE": "quire.site.settings"}


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-archive")


@pytest.fixture(scope="session")
def admin_with_an_import(demo_url: str, demo_data_dir: Path) -> tuple[str, str]:
    """An admin account, and one import batch (a good file and a bad one) to look at."""
    base = [sys.executable, "-m", "quire", "--data-dir", str(demo_data_dir)]
    env = {**_quire_env(), "DJANGO_SUPERUSER_PASSWORD": ADMIN[1]}
    create = [*base, "createsuperuser", "--noinput", "--username", ADMIN[0], "--email", "k@e.org"]
    subprocess.run(create, env=env, check=True, capture_output=True)
    folder = demo_data_dir / "to-import"
    folder.mkdir()
    fixture = Path(__file__).parents[1] / "core" / "fixtures" / "import" / "ao3"
    (folder / "wip.html").write_bytes((fixture / "wip_unknown_length.html").read_bytes())
    (folder / "broken.epub").write_bytes(b"PK\x03\x04 not an epub")
    subprocess.run([*base, "import", "--quiet", str(folder)], env=env, check=False)
    return ADMIN


@pytest.fixture(scope="session")
def demo_url(demo_data_dir: Path) -> Iterator[str]:
    data_dir = demo_data_dir
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "quire",
            "serve",
            "--demo",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_quire_env(),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url + "/", server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (./dev test does it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path
