"""Reads of the import history (shown to admins only)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from quire.imports.models import ImportBatch, ImportedFile, Outcome
from quire.people.models import User


def batches_with_counts() -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.annotate(
            **{
                f"{outcome.value}_count": Count("files", filter=Q(files__outcome=outcome.value))
                for outcome in Outcome
            }
        )
        .select_related("started_by")
        .order_by("-started_at", "-id")
    )


def files_of(batch: ImportBatch) -> QuerySet[ImportedFile]:
    return batch.files.select_related("work").order_by("id")


def own_upload(user: User, batch_id: int) -> ImportBatch | None:
    """An upload batch, only for the member who made it."""
    return ImportBatch.objects.filter(pk=batch_id, started_by=user).first()


def uploaded_files(batch: ImportBatch) -> list[ImportedFile]:
    """The batch's files in order, each with its work (gone once discarded)."""
    files = batch.files.select_related("work").annotate(chapter_total=Count("work__chapters"))
    return list(files.order_by("id"))
