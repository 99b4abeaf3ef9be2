"""Works, chapters, series and the links that tie them to pseuds and tags.

Fields that are derived (word count, posted chapter count, completeness,
updated date) are stored so that listings need no aggregation; the actions
in quire.works.actions keep them right on every write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.urls import reverse

from quire.core.composing import TextFormat
from quire.core.tags import TagType
from quire.core.visibility import WorkAccess
from quire.people.models import Pseud, User
from quire.tags.models import Tag

if TYPE_CHECKING:
    from quire.collections.models import CollectionItem

COMMENT_PERMISSIONS = [
    ("everyone", "Registered users and guests"),
    ("members", "Only registered users"),
    ("nobody", "No one"),
]


COLLECTION_FLAGS = ("anonymous", "unrevealed")
"""Work fields derived from the work's collections (quire.collections.actions)."""


class Work(models.Model):
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True, help_text="Sanitized HTML, at most 1,250 characters.")
    notes = models.TextField(blank=True, help_text="Sanitized HTML shown before the work.")
    end_notes = models.TextField(blank=True, help_text="Sanitized HTML shown after the work.")
    language = models.CharField(max_length=20, default="en", help_text="BCP 47 code, e.g. en, fr.")
    word_count = models.PositiveIntegerField(default=0)
    chapter_count = models.PositiveIntegerField(default=0, help_text="Posted chapters.")
    expected_chapters = models.PositiveIntegerField(
        null=True, blank=True, help_text="Planned number of chapters; empty when unknown."
    )
    complete = models.BooleanField(default=False)
    published = models.DateField(null=True, blank=True)
    updated = models.DateField(null=True, blank=True)
    restricted = models.BooleanField(default=False, help_text="Only signed-in readers see it.")
    posted = models.BooleanField(default=False, help_text="False while the work is a draft.")
    hidden = models.BooleanField(default=False, help_text="Hidden by an admin.")
    anonymous = models.BooleanField(
        default=False,
        help_text="In an anonymous collection: creators hidden until revealed (derived).",
    )
    unrevealed = models.BooleanField(
        default=False,
        help_text="In an unrevealed collection: the work hidden until revealed (derived).",
    )
    comment_permission = models.CharField(
        max_length=10,
        choices=COMMENT_PERMISSIONS,
        default="everyone",
        help_text="Who may comment on the work (AO3's setting).",
    )
    moderated_comments = models.BooleanField(
        default=False, help_text="New comments wait for a creator's approval."
    )
    creators = models.ManyToManyField(Pseud, through="Creatorship", related_name="works")
    tags = models.ManyToManyField(Tag, through="Tagging", related_name="works")
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated", "-id"]
        indexes = [models.Index(fields=["posted", "hidden", "-updated"], name="work_listing")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a stored work never writes its collection flags: only
        quire.collections.actions sets them (with an update of those columns), so a
        copy loaded before a collection changed cannot write the old flags back."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in COLLECTION_FLAGS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("works:work", args=[self.pk])

    def access(self) -> WorkAccess:
        """The facts quire.core.visibility decides on (uses prefetched creators, and for
        an anonymous or unrevealed work its collections' maintainers)."""
        secret = self.anonymous or self.unrevealed
        return WorkAccess(
            posted=self.posted,
            hidden=self.hidden,
            restricted=self.restricted,
            creator_user_ids=frozenset(pseud.user_id for pseud in self.creator_pseuds),
            anonymous=self.anonymous,
            unrevealed=self.unrevealed,
            maintainer_user_ids=self.maintainer_user_ids if secret else frozenset(),
        )

    @property
    def maintainer_user_ids(self) -> frozenset[int]:
        """Owners and moderators of the collections its creators put it in, and of the
        collections those are rounds of."""
        collections = [item.collection for item in self.holding_collection_items]
        collections += [collection.parent for collection in collections if collection.parent]
        return frozenset(
            membership.user_id
            for collection in collections
            for membership in collection.memberships.all()
            if membership.maintains
        )

    _loaded_holding_items: list[CollectionItem] | None = None

    @property
    def holding_collection_items(self) -> list[CollectionItem]:
        """The collection items its creators agreed to, each collection with its
        maintainers. Listings prefetch them for anonymous and unrevealed works
        (quire.works.queries.with_secrets); without that, two queries, once."""
        prefetched: list[CollectionItem] | None = getattr(self, "holding_items", None)
        if prefetched is not None:
            return prefetched
        if self._loaded_holding_items is None:
            from quire.works.queries import holding_items  # it imports this module

            self._loaded_holding_items = list(holding_items().filter(work=self))
        return self._loaded_holding_items

    @property
    def creator_pseuds(self) -> list[Pseud]:
        """The byline, in order (uses prefetched creatorships)."""
        return [creatorship.pseud for creatorship in self.creatorships.all()]

    def tags_of_type(self, tag_type: TagType) -> list[Tag]:
        """This work's tags of one type, in the creator's order (uses prefetched taggings)."""
        return [tagging.tag for tagging in self.taggings.all() if tagging.tag.type == tag_type]

    @property
    def chapters_label(self) -> str:
        """AO3's "N/M" chapter count, "N/?" when the length is unknown."""
        expected = "?" if self.expected_chapters is None else str(self.expected_chapters)
        return f"{self.chapter_count}/{expected}"


class Creatorship(models.Model):
    """Credits a pseud as (co-)creator of a work, in byline order."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="creatorships")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="creatorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint("work", "pseud", name="unique_creatorship")]

    def __str__(self) -> str:
        return f"{self.pseud} on {self.work}"


class Tagging(models.Model):
    """A tag on a work, as the creator chose it (synonyms and all)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="taggings")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="taggings")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint("work", "tag", name="unique_tagging")]

    def __str__(self) -> str:
        return f"{self.tag} on {self.work}"


