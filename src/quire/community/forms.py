"""The bookmark form and the bookmark search form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from quire.community.actions import NOTES_LIMIT, TAGS_LIMIT
from quire.community.models import Bookmark
from quire.community.queries import BookmarkFilters
from quire.people.models import Pseud, User


def split_names(value: str) -> list[str]:
    """Comma-separated tag names, as typed, without empty ones."""
    return [name.strip() for name in value.split(",") if name.strip()]


class BookmarkForm(forms.Form):
    pseud = forms.ModelChoiceField(
        queryset=Pseud.objects.none(), empty_label=None, label="Bookmarker"
    )
    notes = forms.CharField(
        required=False,
        max_length=NOTES_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Plain text or HTML (the same as in works); at most 5,000 characters.",
    )
    tags = forms.CharField(
        required=False,
        label="Your tags",
        help_text="Separated by commas. Only on your bookmark, never on the work.",
    )
    rec = forms.BooleanField(required=False, label="Rec (recommend it to others)")
    private = forms.BooleanField(required=False, label="Private bookmark (only you see it)")

    def __init__(self, *args: Any, user: User, bookmark: Bookmark | None = None, **kwargs: Any):
        if bookmark is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "pseud": bookmark.pseud_id,
                "notes": bookmark.notes,
                "tags": ", ".join(tag.name for tag in bookmark.bookmarker_tags),
                "rec": bookmark.rec,
                "private": bookmark.private,
            }
        kwargs.setdefault("auto_id", "bookmark-%s")
        super().__init__(*args, **kwargs)
        pseuds = list(user.pseuds.all())
        self.several_pseuds = len(pseuds) > 1
        field = self.fields["pseud"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = user.pseuds.all()
        if "pseud" not in self.initial:
            self.initial["pseud"] = next((p.pk for p in pseuds if p.is_default), None)
        self.fields["tags"].widget.attrs.update(
            {
                "data-autocomplete": reverse("tags:autocomplete"),
                "data-multiple": "",
                "autocomplete": "off",
            }
        )

    def clean_tags(self) -> list[str]:
        names = split_names(self.cleaned_data["tags"])
        if len(names) > TAGS_LIMIT:
            raise forms.ValidationError(f"A bookmark can have at most {TAGS_LIMIT} tags.")
        too_long = [name for name in names if len(name) > 150]
        if too_long:
            raise forms.ValidationError("A tag can be at most 150 characters long.")
        return names


class BookmarkSearchForm(forms.Form):
    """Filters over a bookmark listing (GET)."""

    bookmark_tags = forms.CharField(
        required=False, label="Bookmarker's tags", help_text="Separated by commas."
    )
    work_tags = forms.CharField(
        required=False, label="Work tags", help_text="Fandoms, characters… separated by commas."
    )
    notes = forms.CharField(required=False, label="Words in the notes", max_length=200)
    rec = forms.BooleanField(required=False, label="Recs only")

    def filters(self) -> BookmarkFilters:
        if not self.is_valid():
            return BookmarkFilters()
        data = self.cleaned_data
        return BookmarkFilters(
            bookmark_tags=split_names(data["bookmark_tags"]),
            work_tags=split_names(data["work_tags"]),
            rec_only=bool(data["rec"]),
            notes=data["notes"],
        )

    def is_filtering(self) -> bool:
        filters = self.filters()
        return bool(filters.bookmark_tags or filters.work_tags or filters.rec_only or filters.notes)
