"""Users and pseuds: one account, many names to write under (as on AO3)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class User(AbstractUser):
    """The account; its works are credited to its pseuds, never to it directly."""

    about = models.TextField(blank=True, help_text="Profile text (sanitized HTML).")
    is_placeholder = models.BooleanField(
        default=False,
        help_text="Made by an import for a creator who has no account yet; can be claimed later.",
    )

    def get_absolute_url(self) -> str:
        return reverse("people:user", args=[self.username])

    @property
    def default_pseud(self) -> Pseud:
        return self.pseuds.get(is_default=True)


class Pseud(models.Model):
    """A name a user writes under; each user has exactly one default pseud."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pseuds")
    name = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "user", name="unique_pseud_name_per_user"),
            models.UniqueConstraint(
                "user",
                condition=models.Q(is_default=True),
                name="one_default_pseud_per_user",
            ),
        ]

    def __str__(self) -> str:
        if self.name == self.user.username:
            return self.name
        return f"{self.name} ({self.user.username})"

    def get_absolute_url(self) -> str:
        return reverse("people:pseud", args=[self.user.username, self.name])


class SavedSearch(models.Model):
    """A search a reader keeps, as the query string of the search page."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=100)
    params = models.TextField(help_text="The search page's query string.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("user", "name", name="unique_saved_search_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Exclusion(models.Model):
    """A tag or a creator whose works a reader never wants to see in searches."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="exclusions")
    tag = models.ForeignKey("tags.Tag", null=True, blank=True, on_delete=models.CASCADE)
    creator = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="excluded_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tag__isnull=False, creator__isnull=True)
                | models.Q(tag__isnull=True, creator__isnull=False),
                name="exclusion_is_a_tag_or_a_creator",
            ),
            models.UniqueConstraint("user", "tag", name="unique_excluded_tag"),
            models.UniqueConstraint("user", "creator", name="unique_excluded_creator"),
        ]

    def __str__(self) -> str:
        return str(self.tag or self.creator)
