"""The comment form: the text, and who is commenting (a member's pseud, or a guest's
name and email address)."""

from __future__ import annotations

from typing import Any

from django import forms

from quire.core.comments import COMMENT_LIMIT
from quire.people.models import Pseud, User


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=COMMENT_LIMIT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Plain text, or HTML such as <i>, <b>, <a href>, <blockquote>;"
            f" at most {COMMENT_LIMIT:,} characters."
        ),
    )
    pseud = forms.ModelChoiceField(
        queryset=Pseud.objects.none(), empty_label=None, label="Comment as"
    )
    guest_name = forms.CharField(label="Name", max_length=100)
    guest_email = forms.EmailField(
        label="Email", help_text="Never shown to anyone; the archive's admins may use it."
    )

    def __init__(
        self, *args: Any, user: User | None, prefix_id: str = "comment", **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)
        if user is None:
            del self.fields["pseud"]
            self.several_pseuds = False
            return
        del self.fields["guest_name"]
        del self.fields["guest_email"]
        pseuds = list(user.pseuds.all())
        self.several_pseuds = len(pseuds) > 1
        if not self.several_pseuds:
            del self.fields["pseud"]  # the default pseud, without asking
            return
        field = self.fields["pseud"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = user.pseuds.all()
        if "pseud" not in self.initial:
            self.initial["pseud"] = next((p.pk for p in pseuds if p.is_default), None)


class EditCommentForm(forms.Form):
    text = CommentForm.base_fields["text"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "comment-%s")
        super().__init__(*args, **kwargs)
