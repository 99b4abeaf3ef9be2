"""`quire import`: the batch loop with a progress bar, one line per failure, a summary."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from quire.core.importers import default_registry
from quire.core.importers.sources import iter_sources
from quire.imports.actions import do_finish_batch, do_import_source, do_start_batch
from quire.imports.models import Outcome


def run_import(paths: list[Path], *, quiet: bool = False) -> int:
    """Import everything under `paths`; exit status 1 if any document failed."""
    missing = [path for path in paths if not path.exists()]
    for path in missing:
        print(f"quire: {path}: no such file or folder", file=sys.stderr)
    batch = do_start_batch(" ".join(str(path) for path in paths))
    registry = default_registry()
    outcomes: Counter[str] = Counter()
    sources = iter_sources(path for path in paths if path.exists())
    progress = tqdm(sources, unit="file", disable=quiet or not sys.stderr.isatty(), file=sys.stderr)
    for source in progress:
        for record in do_import_source(batch, source, registry):
            outcomes[record.outcome] += 1
            if record.outcome == Outcome.FAILED:
                progress.write(f"failed: {record.name}: {record.message}", file=sys.stderr)
    do_finish_batch(batch)
    summary = ", ".join(f"{outcomes[outcome.value]} {outcome.label.lower()}" for outcome in Outcome)
    print(f"Import #{batch.pk}: {summary}.")
    return 1 if outcomes[Outcome.FAILED] or missing else 0
