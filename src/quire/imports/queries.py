"""Reads of the import history (shown to admins only)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from quire.imports.models import ImportBatch, ImportedFile, Outcome


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
