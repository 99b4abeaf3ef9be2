"""`quire serve` keeps a background worker running: a worker that dies is started again."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from quire.server import WorkerSupervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def _wait_for(condition, seconds: float = 20) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_worker_is_started_again_and_stop_ends_it() -> None:
    supervisor = WorkerSupervisor(SLEEPER, check_every=0.05)
    first = supervisor.pid
    try:
        os.kill(first, signal.SIGKILL)
        assert _wait_for(lambda: supervisor.pid != first), "the dead worker was not replaced"
        second = supervisor.pid
        assert Path(f"/proc/{second}").exists()
    finally:
        supervisor.stop(timeout=5)
    assert _wait_for(lambda: not Path(f"/proc/{second}").exists() or _is_zombie(second))


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].split()[0] == "Z"
    except OSError:
        return True
