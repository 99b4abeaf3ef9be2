"""Reading documents for an import: the part that needs no database, so it runs in parallel.

`read_document` never raises: a batch goes on past a bad document, so any
failure (the importer's own ImportProblem, or a bug in an importer) comes back
as a reason to record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import TypeVar

from quire.core.documents import ParsedWork
from quire.core.importers import ImporterRegistry, ImportProblem, SourceFile, default_registry
from quire.core.sanitize import sanitize_html
from quire.core.wordcount import count_words

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


@dataclass(slots=True)
class ReadDocument:
    """A document's works, or why there are none."""

    name: str
    sha256: str = ""
    works: list[ParsedWork] = field(default_factory=list)
    failure: str = ""


def read_document(
    source: SourceFile | ImportProblem, registry: ImporterRegistry | None = None
) -> ReadDocument:
    """Parse one document and count its chapters' words (the costly parts of an import)."""
    if isinstance(source, ImportProblem):
        return ReadDocument(name=source.source_name, failure=source.reason)
    try:
        digest = hashlib.sha256(source.data).hexdigest()
    except ImportProblem as problem:
        return ReadDocument(name=source.name, failure=problem.reason)
    try:
        works = (registry or default_registry()).parse(source)
    except ImportProblem as problem:
        return ReadDocument(name=source.name, sha256=digest, failure=problem.reason)
    except Exception as error:  # a bug in one importer must not stop a batch
        reason = f"the importer failed unexpectedly ({type(error).__name__}: {error})"
        return ReadDocument(name=source.name, sha256=digest, failure=reason)
    return ReadDocument(name=source.name, sha256=digest, works=[clean_work(work) for work in works])


def clean_work(work: ParsedWork) -> ParsedWork:
    """Sanitize every HTML field and count every chapter, whatever the importer did.

    Importers are plugins; this is Quire's own guarantee, done where documents
    are read (in parallel) so that storing them needs neither step again.
    """
    work.summary = sanitize_html(work.summary)
    work.notes = sanitize_html(work.notes)
    work.end_notes = sanitize_html(work.end_notes)
    for chapter in work.chapters:
        chapter.content = sanitize_html(chapter.content, keep_classes=True)
        chapter.summary = sanitize_html(chapter.summary)
        chapter.notes = sanitize_html(chapter.notes)
        chapter.end_notes = sanitize_html(chapter.end_notes)
        chapter.word_count = count_words(chapter.content)
    return work


def read_in_parallel(
    sources: Iterable[SourceFile | ImportProblem], executor: Executor, *, ahead: int = 16
) -> Iterator[ReadDocument]:
    """read_document over `sources` in worker processes, in order, at most `ahead` in flight."""
    return map_in_order(read_document, sources, executor, ahead=ahead)


def map_in_order(
    function: Callable[[_Item], _Result],
    items: Iterable[_Item],
    executor: Executor,
    *,
    ahead: int = 16,
) -> Iterator[_Result]:
    """`function` over `items` in `executor`'s workers, results in order, `ahead` in flight.

    Bounding the documents in flight keeps memory flat on batches of any size.
    """
    pending: list[Future[_Result]] = []
    for item in items:
        pending.append(executor.submit(function, item))
        if len(pending) >= ahead:
            yield pending.pop(0).result()
    for future in pending:
        yield future.result()
