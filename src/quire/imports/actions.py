"""Importing documents: one transaction per work; a batch never stops at one bad file."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils import timezone

from quire.core.documents import ParsedWork
from quire.core.importers import ImporterRegistry, ImportProblem, SourceFile
from quire.imports.models import ImportBatch, ImportedFile, Outcome, WorkOrigin
from quire.people.actions import do_get_placeholder_pseud
from quire.people.models import Pseud, User
from quire.works.actions import do_add_to_series, do_create_series, do_create_work, do_replace_work
from quire.works.models import Series, Work

logger = logging.getLogger(__name__)

_AO3_WORK_URL = re.compile(r"archiveofourown\.org/works/(\d+)")


def origin_key(parsed: ParsedWork, source: SourceFile, index: int) -> str:
    """What makes two imports "the same work": the AO3 work id, another site's id, or the file."""
    ao3 = _AO3_WORK_URL.search(parsed.source_url)
    if ao3:
        return f"ao3:{ao3.group(1)}"
    if parsed.source_id:
        return f"{parsed.source_format}:{parsed.source_id}"
    return f"file:{source.name}#{index}"


def do_start_batch(description: str, started_by: User | None = None) -> ImportBatch:
    return ImportBatch.objects.create(description=description, started_by=started_by)


def do_finish_batch(batch: ImportBatch) -> ImportBatch:
    batch.finished_at = timezone.now()
    batch.save(update_fields=["finished_at"])
    return batch


def do_import_source(
    batch: ImportBatch, source: SourceFile | ImportProblem, registry: ImporterRegistry
) -> list[ImportedFile]:
    """Import one document; a failure is recorded, never raised, so the batch goes on."""
    if isinstance(source, ImportProblem):
        return [_record(batch, source.source_name, "", Outcome.FAILED, source.reason)]
    digest = hashlib.sha256(source.data).hexdigest()
    try:
        works = registry.parse(source)
    except ImportProblem as problem:
        return [_record(batch, source.name, digest, Outcome.FAILED, problem.reason)]
    except Exception as error:  # a parser bug must not stop the batch
        logger.exception("importer crashed on %s", source.name)
        reason = f"the importer failed unexpectedly ({type(error).__name__}: {error})"
        return [_record(batch, source.name, digest, Outcome.FAILED, reason)]
    return [
        _import_work(batch, source, digest, parsed, index) for index, parsed in enumerate(works)
    ]


def _record(
    batch: ImportBatch, name: str, digest: str, outcome: Outcome, message: str, **extra: object
) -> ImportedFile:
    return ImportedFile.objects.create(
        batch=batch, name=name, sha256=digest, outcome=outcome, message=message, **extra
    )


def _import_work(
    batch: ImportBatch, source: SourceFile, digest: str, parsed: ParsedWork, index: int
) -> ImportedFile:
    key = origin_key(parsed, source, index)
    name = source.name if index == 0 else f"{source.name} (work {index + 1})"
    problems = "; ".join(parsed.problems)
    try:
        with transaction.atomic():
            origin = WorkOrigin.objects.select_related("work").filter(key=key).first()
            if origin is not None and origin.sha256 == digest:
                outcome = Outcome.UNCHANGED
                work = origin.work
            else:
                creators = [do_get_placeholder_pseud(name) for name in parsed.creators]
                creators = creators or [do_get_placeholder_pseud("Anonymous")]
                if origin is None:
                    work = do_create_work(creators=creators, parsed=parsed)
                    origin = WorkOrigin(work=work, key=key)
                    outcome = Outcome.CREATED
                else:
                    work = do_replace_work(origin.work, creators=creators, parsed=parsed)
                    outcome = Outcome.UPDATED
                origin.source_format = parsed.source_format
                origin.source_url = parsed.source_url[:500]
                origin.sha256 = digest
                origin.save()
                _place_in_series(work, parsed, creators[0])
    except (ValueError, ImportProblem) as error:
        return _record(batch, name, digest, Outcome.FAILED, str(error))
    return _record(batch, name, digest, outcome, problems, format=parsed.source_format, work=work)


def _place_in_series(work: Work, parsed: ParsedWork, creator: Pseud) -> None:
    """Series are matched by title among the first creator's series, as AO3 lists them."""
    for membership in parsed.series:
        series = Series.objects.filter(title=membership.title, creators=creator).first()
        if series is None:
            series = do_create_series(creators=[creator], title=membership.title)
        do_add_to_series(series, work, position=membership.position)


def import_all(
    batch: ImportBatch, sources: Iterable[SourceFile | ImportProblem], registry: ImporterRegistry
) -> Iterator[list[ImportedFile]]:
    """Import each document in turn, yielding its outcomes (for progress reporting)."""
    for source in sources:
        yield do_import_source(batch, source, registry)
