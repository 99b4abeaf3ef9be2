"""Reports from readers, what admins did about them, and why works are hidden.

A report points at what it is about by kind and id (quire.moderation.targets), not
by a foreign key, so any app can make its things reportable without a migration
here, and a report outlives the thing it is about. The audit log is append-only:
its manager refuses updates and deletes, an entry refuses to be saved twice, and
the Django admin shows it read-only.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone

from quire.core.moderation import Action, Reason, Status
from quire.people.models import User
from quire.works.models import Work


class Report(models.Model):
    """A reader's report of a work, a comment, a profile or a bookmark."""

    kind = models.CharField(max_length=20, help_text="A kind of quire.moderation.targets.")
    object_id = models.PositiveBigIntegerField()
    target_label = models.CharField(
        max_length=300, help_text="What the reported thing was called when it was reported."
    )
    reason = models.CharField(max_length=20, choices=[(r.value, r.label) for r in Reason])
    description = models.TextField()
    reporter = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_email = models.EmailField(
        blank=True, help_text="A guest's address; a member's reports go by their account."
    )
    status = models.CharField(
        max_length=10, choices=[(s.value, s.label) for s in Status], default=Status.OPEN.value
    )
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True, help_text="The admin's note on closing it.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="report_queue"),
            models.Index(fields=["kind", "object_id"], name="report_target"),
        ]

    def __str__(self) -> str:
        return f"Report #{self.pk}: {self.kind} {self.object_id}"

    @property
    def reason_label(self) -> str:
        return Reason(self.reason).label

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Entries are only ever added: bulk changes and deletes are refused."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> NoReturn:
        raise PermissionError("the audit log is append-only")


class AuditEntry(models.Model):
    """One admin action: who, when, what, on what, and the note they gave."""

    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, help_text="Kept if the account goes.")
    action = models.CharField(max_length=30, choices=[(a.value, a.label) for a in Action])
    target_kind = models.CharField(max_length=20)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at"], name="audit_newest"),
            models.Index(fields=["target_kind", "target_id"], name="audit_target"),
            models.Index(fields=["actor_name"], name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name}: {self.action_label} ({self.target_label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("the audit log is append-only")

    @property
    def action_label(self) -> str:
        return Action(self.action).label


class AccountWarning(models.Model):
    """An admin's warning to a member: emailed, shown when they next log in, and
    listed on their warnings page."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="moderation_warnings")
    note = models.TextField()
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Warning to {self.user_id} on {self.created_at:%Y-%m-%d}"


class Hiding(models.Model):
    """Why an admin hid a work (Work.hidden says that it is): the reason its creators
    read on the work page, and the ban that hid it, so lifting the ban shows it again."""

    work = models.OneToOneField(
        Work, primary_key=True, on_delete=models.CASCADE, related_name="hiding"
    )
    reason = models.TextField()
    hidden_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    banned_user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when the work was hidden because this creator was banned.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Why work {self.work_id} is hidden"
