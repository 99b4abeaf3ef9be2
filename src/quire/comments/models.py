"""Comments on works and chapters, threaded by the comment each one answers.

A comment belongs to a chapter (AO3's way: the chapter page lists its own), or to
the work as a whole when it was left on the entire-work view. The rules about who
sees and does what are in quire.core.comments; quire.comments.actions keeps the
flags, the counts and the notifications right.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from quire.core.comments import ANONYMOUS_CREATOR, CommentAccess, by_anonymous_creator
from quire.core.visibility import Viewer, WorkAccess
from quire.people.models import Pseud, User
from quire.works.models import Chapter, Work


class Comment(models.Model):
    """One comment: by a member as one of their pseuds, or by a guest with a name and
    an email address (kept for the archive, never shown)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="comments")
    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        help_text="Empty for a comment on the entire work.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The comment this one answers; empty for a new discussion.",
    )
    thread = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The discussion's first comment; empty for that comment itself.",
    )
    depth = models.PositiveIntegerField(default=0, help_text="Replies deep: 0 for a new one.")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    pseud = models.ForeignKey(
        Pseud, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    guest_name = models.CharField(max_length=100, blank=True)
    guest_email = models.EmailField(blank=True)
    content = models.TextField(blank=True, help_text="Sanitized HTML; empty once deleted.")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    unreviewed = models.BooleanField(
        default=False, help_text="Waiting for a creator's approval (moderated works)."
    )
    hidden = models.BooleanField(
        default=False, help_text="Hidden by an admin or a creator: only they read it."
    )
    frozen = models.BooleanField(default=False, help_text="Takes no more replies.")
    deleted = models.BooleanField(
        default=False, help_text="Deleted, kept as a placeholder because it has replies."
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["work", "chapter", "id"], name="comments_of_work"),
            models.Index(fields=["work"], condition=Q(unreviewed=True), name="comments_unreviewed"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.work_id}"

    def get_absolute_url(self) -> str:
        """The permalink, which finds the comment's page and anchor."""
        return reverse("comments:comment", args=[self.pk])

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def thread_id_or_own(self) -> int:
        """The discussion it belongs to, named by its first comment."""
        return self.thread_id or self.pk

    @property
    def is_guest(self) -> bool:
        return self.user_id is None and bool(self.guest_name)

    @property
    def author_name(self) -> str:
        """The name shown: the pseud (uses a select_related pseud), the guest's name, or
        nothing once deleted."""
        if self.pseud is not None:
            return self.pseud.name
        return self.guest_name

    def author_name_for(self, viewer: Viewer, work: WorkAccess) -> str:
        """The name `viewer` reads: ANONYMOUS_CREATOR for a creator's comment on their own
        anonymous work when the viewer may not know who made it."""
        if by_anonymous_creator(viewer, work, self.access()):
            return ANONYMOUS_CREATOR
        return self.author_name

    def access(self) -> CommentAccess:
        return CommentAccess(
            author_user_id=self.user_id,
            unreviewed=self.unreviewed,
            hidden=self.hidden,
            deleted=self.deleted,
            frozen=self.frozen,
        )
