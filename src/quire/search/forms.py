"""The search form: AO3's filters as request parameters, turned into a SearchQuery."""

from __future__ import annotations

from django import forms

from quire.collections.queries import collections_named, with_rounds
from quire.core.search.model import Crossovers, DateRange, Range, SearchQuery, Sort, Visibility
from quire.people.queries import pseud_ids_named
from quire.tags.forms import names_in
from quire.tags.queries import tags_named

SORT_LABELS = {
    Sort.BEST_MATCH: "Best match",
    Sort.CREATOR: "Creator",
    Sort.TITLE: "Title",
    Sort.DATE_POSTED: "Date posted",
    Sort.DATE_UPDATED: "Date updated",
    Sort.WORD_COUNT: "Word count",
    Sort.HITS: "Hits",
    Sort.KUDOS: "Kudos",
    Sort.COMMENTS: "Comments",
    Sort.BOOKMARKS: "Bookmarks",
}
PER_PAGE = 20


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=500)
    title = forms.CharField(label="Title", required=False, max_length=255)
    sort = forms.ChoiceField(label="Sort by", choices=list(SORT_LABELS.items()), required=False)
    complete = forms.ChoiceField(
        label="Completion status",
        choices=[
            ("", "All works"),
            ("complete", "Complete works only"),
            ("wip", "Works in progress only"),
        ],
        required=False,
    )
    crossovers = forms.ChoiceField(
        label="Crossovers",
        choices=[
            (Crossovers.INCLUDE.value, "Include crossovers"),
            (Crossovers.EXCLUDE.value, "Exclude crossovers"),
            (Crossovers.ONLY.value, "Only crossovers"),
        ],
        required=False,
    )
    single_chapter = forms.BooleanField(label="Single chapter", required=False)
    words_from = forms.IntegerField(label="Words from", required=False, min_value=0)
    words_to = forms.IntegerField(label="Words to", required=False, min_value=0)
    updated_from = forms.DateField(
        label="Updated from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    updated_to = forms.DateField(
        label="Updated to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.CharField(label="Language", required=False, max_length=20)
    kudos_from = forms.IntegerField(label="Kudos from", required=False, min_value=0)
    kudos_to = forms.IntegerField(label="Kudos to", required=False, min_value=0)
    hits_from = forms.IntegerField(label="Hits from", required=False, min_value=0)
    hits_to = forms.IntegerField(label="Hits to", required=False, min_value=0)
    comments_from = forms.IntegerField(label="Comments from", required=False, min_value=0)
    comments_to = forms.IntegerField(label="Comments to", required=False, min_value=0)
    bookmarks_from = forms.IntegerField(label="Bookmarks from", required=False, min_value=0)
    bookmarks_to = forms.IntegerField(label="Bookmarks to", required=False, min_value=0)
    include = forms.CharField(required=False)
    exclude = forms.CharField(required=False)
    other_tags = forms.CharField(
        label="Other tags to include", required=False, help_text="Tag names, separated by commas."
    )
    excluded_tags = forms.CharField(
        label="Other tags to exclude", required=False, help_text="Tag names, separated by commas."
    )
    creators = forms.CharField(
        label="Creators", required=False, help_text="User or pseud names, separated by commas."
    )
    collections = forms.CharField(
        label="In collections",
        required=False,
        help_text="Collection addresses, separated by commas: works in any of them.",
    )
    page = forms.IntegerField(required=False, min_value=1)

    def clean_include(self) -> list[int]:
        return self._ids("include")

    def clean_exclude(self) -> list[int]:
        return self._ids("exclude")

    def _ids(self, name: str) -> list[int]:
        """Tag ids from facet checkboxes; ids are checked against the index, not a list."""
        values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
        return [int(value) for value in values if str(value).isdigit()]

    def clean_other_tags(self) -> list[int]:
        return _tag_ids(self.cleaned_data.get("other_tags") or "")

    def clean_excluded_tags(self) -> list[int]:
        return _tag_ids(self.cleaned_data.get("excluded_tags") or "")

    def clean_creators(self) -> list[int]:
        names = names_in(self.cleaned_data.get("creators") or "")
        return list(pseud_ids_named(names))

    def clean_collections(self) -> frozenset[int]:
        """The collections named and their rounds (a round's works are its parent's too)."""
        names = names_in(self.cleaned_data.get("collections") or "")
        found = collections_named(names)
        missing = sorted({name for name in names if name.lower() not in found})
        if missing:
            raise forms.ValidationError(f"No collection at {', '.join(missing)}.")
        return frozenset().union(*(with_rounds(collection) for collection in found.values()))

    def query(self, visibility: Visibility) -> SearchQuery:
        data = self.cleaned_data
        complete = {"complete": True, "wip": False}.get(data.get("complete") or "")
        return SearchQuery(
            text=data.get("q") or "",
            title=data.get("title") or "",
            include_tag_ids=frozenset([*(data.get("include") or ()), *data["other_tags"]]),
            exclude_tag_ids=frozenset([*(data.get("exclude") or ()), *data["excluded_tags"]]),
            creator_ids=frozenset(data["creators"]),
            collection_ids=data["collections"],
            crossovers=Crossovers(data.get("crossovers") or Crossovers.INCLUDE.value),
            complete=complete,
            single_chapter=bool(data.get("single_chapter")),
            words=Range(data.get("words_from"), data.get("words_to")),
            kudos=Range(data.get("kudos_from"), data.get("kudos_to")),
            hits=Range(data.get("hits_from"), data.get("hits_to")),
            comments=Range(data.get("comments_from"), data.get("comments_to")),
            bookmarks=Range(data.get("bookmarks_from"), data.get("bookmarks_to")),
            updated=DateRange(data.get("updated_from"), data.get("updated_to")),
            language=data.get("language") or "",
            sort=Sort(data.get("sort") or Sort.BEST_MATCH.value),
            page=data.get("page") or 1,
            per_page=PER_PAGE,
            visibility=visibility,
        )


def _tag_ids(value: str) -> list[int]:
    """Typed tag names as the tags works are filed under (a synonym means its canonical)."""
    names = names_in(value)
    tags = tags_named(names)
    missing = {name.lower() for name in names} - {tag.name.lower() for tag in tags}
    if missing:
        raise forms.ValidationError(f"No tag named {', '.join(sorted(missing))}.")
    return [tag.merger_id or tag.pk for tag in tags]
