"""Collections: fests, rounds, prompt memes and gift exchanges gather works.

A collection has owners and moderators (Membership), may be open or closed to new
works and moderated (each work waits for a moderator's approval), and may keep its
works anonymous (creators hidden) or unrevealed (works hidden) until a reveal date.
A work's own `anonymous` and `unrevealed` flags are derived from its approved items
(quire.collections.actions keeps them right), so the permission layer and search
read one column instead of a join.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from quire.people.models import User
from quire.works.models import Work


class CollectionKind(models.TextChoices):
    COLLECTION = "collection", "Collection"
    GIFT_EXCHANGE = "gift_exchange", "Gift exchange"
    PROMPT_MEME = "prompt_meme", "Prompt meme"


class Collection(models.Model):
    name = models.SlugField(
        max_length=255, unique=True, help_text="The collection's address, e.g. yuletide2026."
    )
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, help_text="Sanitized HTML.")
    rules = models.TextField(blank=True, help_text="Sanitized HTML: what belongs here.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text="The collection this one is a round or part of.",
    )
    kind = models.CharField(
        max_length=20, choices=CollectionKind.choices, default=CollectionKind.COLLECTION
    )
    open = models.BooleanField(default=True, help_text="Accepting new works.")
    moderated = models.BooleanField(
        default=False, help_text="New works wait for a moderator's approval."
    )
    anonymous = models.BooleanField(
        default=False, help_text="Creators of its works are hidden until they are revealed."
    )
    unrevealed = models.BooleanField(
        default=False, help_text="Its works are hidden until they are revealed."
    )
    works_reveal_at = models.DateTimeField(
        null=True, blank=True, help_text="When unrevealed works are revealed."
    )
    creators_reveal_at = models.DateTimeField(
        null=True, blank=True, help_text="When the creators of anonymous works are revealed."
    )
    members = models.ManyToManyField(User, through="Membership", related_name="collections")
    works = models.ManyToManyField(Work, through="CollectionItem", related_name="collections")
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collections:collection", args=[self.name])


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MODERATOR = "moderator", "Moderator"
    MEMBER = "member", "Member"


class Membership(models.Model):
    """A person's place in a collection: owners and moderators maintain it."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["collection", "role", "id"]
        constraints = [models.UniqueConstraint("collection", "user", name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.collection}"

    @property
    def maintains(self) -> bool:
        return self.role in (Role.OWNER, Role.MODERATOR)


class Approval(models.TextChoices):
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class CollectionItem(models.Model):
    """A work in a collection. It counts once both sides approve: the collection (its
    moderators, in a moderated collection) and the work's creators (when a moderator
    invited the work rather than a creator adding it)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="collection_items")
    collection_approval = models.CharField(
        max_length=10, choices=Approval.choices, default=Approval.APPROVED
    )
    creator_approval = models.CharField(
        max_length=10, choices=Approval.choices, default=Approval.APPROVED
    )
    anonymous = models.BooleanField(default=False, help_text="Creators hidden until revealed.")
    unrevealed = models.BooleanField(default=False, help_text="Work hidden until revealed.")
    added_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint("collection", "work", name="unique_collection_item")]

    def __str__(self) -> str:
        return f"{self.work} in {self.collection}"

    @property
    def approved(self) -> bool:
        return (
            self.collection_approval == Approval.APPROVED
            and self.creator_approval == Approval.APPROVED
        )
