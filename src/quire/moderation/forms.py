"""Forms for reporting and moderating: they check what was typed and say what to fix;
the writes are in quire.moderation.actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundWidget

from quire.core.moderation import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    SUSPENSION_DAYS_MAX,
    Action,
    Reason,
    Status,
    description_problem,
    note_problem,
)
from quire.moderation.targets import KINDS
from quire.people.models import User


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?",
        choices=[(reason.value, reason.label) for reason in Reason],
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label="Tell us more",
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=(
            "What should the admins look at, and where? Links and chapter numbers help. "
            f"Up to {DESCRIPTION_MAX:,} characters."
        ),
    )
    email = forms.EmailField(
        label="Your email address",
        help_text="Only the archive's admins see it, to answer you if they need to.",
    )

    def __init__(self, *args: Any, guest: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not guest:
            del self.fields["email"]
        else:
            self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_description(self) -> str:
        description = str(self.cleaned_data["description"])
        problem = description_problem(description)
        if problem:
            raise ValidationError(problem, code="description")
        return description.strip()

    def reason_options(self) -> list[tuple[BoundWidget, str]]:
        """Each reason's radio button with the line that explains it."""
        return [(radio, Reason(radio.data["value"]).help) for radio in self["reason"]]


def _any(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


def _offer(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    """Give a choice field the choices known only when the form is made."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.name, kind.label) for kind in KINDS.values()]


class QueueFiltersForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=_any("Any status", [(status.value, status.label) for status in Status]),
    )
    kind = forms.ChoiceField(label="Reported", required=False)
    reason = forms.ChoiceField(
        required=False,
        choices=_any("Any reason", [(reason.value, reason.label) for reason in Reason]),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "kind", _any("Anything", kind_choices()))


class ModerationForm(forms.Form):
    """One action on a reported thing: which, on whose account, for how long, and why."""

    action = forms.ChoiceField(label="Action", widget=forms.RadioSelect)
    member = forms.TypedChoiceField(label="Account", coerce=int, required=False)
    days = forms.IntegerField(
        label="Days of suspension",
        min_value=1,
        max_value=SUSPENSION_DAYS_MAX,
        required=False,
        help_text="Only for a suspension.",
    )
    note = forms.CharField(
        label="Note",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A reason shown to the member (hide, warn, suspend, ban) and kept in the log.",
    )

    def __init__(
        self, *args: Any, actions: list[Action], members: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "action", [(action.value, action.verb) for action in actions])
        _offer(self, "member", [(member.pk, member.username) for member in members])
        self.members = {member.pk: member for member in members}
        if len(members) == 1:
            self.fields["member"].initial = members[0].pk
            self.fields["member"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "action" not in data:
            return data
        action = Action(data["action"])
        data["action"] = action
        problem = note_problem(action, data.get("note") or "")
        if problem:
            self.add_error("note", problem)
        if action == Action.SUSPEND and not data.get("days"):
            self.add_error("days", "Say for how many days.")
        member_id = data.get("member")
        data["member"] = self.members.get(member_id) if member_id else None
        return data


class AuditFiltersForm(forms.Form):
    actor = forms.ChoiceField(label="By", required=False)
    action = forms.ChoiceField(
        required=False, choices=_any("Any action", [(a.value, a.label) for a in Action])
    )
    target_kind = forms.ChoiceField(label="On", required=False)
    target = forms.CharField(
        label="Target",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "An id or part of a name"}),
    )

    def __init__(self, *args: Any, actors: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "actor", _any("Anyone", [(name, name) for name in actors]))
        others = [("report", "Report"), ("settings", "Archive settings"), ("queue", "Queue")]
        _offer(self, "target_kind", _any("Anything", kind_choices() + others))


class FindAccountForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
