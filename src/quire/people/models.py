"""Users and pseuds: one account, many names to write under (as on AO3); the
archive's own settings, its invitations, and each reader's preferences."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from quire.core.accounts import reading_attributes, reading_setting


class User(AbstractUser):
    """The account; its works are credited to its pseuds, never to it directly."""

    about = models.TextField(blank=True, help_text="Profile text (sanitized HTML).")
    is_placeholder = models.BooleanField(
        default=False,
        help_text="Made by an import for a creator who has no account yet; can be claimed later.",
    )
    awaiting_confirmation = models.BooleanField(
        default=False,
        help_text="Signed up, but the link in the confirmation email has not been followed yet.",
    )
    # Standing (quire.core.moderation): written only by quire.moderation.actions, and
    # kept on the row so every request knows it without a query.
    suspended_until = models.DateTimeField(
        null=True, blank=True, help_text="Suspended until then: may not log in or take part."
    )
    banned_at = models.DateTimeField(
        null=True, blank=True, help_text="Banned since then: may not log in; works hidden."
    )
    standing_reason = models.TextField(
        blank=True, help_text="Why the account is suspended or banned; shown to its owner."
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


class SignupMode(models.TextChoices):
    OPEN = "open", "Open: anyone can create an account"
    INVITATION = "invitation", "By invitation: an invitation code is needed"
    CLOSED = "closed", "Closed: nobody can create an account"


class ArchiveSettings(models.Model):
    """What an admin changes from the archive's own pages: one row, always pk 1."""

    SINGLETON_PK = 1

    archive_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Shown on every page. Leave empty to use QUIRE_SITE_NAME.",
    )
    signup_mode = models.CharField(
        max_length=10, choices=SignupMode.choices, default=SignupMode.INVITATION
    )
    invitation_queue_open = models.BooleanField(
        default=True,
        help_text="Visitors can ask for an invitation with their email address.",
    )
    invitations_per_batch = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text="How many people from the queue one click invites, oldest first.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "archive settings"
        verbose_name_plural = "archive settings"

    def __str__(self) -> str:
        return "Archive settings"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return self.archive_name or settings.SITE_NAME


class Invitation(models.Model):
    """A code that lets one person create an account while sign-up is by invitation.

    Issued from the queue (to an email address) or given to a member to share;
    it works once, and not after it expires.
    """

    code = models.CharField(max_length=32, unique=True)
    email = models.EmailField(blank=True, help_text="Where it was sent, once it was.")
    owner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text="The member who may share it; empty for invitations sent from the queue.",
    )
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.OneToOneField(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation_used",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.code


class InvitationRequest(models.Model):
    """A visitor's place in the invitation queue; served oldest first."""

    email = models.EmailField(unique=True, help_text="Stored lower-cased.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    invitation = models.OneToOneField(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request",
        help_text="The invitation sent to this address; empty while it waits.",
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.email


def _choices(name: str) -> list[tuple[str, str]]:
    setting = reading_setting(name)
    return list(zip(setting.choices, setting.labels, strict=True))


def _default(name: str) -> str:
    return reading_setting(name).default


class Preferences(models.Model):
    """A reader's choices; the row is made the first time they save any."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="preferences"
    )
    view_adult = models.BooleanField(
        "Show adult works without the adult-content notice", default=False
    )
    view_full_work = models.BooleanField(
        "Open works as the entire work rather than chapter by chapter", default=False
    )
    hide_warnings = models.BooleanField(
        "Hide archive warnings (they may be spoilers) until I ask", default=False
    )
    hide_freeforms = models.BooleanField(
        "Hide additional tags (they may be spoilers) until I ask", default=False
    )
    reading_theme = models.CharField(
        "Theme", max_length=8, choices=_choices("theme"), default=_default("theme")
    )
    reading_size = models.CharField(
        "Text size", max_length=1, choices=_choices("size"), default=_default("size")
    )
    reading_font = models.CharField(
        "Typeface", max_length=8, choices=_choices("font"), default=_default("font")
    )
    reading_width = models.CharField(
        "Line width", max_length=8, choices=_choices("width"), default=_default("width")
    )

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"Preferences of {self.user_id}"

    def reading_attributes(self) -> dict[str, str]:
        """The attributes base.html puts on <html> so the account's reading settings
        apply before the first paint, on any device the reader signs in on."""
        return reading_attributes(
            {
                "theme": self.reading_theme,
                "size": self.reading_size,
                "font": self.reading_font,
                "width": self.reading_width,
            }
        )
