"""A real archive served by `quire serve --demo`, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, sync_playwright

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


@contextlib.contextmanager
def serving(data_dir: Path, *options: str) -> Iterator[str]:
    """`quire serve` on a free port over `data_dir` (`options` such as --demo); its URL."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "quire",
            "serve",
            *options,
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


def run_quire(data_dir: Path, *args: str) -> str:
    """Run a `quire` command on the archive in `data_dir`; what it printed."""
    command = [sys.executable, "-m", "quire", "--data-dir", str(data_dir), *args]
    done = subprocess.run(command, env=_quire_env(), check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="session")
def demo_url(demo_data_dir: Path) -> Iterator[str]:
    with serving(demo_data_dir, "--demo") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (./dev test does it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def strict_context(browser: Browser, **options: Any) -> tuple[BrowserContext, list[str]]:
    """A browser context whose `errors` list every console error and uncaught exception
    (a script or style the content security policy refused is one), and every page
    served without the site's policy; tests using it assert the list stays empty."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(**options)
    errors: list[str] = []
    context.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    context.on("weberror", lambda error: errors.append(str(error.error)))

    def policed(response: Response) -> None:
        policy = response.headers.get("content-security-policy", "")
        if response.request.resource_type == "document" and SCRIPTS_FROM_SELF not in policy:
            errors.append(f"{response.url} was served without the site's policy: {policy!r}")

    context.on("response", policed)
    return context, errors


SCRIPTS_FROM_SELF = "script-src 'self';"
"""The part of the site's content security policy that forbids inline script."""


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
