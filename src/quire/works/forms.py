"""The posting forms: a work's metadata (WorkForm) and one chapter (ChapterForm).

They check what was typed against AO3's rules (quire.core.composing) and the
archive (names of members, pseuds, series and works), and hand the actions
plain values (WorkDetails, ChapterText); they store nothing themselves.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse_lazy

from quire.collections.actions import creator_addition_problem
from quire.collections.models import Collection
from quire.collections.queries import collections_named, current_collections
from quire.community.queries import blockers_among
from quire.core.composing import (
    CHAPTER_MAX,
    NOTES_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    TextFormat,
    chapter_html,
    editable_text,
    is_blank_html,
    parse_expected_chapters,
    tag_name_problem,
    user_tag_problems,
)
from quire.core.tags import CATEGORIES, RATINGS, WARNINGS, TagType, display_name
from quire.people.models import Pseud, User
from quire.permissions import viewer_for
from quire.tags.forms import names_in
from quire.tags.queries import tags_named
from quire.works import queries
from quire.works.actions import ChapterText, InspirationLink, WorkDetails
from quire.works.models import COMMENT_PERMISSIONS, Series, Work
from quire.works.templatetags.quire_works import language_name

NEW_SERIES = "new"

TAG_FIELDS = {
    "fandoms": TagType.FANDOM,
    "relationships": TagType.RELATIONSHIP,
    "characters": TagType.CHARACTER,
    "freeforms": TagType.FREEFORM,
}
"""The typed tag fields, each with the tag type its names become."""

CHOSEN_TAG_FIELDS = {
    "rating": TagType.RATING,
    "warnings": TagType.WARNING,
    "categories": TagType.CATEGORY,
}
"""The tags chosen from AO3's fixed lists."""

_LOCAL_WORK_PATH = re.compile(r"^/works/(\d+)(?:/.*)?$")


class TextBox(forms.CharField):
    """A textarea's text with the browser's CRLF line ends made LF, so the length limit
    counts what the writer saw (a browser's own maxlength counts a line end once)."""

    def __init__(self, *, rows: int = 6, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).replace("\r\n", "\n").replace("\r", "\n")


