"""`quire import`: the batch loop with a progress bar, one line per failure, a summary."""

from __future__ import annotations

import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from tqdm import tqdm

from quire.core.importers.pipeline import read_in_parallel
from quire.core.importers.sources import iter_sources
from quire.imports.actions import do_finish_batch, do_import_document, do_start_batch
from quire.imports.models import Outcome
from quire.people.models import Pseud


def run_import(paths: list[Path], *, quiet: bool = False) -> int:
    """Import everything under `paths`; exit status 1 if any document failed."""
    missing = [path for path in paths if not path.exists()]
    for path in missing:
        print(f"quire: {path}: no such file or folder", file=sys.stderr)
    batch = do_start_batch(" ".join(str(path) for path in paths))
    outcomes: Counter[str] = Counter()
    creators: dict[str, Pseud] = {}
    sources = iter_sources(path for path in paths if path.exists())
    # Reading (parsing, sanitizing, counting) runs in worker processes, one per core,
    # while this process writes to the database; "spawn" keeps Django out of them.
    workers = ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=get_context("spawn"))
    with workers:
        documents = read_in_parallel(sources, workers)
        progress = tqdm(
            documents, unit="file", disable=quiet or not sys.stderr.isatty(), file=sys.stderr
        )
        for document in progress:
            for record in do_import_document(batch, document, creators):
                outcomes[record.outcome] += 1
                if record.outcome == Outcome.FAILED:
                    progress.write(f"failed: {record.name}: {record.message}", file=sys.stderr)
    do_finish_batch(batch)
    summary = ", ".join(f"{outcomes[outcome.value]} {outcome.label.lower()}" for outcome in Outcome)
    print(f"Import #{batch.pk}: {summary}.")
    return 1 if outcomes[Outcome.FAILED] or missing else 0
