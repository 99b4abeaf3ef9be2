"""Import history and work origins.

A WorkOrigin remembers which document a work came from, so importing the same
document (or the same AO3 work from another file) again updates it instead of
making a duplicate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from quire.works.models import Work


class ImportBatch(models.Model):
    """One `quire import` run or upload."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    description = models.TextField(blank=True, help_text="The paths that were named.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("imports:batch", args=[self.pk])


class Outcome(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    UNCHANGED = "unchanged", "Unchanged"
    FAILED = "failed", "Failed"


class ImportedFile(models.Model):
    """What happened to one document (or one work of a many-work document) in a batch."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    name = models.TextField()
    sha256 = models.CharField(max_length=64, blank=True)
    format = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    message = models.TextField(blank=True)
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.outcome}"


class WorkOrigin(models.Model):
    """The document a work was imported from, keyed so a re-import finds it."""

    work = models.OneToOneField(Work, on_delete=models.CASCADE, related_name="origin")
    key = models.CharField(max_length=500, unique=True)
    source_format = models.CharField(max_length=40)
    source_url = models.URLField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64)
    declared_word_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The word count the document stated, beside the counted one.",
    )

    def __str__(self) -> str:
        return self.key