class TagNamesField(forms.CharField):
    """Comma-separated tag names with the archive's autocompletion; cleans to a list."""

    def __init__(self, tag_type: TagType, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        self.tag_type = tag_type
        attrs = {
            "data-autocomplete": reverse_lazy("tags:autocomplete"),
            "data-type": tag_type.value,
            "data-multiple": "",
            "autocomplete": "off",
            "autocapitalize": "off",
        }
        super().__init__(widget=forms.TextInput(attrs=attrs), **kwargs)

    def clean(self, value: Any) -> list[str]:
        names = names_in(str(super().clean(value) or ""))
        problems = [problem for name in names if (problem := tag_name_problem(name))]
        if problems:
            raise ValidationError(problems)
        return list(dict.fromkeys(names))


def _language_choices() -> list[tuple[str, str]]:
    """Every language Django knows, by its own name ("Français"), English first."""
    named = sorted(
        ((code, language_name(code)) for code, _ in settings.LANGUAGES),
        key=lambda pair: pair[1].casefold(),
    )
    return [("en", language_name("en")), *(pair for pair in named if pair[0] != "en")]


def expected_chapters_field() -> forms.CharField:
    return forms.CharField(
        label="Planned chapters",
        required=False,
        max_length=6,
        initial="?",
        help_text='How many chapters you plan; "?" if you do not know yet.',
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )


class WorkForm(forms.Form):
    """A work's metadata, as on AO3's posting form: the required tags first."""

    rating = forms.ChoiceField(
        choices=[(rating, rating) for rating in RATINGS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating."},
    )
    warnings = forms.MultipleChoiceField(
        label="Archive warnings",
        choices=[(warning, display_name(warning)) for warning in WARNINGS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one archive warning."},
    )
    categories = forms.MultipleChoiceField(
        choices=[(category, category) for category in CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    fandoms = TagNamesField(
        TagType.FANDOM,
        required=True,
        error_messages={"required": "Name at least one fandom."},
        help_text="Separate tags with commas.",
    )
    relationships = TagNamesField(
        TagType.RELATIONSHIP, help_text='"A/B" for a romance, "A & B" for a friendship.'
    )
    characters = TagNamesField(TagType.CHARACTER)
    freeforms = TagNamesField(TagType.FREEFORM, label="Additional tags")

    title = forms.CharField(
        max_length=TITLE_MAX, error_messages={"required": "Give the work a title."}
    )
    pseuds = forms.ModelMultipleChoiceField(
        label="Creators",
        queryset=Pseud.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Credit the work to at least one of your pseuds."},
    )
    co_creators = forms.CharField(
        label="Invite co-creators",
        required=False,
        help_text='Other members\' pseuds, separated by commas; write "Pseud (username)" when '
        "a name is shared. They are credited once they accept.",
    )
    summary = TextBox(max_length=SUMMARY_MAX, rows=5, help_text="HTML is allowed.")
    notes = TextBox(max_length=NOTES_MAX, label="Notes", help_text="Shown before the work.")
    end_notes = TextBox(max_length=NOTES_MAX, label="End notes", help_text="Shown after it.")

    gift_to = forms.CharField(
        label="Gift this work to",
        required=False,
        help_text="Usernames, separated by commas. Each recipient may refuse the gift.",
    )
    inspired_by = forms.CharField(
        label="Inspired by",
        required=False,
        max_length=500,
        help_text="A work on this archive (its address or number), or the address of one "
        "elsewhere.",
    )
    inspired_by_title = forms.CharField(
        label="Its title", required=False, max_length=255, help_text="For a work elsewhere."
    )
    inspired_by_author = forms.CharField(
        label="Its creator", required=False, max_length=255, help_text="For a work elsewhere."
    )
    collections = forms.CharField(
        label="Post to collections",
        required=False,
        max_length=1000,
        help_text="Collection addresses, separated by commas. A moderated collection holds "
        "the work until its maintainers approve it.",
    )
    series = forms.ChoiceField(label="Add to a series", required=False)
    new_series_title = forms.CharField(
        label="New series title", required=False, max_length=TITLE_MAX
    )
    series_position = forms.IntegerField(
        label="Part number",
        required=False,
        min_value=1,
        max_value=10_000,
        help_text="Leave empty to add it at the end.",
    )
    leave_series = forms.ModelMultipleChoiceField(
        label="Remove from",
        queryset=Series.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    language = forms.ChoiceField(choices=_language_choices, initial="en")
    expected_chapters = expected_chapters_field()

    restricted = forms.BooleanField(
        label="Only show to signed-in members", required=False, help_text="Guests will not see it."
    )
    comment_permission = forms.ChoiceField(
        label="Who may comment",
        choices=COMMENT_PERMISSIONS,
        widget=forms.RadioSelect,
        initial="everyone",
    )
    moderated_comments = forms.BooleanField(
        label="Hold new comments until a creator approves them", required=False
    )

    def __init__(
        self,
        *args: Any,
        author: User,
        work: Work | None = None,
        site_host: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.author = author
        self.work = work
        self.site_host = site_host.lower()
        pseuds = self.fields["pseuds"]
        assert isinstance(pseuds, forms.ModelMultipleChoiceField)
        pseuds.queryset = author.pseuds.order_by("-is_default", "name")
        pseuds.initial = [author.default_pseud.pk] if work is None else None
        series = self.fields["series"]
        assert isinstance(series, forms.ChoiceField)
        series.choices = [
            ("", "Not in a series"),
            *((str(own.pk), own.title) for own in queries.own_series(author)),
            (NEW_SERIES, "A new series…"),
        ]
        if work is None:
            del self.fields["leave_series"]
        else:
            leaving = self.fields["leave_series"]
            assert isinstance(leaving, forms.ModelMultipleChoiceField)
            leaving.queryset = Series.objects.filter(parts__work=work).order_by("title")
            if not leaving.queryset.exists():
                del self.fields["leave_series"]

    @classmethod
    def initial_for(cls, work: Work, author: User) -> dict[str, object]:
        """The form's values for an existing work, as its creator would type them."""
        tags = {field: work.tags_of_type(tag_type) for field, tag_type in TAG_FIELDS.items()}
        inspiration = work.inspirations.select_related("parent").first()
        ratings = work.tags_of_type(TagType.RATING)
        return {
            "rating": ratings[0].name if ratings else "",
            "warnings": [tag.name for tag in work.tags_of_type(TagType.WARNING)],
            "categories": [tag.name for tag in work.tags_of_type(TagType.CATEGORY)],
            **{field: ", ".join(tag.name for tag in found) for field, found in tags.items()},
            "title": work.title,
            "pseuds": [pseud.pk for pseud in work.creator_pseuds if pseud.user_id == author.pk],
            "summary": editable_text(work.summary),
            "notes": editable_text(work.notes),
            "end_notes": editable_text(work.end_notes),
            "gift_to": ", ".join(
                gift.recipient.username
                for gift in work.gifts.filter(refused=False).select_related("recipient")
            ),
            "collections": ", ".join(collection.name for collection in current_collections(work)),
            "inspired_by": _inspiration_text(inspiration),
            "inspired_by_title": inspiration.title if inspiration else "",
            "inspired_by_author": inspiration.author if inspiration else "",
            "language": work.language,
            "expected_chapters": str(work.expected_chapters or "?"),
            "restricted": work.restricted,
            "comment_permission": work.comment_permission,
            "moderated_comments": work.moderated_comments,
        }

    def typed_tag_names(self) -> set[str]:
        """Every tag name the form holds now, valid or not (for marking suggestions)."""
        source = self.data if self.is_bound else self.initial
        names: set[str] = set()
        for field in TAG_FIELDS:
            names.update(names_in(str(source.get(field) or "")))
        for field in CHOSEN_TAG_FIELDS:
            value = source.getlist(field) if hasattr(source, "getlist") else source.get(field)
            names.update([value] if isinstance(value, str) else list(value or []))
        return names

    def clean_co_creators(self) -> list[Pseud]:
        found: list[Pseud] = []
        errors: list[str] = []
        for typed, pseuds in queries.pseuds_named(
            names_in(self.cleaned_data["co_creators"])
        ).items():
            mine = [pseud for pseud in pseuds if pseud.user_id == self.author.pk]
            others = [pseud for pseud in pseuds if pseud.user_id != self.author.pk]
            if mine and not others:
                errors.append(f'"{typed}" is your own pseud: tick it under Creators instead.')
            elif not others:
                errors.append(f'No member writes as "{typed}".')
            elif len(others) > 1:
                errors.append(
                    f'More than one member writes as "{typed}": write it as "{typed} (username)".'
                )
            else:
                found.append(others[0])
        blocking = blockers_among(self.author, [pseud.user_id for pseud in found])
        errors.extend(
            f'You cannot invite "{pseud.name}": they have blocked you.'
            for pseud in found
            if pseud.user_id in blocking
        )
        if errors:
            raise ValidationError(errors)
        return found

    def clean_gift_to(self) -> list[User]:
        names = names_in(self.cleaned_data["gift_to"])
        members = queries.members_named(names)
        missing = [name for name in names if name.lower() not in members]
        if missing:
            raise ValidationError(
                [f'There is no member named "{name}".' for name in missing], code="unknown"
            )
        if self.author.username.lower() in members:
            raise ValidationError("A gift is for someone else: leave your own name out.")
        recipients = list(dict.fromkeys(members[name.lower()] for name in names))
        blocking = blockers_among(self.author, [user.pk for user in recipients])
        if blocking:
            raise ValidationError(
                [
                    f'You cannot give a gift to "{user.username}": they have blocked you.'
                    for user in recipients
                    if user.pk in blocking
                ]
            )
        return recipients

    def clean_collections(self) -> list[Collection]:
        """The collections named; one the work is not in yet must take it from its creator
        (quire.core.collections: not closed, unless the creator maintains it)."""
        names = names_in(self.cleaned_data["collections"])
        found = collections_named(names)
        errors = [
            f"There is no collection at “{name}”." for name in names if name.lower() not in found
        ]
        present = {c.pk for c in current_collections(self.work)} if self.work else set()
        for collection in found.values():
            problem = (
                None
                if collection.pk in present
                else creator_addition_problem(collection, self.author)
            )
            if problem:
                errors.append(problem)
        if errors:
            raise ValidationError(errors)
        return list(found.values())

    def clean_expected_chapters(self) -> int | None:
        try:
            expected = parse_expected_chapters(self.cleaned_data["expected_chapters"])
        except ValueError as error:
            raise ValidationError(str(error)) from error
        existing = self.work.chapters.count() if self.work is not None else 1
        if expected is not None and expected < existing:
            raise ValidationError(
                f"This work already has {existing} chapters; plan at least that many."
            )
        return expected

    def clean_inspired_by(self) -> Work | str | None:
        """A work here (by number or by an address on this site), an address elsewhere, or
        nothing."""
        value = str(self.cleaned_data["inspired_by"]).strip()
        if not value:
            return None
        work_id = _local_work_id(value, self.site_host)
        if work_id is None:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                raise ValidationError(
                    "Give the address of the work that inspired this one, or its number on "
                    "this archive."
                ) from None
            return value
        parent = queries.visible_works(viewer_for(self.author)).filter(pk=work_id).first()
        if parent is None:
            raise ValidationError(f"There is no work {work_id} here that you can see.")
        if self.work is not None and parent.pk == self.work.pk:
            raise ValidationError("A work cannot be inspired by itself.")
        return parent

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = user_tag_problems(data.get(field) or [] for field in TAG_FIELDS)
        for problem in problems:
            self.add_error(None, problem)
        self._check_tag_types(data)
        if data.get("series") == NEW_SERIES and not data.get("new_series_title", "").strip():
            self.add_error("new_series_title", "Name the new series.")
        if isinstance(data.get("inspired_by"), str) and not data.get("inspired_by_title"):
            self.add_error("inspired_by_title", "Give the title of the work that inspired this.")
        return data

    def _check_tag_types(self, data: dict[str, Any]) -> None:
        """A typed name that is already a tag of another type is refused, as on AO3."""
        for field, tag_type in TAG_FIELDS.items():
            for tag in tags_named(data.get(field) or []):
                if tag.type != tag_type:
                    self.add_error(
                        field,
                        f'"{tag.name}" is already a tag of another type ({tag.tag_type.label}), '
                        "so it cannot be used here.",
                    )

    def clean_series(self) -> Series | str | None:
        value = str(self.cleaned_data["series"] or "")
        if not value or value == NEW_SERIES:
            return value or None
        return queries.own_series(self.author).get(pk=int(value))

    def details(self) -> WorkDetails:
        """What the actions store, from a valid form."""
        data = self.cleaned_data
        tags = {
            TagType.RATING: [data["rating"]],
            TagType.WARNING: list(data["warnings"]),
            TagType.CATEGORY: list(data["categories"]),
            **{tag_type: list(data[field]) for field, tag_type in TAG_FIELDS.items()},
        }
        inspired = data.get("inspired_by")
        if isinstance(inspired, Work):
            inspiration: InspirationLink | None = InspirationLink(parent=inspired)
        elif inspired:
            inspiration = InspirationLink(
                url=inspired, title=data["inspired_by_title"], author=data["inspired_by_author"]
            )
        else:
            inspiration = None
        series = data.get("series")
        return WorkDetails(
            title=data["title"],
            pseuds=list(data["pseuds"]),
            tags=tags,
            summary=data["summary"],
            notes=data["notes"],
            end_notes=data["end_notes"],
            language=data["language"],
            expected_chapters=data["expected_chapters"],
            restricted=data["restricted"],
            comment_permission=data["comment_permission"],
            moderated_comments=data["moderated_comments"],
            invite=data["co_creators"],
            gift_to=data["gift_to"],
            collections=data["collections"],
            inspiration=inspiration,
            series=series if isinstance(series, Series) else None,
            new_series_title=data["new_series_title"] if series == NEW_SERIES else "",
            series_position=data.get("series_position"),
            leave_series=list(data.get("leave_series") or []),
        )


def _inspiration_text(inspiration: Any) -> str:
    if inspiration is None:
        return ""
    if inspiration.parent_id is not None:
        return f"/works/{inspiration.parent_id}/"
    return str(inspiration.url)


def _local_work_id(value: str, site_host: str) -> int | None:
    """The work number `value` names on this archive: "12", "/works/12/", or an address
    on this site's host. None for anything else."""
    if value.isdigit():
        return int(value)
    parts = urlsplit(value)
    if parts.netloc and parts.netloc.lower() != site_host:
        return None
    if not parts.netloc and parts.scheme:
        return None
    found = _LOCAL_WORK_PATH.match(parts.path)
    return int(found.group(1)) if found else None


class ChapterForm(forms.Form):
    """One chapter's text and preface. Used with prefix "chapter" beside a WorkForm;
    `work` adds the planned-chapters field of the add and edit chapter pages."""

    title = forms.CharField(label="Chapter title", required=False, max_length=TITLE_MAX)
    summary = TextBox(label="Chapter summary", max_length=SUMMARY_MAX, rows=3)
    notes = TextBox(label="Chapter notes", max_length=NOTES_MAX, rows=3)
    end_notes = TextBox(label="Chapter end notes", max_length=NOTES_MAX, rows=3)
    text_format = forms.ChoiceField(
        label="Written in",
        choices=[(text_format.value, text_format.label) for text_format in TextFormat],
        widget=forms.RadioSelect,
        initial=TextFormat.HTML.value,
    )
    text = TextBox(
        label="Chapter text",
        required=True,
        max_length=CHAPTER_MAX,
        rows=22,
        error_messages={"required": "Write the chapter's text."},
    )
    expected_chapters = expected_chapters_field()

    def __init__(self, *args: Any, work: Work | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "chapter")
        super().__init__(*args, **kwargs)
        self.work = work
        if work is None:
            del self.fields["expected_chapters"]

    @classmethod
    def initial_for(cls, work: Work, chapter: Any | None = None) -> dict[str, object]:
        initial: dict[str, object] = {"expected_chapters": str(work.expected_chapters or "?")}
        if chapter is not None:
            markdown = chapter.text_format == TextFormat.MARKDOWN and chapter.source
            initial |= {
                "title": chapter.title,
                "summary": editable_text(chapter.summary),
                "notes": editable_text(chapter.notes),
                "end_notes": editable_text(chapter.end_notes),
                "text_format": TextFormat.MARKDOWN.value if markdown else TextFormat.HTML.value,
                "text": chapter.source if markdown else editable_text(chapter.content),
            }
        return initial

    def clean_expected_chapters(self) -> int | None:
        try:
            return parse_expected_chapters(self.cleaned_data["expected_chapters"])
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text, text_format = data.get("text"), data.get("text_format")
        if text and text_format and is_blank_html(chapter_html(text, TextFormat(text_format))):
            self.add_error("text", "Nothing is left of this text once unsafe HTML is removed.")
        return data

    def chapter_text(self) -> ChapterText:
        data = self.cleaned_data
        return ChapterText(
            text=data["text"],
            text_format=TextFormat(data["text_format"]),
            title=data["title"],
            summary=data["summary"],
            notes=data["notes"],
            end_notes=data["end_notes"],
        )

    def expected(self) -> int | None:
        return self.cleaned_data.get("expected_chapters")
