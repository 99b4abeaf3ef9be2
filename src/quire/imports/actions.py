"""Importing documents: one transaction per work; a batch never stops at one bad file."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from quire.core.documents import ParsedWork
from quire.core.importers import ImporterRegistry, ImportProblem, SourceFile
from quire.core.importers.pipeline import ReadDocument, read_document
from quire.core.importers.sources import upload_sources
from quire.imports.models import ImportBatch, ImportedFile, Outcome, WorkOrigin
from quire.people.actions import do_get_placeholder_pseud
from quire.people.models import Pseud, User
from quire.works.actions import do_add_to_series, do_create_series, do_create_work, do_replace_work
from quire.works.models import Series, Work

_AO3_WORK_URL = re.compile(r"archiveofourown\.org/works/(\d+)")


def origin_key(parsed: ParsedWork, document_name: str, index: int) -> str:
    """What makes two imports "the same work": the AO3 work id, another site's id, or the file."""
    ao3 = _AO3_WORK_URL.search(parsed.source_url)
    if ao3:
        return f"ao3:{ao3.group(1)}"
    if parsed.source_id:
        return f"{parsed.source_format}:{parsed.source_id}"
    return f"file:{document_name}#{index}"


def do_start_batch(description: str, started_by: User | None = None) -> ImportBatch:
    return ImportBatch.objects.create(description=description, started_by=started_by)


def do_finish_batch(batch: ImportBatch) -> ImportBatch:
    batch.finished_at = timezone.now()
    batch.save(update_fields=["finished_at"])
    return batch


def do_import_source(
    batch: ImportBatch, source: SourceFile | ImportProblem, registry: ImporterRegistry
) -> list[ImportedFile]:
    """Read and import one document in this process (see do_import_document)."""
    return do_import_document(batch, read_document(source, registry))


def do_import_document(
    batch: ImportBatch, document: ReadDocument, creators: dict[str, Pseud] | None = None
) -> list[ImportedFile]:
    """Store a read document's works; a failure is recorded, never raised, so the batch goes on.

    `creators` remembers placeholder pseuds by name across the documents of a batch.
    """
    if document.failure:
        return [_record(batch, document.name, document.sha256, Outcome.FAILED, document.failure)]
    known = {} if creators is None else creators
    return [
        _import_work(batch, document, parsed, index, known)
        for index, parsed in enumerate(document.works)
    ]


def _record(
    batch: ImportBatch, name: str, digest: str, outcome: Outcome, message: str, **extra: object
) -> ImportedFile:
    return ImportedFile.objects.create(
        batch=batch, name=name, sha256=digest, outcome=outcome, message=message, **extra
    )


def _import_work(
    batch: ImportBatch,
    document: ReadDocument,
    parsed: ParsedWork,
    index: int,
    known_creators: dict[str, Pseud],
) -> ImportedFile:
    key = origin_key(parsed, document.name, index)
    name = _work_name(document, index)
    try:
        with transaction.atomic():
            origin = WorkOrigin.objects.select_related("work").filter(key=key).first()
            if origin is not None and origin.sha256 == document.sha256:
                outcome = Outcome.UNCHANGED
                work = origin.work
            else:
                creators = [
                    known_creators.get(name) or do_get_placeholder_pseud(name)
                    for name in parsed.creators or ["Anonymous"]
                ]
                if origin is None:
                    work = do_create_work(
                        creators=creators, parsed=parsed, disambiguate_tags=True, html_is_clean=True
                    )
                    origin = WorkOrigin(work=work, key=key)
                    outcome = Outcome.CREATED
                else:
                    work = do_replace_work(
                        origin.work,
                        creators=creators,
                        parsed=parsed,
                        disambiguate_tags=True,
                        html_is_clean=True,
                    )
                    outcome = Outcome.UPDATED
                origin.source_format = parsed.source_format
                origin.source_url = parsed.source_url[:500]
                origin.sha256 = document.sha256
                origin.declared_word_count = parsed.declared_word_count
                origin.save()
                _place_in_series(work, parsed, creators[0])
            message = "; ".join(parsed.problems)
            # Recorded in the same transaction: the history never claims a work that isn't there.
            record = _record(
                batch,
                name,
                document.sha256,
                outcome,
                message,
                format=parsed.source_format,
                work=work,
            )
    except ValueError as error:
        return _record(batch, name, document.sha256, Outcome.FAILED, str(error))
    if outcome != Outcome.UNCHANGED:  # only pseuds whose transaction committed
        known_creators.update(zip(parsed.creators, creators, strict=False))
    return record


def _work_name(document: ReadDocument, index: int) -> str:
    """How one work of a document is named in the history: the document, then "(work 2)"…"""
    return document.name if index == 0 else f"{document.name} (work {index + 1})"


UPLOAD_MAX_BYTES = 20 * 1024 * 1024
"""The most one upload may carry, all files together (the form refuses more)."""
UPLOAD_UNPACKED_MAX_BYTES = 60 * 1024 * 1024
"""The most a zip in an upload may unpack to."""
UPLOAD_MAX_FILES = 200
"""The most documents a zip in an upload may hold."""


def do_upload(user: User, pseud: Pseud, files: Sequence[tuple[str, bytes]]) -> ImportBatch:
    """A member's own files (or zips of them) read into drafts credited to one of their
    pseuds, for them to review and post. Nothing is posted, and a bad file is recorded
    with its reason while the rest go on."""
    if pseud.user_id != user.pk:
        raise ValueError("Works can only be uploaded under one of your own pseuds.")
    batch = do_start_batch(
        "Upload by " + user.username + ": " + ", ".join(name for name, _ in files), user
    )
    for name, data in files:
        sources = upload_sources(
            name,
            data,
            max_member_bytes=UPLOAD_UNPACKED_MAX_BYTES,
            max_total_bytes=UPLOAD_UNPACKED_MAX_BYTES,
            max_members=UPLOAD_MAX_FILES,
        )
        for source in sources:
            _store_upload(batch, read_document(source), pseud)
    return do_finish_batch(batch)


def _store_upload(batch: ImportBatch, document: ReadDocument, pseud: Pseud) -> None:
    if document.failure:
        _record(batch, document.name, document.sha256, Outcome.FAILED, document.failure)
        return
    for index, parsed in enumerate(document.works):
        name = _work_name(document, index)
        try:
            with transaction.atomic():
                work = do_create_work(
                    creators=[pseud],
                    parsed=parsed,
                    posted=False,
                    disambiguate_tags=True,
                    html_is_clean=True,
                )
                _place_in_series(work, parsed, pseud)
                message = "; ".join(parsed.problems)
                _record(
                    batch,
                    name,
                    document.sha256,
                    Outcome.CREATED,
                    message,
                    format=parsed.source_format,
                    work=work,
                )
        except ValueError as error:
            _record(batch, name, document.sha256, Outcome.FAILED, str(error))


def _place_in_series(work: Work, parsed: ParsedWork, creator: Pseud) -> None:
    """Series are matched by title among the first creator's series, as AO3 lists them."""
    for membership in parsed.series:
        series = Series.objects.filter(title=membership.title, creators=creator).first()
        if series is None:
            series = do_create_series(creators=[creator], title=membership.title)
        do_add_to_series(series, work, position=membership.position)
