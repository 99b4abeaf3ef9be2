"""Forms for wranglers. Tag fields take names (autocompleted), like AO3's."""

from __future__ import annotations

from django import forms

from quire.core.tags import TagType
from quire.tags.models import Tag

QUEUE_TYPES = [("", "All types")] + [
    (tag_type.value, tag_type.plural_label)
    for tag_type in (TagType.FANDOM, TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM)
]


class QueueFilterForm(forms.Form):
    show = forms.ChoiceField(
        choices=[("unwrangled", "Unwrangled"), ("all", "All"), ("canonical", "Canonical")],
        required=False,
    )
    type = forms.ChoiceField(choices=QUEUE_TYPES, required=False)
    q = forms.CharField(label="Tag name contains", required=False, max_length=150)


class BulkAction:
    CANONICAL = "canonical"
    NON_CANONICAL = "non_canonical"
    MERGE = "merge"
    FANDOM = "fandom"
    META = "meta"


class BulkWrangleForm(forms.Form):
    """One action applied to every tag ticked in the queue."""

    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.exclude(type__in=[TagType.RATING, TagType.WARNING, TagType.CATEGORY]),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": "Tick at least one tag."},
    )
    action = forms.ChoiceField(
        choices=[
            (BulkAction.CANONICAL, "Make canonical"),
            (BulkAction.NON_CANONICAL, "Make not canonical"),
            (BulkAction.MERGE, "Make synonyms of…"),
            (BulkAction.FANDOM, "Add to fandom…"),
            (BulkAction.META, "Add meta tag…"),
        ]
    )
    target = forms.CharField(
        label="Tag",
        required=False,
        max_length=150,
        help_text="The canonical tag, fandom or meta tag, for the actions that need one.",
    )


class TagEditForm(forms.Form):
    canonical = forms.BooleanField(required=False)
    synonym_of = forms.CharField(
        label="Synonym of", required=False, max_length=150, help_text="A canonical tag name."
    )
    fandoms = forms.CharField(
        label="Fandoms", required=False, help_text="Fandom tag names, separated by commas."
    )
    meta_tags = forms.CharField(
        label="Meta tags", required=False, help_text="Canonical tag names, separated by commas."
    )


def names_in(value: str) -> list[str]:
    """Tag names typed comma-separated (AO3's tag fields work the same way)."""
    return [" ".join(name.split()) for name in value.split(",") if name.strip()]
