"""Tags with AO3's wrangling relations: canonical, synonym, meta/sub, parents."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from quire.core.tags import TagType, display_name, tag_to_url_part

TAG_TYPE_CHOICES = [(tag_type.value, tag_type.label) for tag_type in TagType]


class Tag(models.Model):
    """A tag name of one type; names are unique archive-wide, ignoring case, as on AO3."""

    name = models.CharField(max_length=150)
    type = models.CharField(max_length=20, choices=TAG_TYPE_CHOICES, db_index=True)
    canonical = models.BooleanField(default=False)
    merger = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="synonyms",
        help_text="The canonical tag this one is a synonym of.",
    )
    meta_tags = models.ManyToManyField(
        "self",
        through="MetaTagging",
        through_fields=("sub_tag", "meta_tag"),
        symmetrical=False,
        related_name="sub_tags",
        blank=True,
    )
    parents = models.ManyToManyField(
        "self",
        through="TagParent",
        through_fields=("child", "parent"),
        symmetrical=False,
        related_name="children",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("wrangle_tag", "Can wrangle tags (canonical, synonyms, meta tags, fandoms)")
        ]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="unique_tag_name"),
            models.CheckConstraint(
                condition=models.Q(merger__isnull=True) | models.Q(canonical=False),
                name="synonym_is_not_canonical",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tags:tag", args=[tag_to_url_part(self.name)])

    def get_works_url(self) -> str:
        return reverse("tags:works", args=[tag_to_url_part(self.name)])

    def get_edit_url(self) -> str:
        return reverse("tags:edit", args=[tag_to_url_part(self.name)])

    @property
    def tag_type(self) -> TagType:
        return TagType(self.type)

    @property
    def display_name(self) -> str:
        return display_name(self.name)


class MetaTagging(models.Model):
    """`meta_tag` is broader than `sub_tag` (e.g. "Angst" over "Angst with a Happy Ending")."""

    meta_tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    sub_tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint("meta_tag", "sub_tag", name="unique_meta_tagging"),
        ]

    def __str__(self) -> str:
        return f"{self.meta_tag} > {self.sub_tag}"


class TagParent(models.Model):
    """A parent link, such as a fandom over its characters and relationships."""

    parent = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint("parent", "child", name="unique_tag_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.parent} > {self.child}"
