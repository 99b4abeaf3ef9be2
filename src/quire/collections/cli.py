"""`quire reveal`: reveal the collections whose reveal dates have passed (cron-friendly;
`quire worker` does the same once a minute)."""

from __future__ import annotations

from quire.collections.tasks import reveal_due_now


def run_reveal() -> int:
    report = reveal_due_now()
    print(
        f"Revealed {report.collections:,} collection{'s' if report.collections != 1 else ''} "
        f"({report.works:,} work{'s' if report.works != 1 else ''} shown or named)."
    )
    return 0
