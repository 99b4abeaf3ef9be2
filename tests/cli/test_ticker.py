"""`quire worker` runs its clock jobs (due reveals) on a Ticker: at once, then on every
tick, a failing job never stopping the others, until stopped."""

from __future__ import annotations

import threading
import time

from quire.server import Ticker


def test_jobs_run_at_once_and_again_and_a_failure_stops_nothing() -> None:
    runs: list[str] = []
    ticked = threading.Event()

    def failing() -> None:
        runs.append("failing")
        raise RuntimeError("the database went away")

    def after() -> None:
        runs.append("after")
        if runs.count("after") >= 3:
            ticked.set()

    ticker = Ticker([failing, lambda: runs.append("reveal")], every=0.01, after_tick=after)
    ticker.start()
    assert ticked.wait(10), "the ticker did not tick three times"
    ticker.stop()
    assert runs[:3] == ["failing", "reveal", "after"]
    stopped_at = len(runs)
    time.sleep(0.05)
    assert len(runs) == stopped_at


def test_one_tick_without_a_thread() -> None:
    runs: list[int] = []
    Ticker([lambda: runs.append(1)], every=3600).tick()
    assert runs == [1]
