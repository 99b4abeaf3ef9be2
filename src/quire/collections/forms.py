"""The collection forms: a collection's settings, adding a member, and the index filters.

They check what was typed and hand the actions plain values (CollectionDetails); the
rules themselves (addresses, rounds, who may do what) are quire.core.collections.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from quire.collections import queries
from quire.collections.actions import CollectionDetails
from quire.collections.models import Collection, CollectionKind, Role
from quire.core.collections import NAME_MAX, TITLE_MAX, name_problem
from quire.core.composing import editable_text
from quire.people.models import User
from quire.people.queries import user_named
from quire.works.forms import TextBox

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def moment_field(label: str, help_text: str) -> forms.DateTimeField:
    """An optional date and time picked in the browser's own control (reveal dates,
    sign-up and due dates of challenges)."""
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class CollectionForm(forms.Form):
    """A collection's settings; the address and the parent only when it is created."""

    name = forms.CharField(
        label="Address",
        max_length=NAME_MAX,
        help_text="Letters, digits, “_” and “-”: the collection lives at /collections/ADDRESS/. "
        "It cannot be changed later.",
        error_messages={"required": "Give the collection an address."},
    )
    title = forms.CharField(
        max_length=TITLE_MAX, error_messages={"required": "Give the collection a title."}
    )
    parent = forms.ChoiceField(
        label="Part of",
        required=False,
        help_text="Make this a round of a collection you maintain (one level deep).",
    )
    kind = forms.ChoiceField(label="Kind", choices=CollectionKind.choices, initial="collection")
    description = TextBox(label="Description", max_length=5000, help_text="HTML is allowed.")
    rules = TextBox(label="Rules", max_length=5000, help_text="What belongs here. HTML is allowed.")
    open = forms.BooleanField(
        label="Open: members may add their works", required=False, initial=True
    )
    moderated = forms.BooleanField(
        label="Moderated: new works wait for a maintainer's approval", required=False
    )
    anonymous = forms.BooleanField(
        label="Anonymous: creators are hidden until revealed", required=False
    )
    unrevealed = forms.BooleanField(
        label="Unrevealed: works are hidden until revealed", required=False
    )
    works_reveal_at = moment_field(
        "Reveal works on", "UTC. Unrevealed works show everywhere from then on."
    )
    creators_reveal_at = moment_field(
        "Reveal creators on", "UTC. Anonymous works show their creators from then on."
    )

    def __init__(
        self, *args: Any, owner: User, collection: Collection | None = None, **kwargs: Any
    ):
        if collection is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(collection)
        super().__init__(*args, **kwargs)
        self.collection = collection
        if collection is not None:
            del self.fields["name"]
            del self.fields["parent"]
            return
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ChoiceField)
        parent.choices = [
            ("", "No: a collection of its own"),
            *(
                (str(own.pk), own.title)
                for own in queries.maintained_by(owner).filter(parent__isnull=True)
            ),
        ]
        if len(parent.choices) == 1:
            del self.fields["parent"]

    @staticmethod
    def initial_for(collection: Collection) -> dict[str, object]:
        return {
            "title": collection.title,
            "kind": collection.kind,
            "description": editable_text(collection.description),
            "rules": editable_text(collection.rules),
            "open": collection.open,
            "moderated": collection.moderated,
            "anonymous": collection.anonymous,
            "unrevealed": collection.unrevealed,
            "works_reveal_at": collection.works_reveal_at,
            "creators_reveal_at": collection.creators_reveal_at,
        }

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        problem = name_problem(name)
        if problem is None and queries.collection_named(name) is not None:
            problem = f"The address “{name}” is taken: choose another."
        if problem is not None:
            raise ValidationError(problem)
        return name

    def clean_parent(self) -> Collection | None:
        value = str(self.cleaned_data.get("parent") or "")
        return Collection.objects.get(pk=int(value)) if value else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("works_reveal_at") and not data.get("unrevealed"):
            self.add_error(
                "works_reveal_at", "Tick “Unrevealed” too, or leave the reveal date empty."
            )
        if data.get("creators_reveal_at") and not data.get("anonymous"):
            self.add_error(
                "creators_reveal_at", "Tick “Anonymous” too, or leave the reveal date empty."
            )
        return data

    def details(self) -> CollectionDetails:
        data = self.cleaned_data
        return CollectionDetails(
            title=data["title"],
            description=data["description"],
            rules=data["rules"],
            kind=data["kind"],
            open=data["open"],
            moderated=data["moderated"],
            anonymous=data["anonymous"],
            unrevealed=data["unrevealed"],
            works_reveal_at=data["works_reveal_at"],
            creators_reveal_at=data["creators_reveal_at"],
        )


class MemberForm(forms.Form):
    """Add a member, or give one another role."""

    username = forms.CharField(label="Username", max_length=150)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MEMBER)

    def clean_username(self) -> User:
        name = str(self.cleaned_data["username"]).strip()
        user = user_named(name)
        if user is None or user.is_placeholder or not user.is_active:
            raise ValidationError(f"There is no member named “{name}”.")
        return user


class IndexFilters(forms.Form):
    """The collections index's filters (GET)."""

    title = forms.CharField(label="Title", required=False, max_length=255)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *CollectionKind.choices]
    )
    status = forms.ChoiceField(
        label="Open or closed",
        required=False,
        choices=[("", "Open or closed"), ("open", "Open"), ("closed", "Closed")],
    )
