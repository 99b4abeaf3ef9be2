"""The upload form: a member's own files, read into drafts for them to review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from quire.imports.actions import UPLOAD_MAX_BYTES
from quire.people.models import Pseud, User


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files from one input (Django's documented way to accept them)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is reported by the importer with its name, like any bad file,
        # rather than refusing the whole upload.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[Any]]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    documents = FilesField(
        label="Files",
        help_text=(
            "HTML, text, Markdown and EPUB files, AO3 downloads, or a zip of them; "
            f"up to {UPLOAD_MAX_BYTES // (1024 * 1024)} MB in all."
        ),
        error_messages={"required": "Choose at least one file."},
    )
    pseud = forms.ModelChoiceField(
        label="Credit the works to",
        queryset=Pseud.objects.none(),
        empty_label=None,
        help_text="One of your pseuds. You can add co-creators when you review each work.",
    )

    def __init__(self, *args: Any, member: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pseud = self.fields["pseud"]
        assert isinstance(pseud, forms.ModelChoiceField)
        pseud.queryset = member.pseuds.order_by("-is_default", "name")
        pseud.initial = member.default_pseud.pk

    def clean_documents(self) -> list[UploadedFile[Any]]:
        files: list[UploadedFile[Any]] = self.cleaned_data["documents"]
        total = sum(upload.size or 0 for upload in files)
        if total > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"These files come to {total / (1024 * 1024):.1f} MB; the most one upload can "
                f"take is {UPLOAD_MAX_BYTES // (1024 * 1024)} MB. Upload them in parts."
            )
        return files
