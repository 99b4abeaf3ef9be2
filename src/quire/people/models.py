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