class FilterTagging(models.Model):
    """A tag the work is found under: its tags' canonical forms and their meta tags.

    Derived from the taggings and the wrangling (quire.core.tagging); re-derived by
    quire.tags.actions whenever either changes, so filtering is one join.
    """

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="filter_taggings")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="filter_taggings")

    class Meta:
        constraints = [models.UniqueConstraint("tag", "work", name="unique_filter_tagging")]

    def __str__(self) -> str:
        return f"{self.work} under {self.tag}"


class Chapter(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=255, blank=True)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    end_notes = models.TextField(blank=True)
    content = models.TextField(help_text="Sanitized HTML, at most 510,000 characters.")
    text_format = models.CharField(
        max_length=10,
        choices=[(text_format.value, text_format.label) for text_format in TextFormat],
        default=TextFormat.HTML.value,
        help_text="How the creator wrote the chapter.",
    )
    source = models.TextField(
        blank=True,
        help_text="The Markdown as written, so it can be edited again; empty for HTML.",
    )
    word_count = models.PositiveIntegerField(default=0)
    posted = models.BooleanField(default=False)
    published = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint("work", "position", name="unique_chapter_position"),
        ]

    def __str__(self) -> str:
        return self.heading

    def get_absolute_url(self) -> str:
        return reverse("works:chapter", args=[self.work_id, self.pk])

    @property
    def heading(self) -> str:
        """AO3's chapter heading: "Chapter 2: The Storm" or "Chapter 2"."""
        if self.title:
            return f"Chapter {self.position}: {self.title}"
        return f"Chapter {self.position}"


class Series(models.Model):
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    complete = models.BooleanField(default=False)
    creators = models.ManyToManyField(Pseud, related_name="series", blank=True)
    works = models.ManyToManyField(Work, through="SeriesPart", related_name="series")
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "series"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("works:series", args=[self.pk])


class SeriesPart(models.Model):
    """A work's place in a series: "Part 2 of …"."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="parts")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="series_parts")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint("series", "work", name="unique_series_work"),
        ]

    def __str__(self) -> str:
        return f"Part {self.position} of {self.series}"


class CreatorInvitation(models.Model):
    """A member's pseud asked to co-create a work: credited only once they accept."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="creator_invitations")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="creator_invitations")
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint("work", "pseud", name="unique_creator_invitation"),
        ]

    def __str__(self) -> str:
        return f"{self.pseud} invited to {self.work}"


class Gift(models.Model):
    """A work given to a member ("For X"); a refused gift stays refused and is not shown."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="gifts")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="gifts_received")
    refused = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint("work", "recipient", name="unique_gift")]

    def __str__(self) -> str:
        return f"{self.work} for {self.recipient}"


class Inspiration(models.Model):
    """ "Inspired by": a parent work on this archive, or one elsewhere named by its address,
    title and author. The parent lists the works it inspired."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="inspirations")
    parent = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="inspired"
    )
    url = models.URLField(max_length=500, blank=True)
    title = models.CharField(max_length=255, blank=True)
    author = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False) | ~models.Q(url=""),
                name="inspiration_names_a_work",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work} inspired by {self.parent or self.url}"
