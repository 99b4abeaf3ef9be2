"""Serve the archive with waitress, a production WSGI server.

Waitress was chosen because it is pure Python (no compiler, runs the same on
Linux, macOS and Windows laptops), is multi-threaded with a bounded queue
and well maintained, and runs inside this process, so `quire serve` stays
one command that later also supervises background workers.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)


def serve(*, host: str, port: int, threads: int = 8) -> None:
    from waitress import serve as waitress_serve

    from quire.site.wsgi import application

    shown_host = f"[{host}]" if ":" in host else host
    print(f"Quire is serving at http://{shown_host}:{port}/  (Ctrl+C stops it)", flush=True)
    waitress_serve(application, host=host, port=port, threads=threads, ident="Quire")


class WorkerSupervisor:
    """Runs `quire worker` beside the web server and starts it again if it dies.

    A worker that crashes (killed, out of memory) would otherwise leave the
    archive without filter-tag and index updates until someone noticed; a new
    worker also sweeps up the indexing the crashed one left pending. Restarts
    back off (1 s doubling to a minute) so a worker that cannot start does not spin.
    """

    def __init__(self, command: list[str], *, check_every: float = 2.0) -> None:
        self._command = command
        self._check_every = check_every
        self._stopping = threading.Event()
        self._process = self._start()
        self._thread = threading.Thread(target=self._watch, name="quire-worker-watch", daemon=True)
        self._thread.start()

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self._command)  # noqa: S603 (our own interpreter and command)

    @property
    def pid(self) -> int:
        return self._process.pid

    def _watch(self) -> None:
        delay = 1.0
        while not self._stopping.wait(self._check_every):
            code = self._process.poll()
            if code is None:
                delay = 1.0
                continue
            print(f"The background worker stopped (exit {code}); starting it again.", flush=True)
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, 60.0)
            self._process = self._start()

    def stop(self, timeout: float = 30) -> None:
        self._stopping.set()
        self._thread.join()
        self._process.terminate()
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


class Ticker:
    """Runs jobs one after another every `every` seconds on a thread of its own, until
    stopped: what `quire worker` does on the clock (reveals whose date has come).

    A job that fails is logged and the others still run; the next tick tries it again.
    The first tick is at once, so a worker that starts late catches up.
    """

    def __init__(
        self,
        jobs: Sequence[Callable[[], object]],
        *,
        every: float = 60.0,
        after_tick: Callable[[], object] = lambda: None,
    ) -> None:
        """`after_tick` runs after each tick's jobs (`quire worker` gives back the
        thread's database connections there)."""
        self._jobs = list(jobs)
        self._every = every
        self._after_tick = after_tick
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="quire-ticker", daemon=True)

    def start(self) -> Ticker:
        self._thread.start()
        return self

    def tick(self) -> None:
        for job in self._jobs:
            try:
                job()
            except Exception:
                log.exception("A periodic job failed; it runs again at the next tick")
        self._after_tick()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.tick()
            self._stopping.wait(self._every)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()
