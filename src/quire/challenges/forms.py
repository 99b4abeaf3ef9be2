"""The challenge forms: settings, sign-ups (one PromptForm per request or offer), the tag
set and nominations, and the maintainers' small forms (pairs, pinch hits, fills).

They check what was typed and hand the actions plain values (ChallengeSettings,
SignUpDetails); the rules a sign-up must follow are quire.core.challenges, whose
problems come back to the field they name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from quire.challenges.actions import ChallengeSettings, PromptDetails, SignUpDetails
from quire.challenges.models import Challenge, Prompt, SignUp
from quire.collections.forms import moment_field
from quire.collections.models import Collection, CollectionKind
from quire.core.challenges import (
    CHALLENGE_TAG_TYPES,
    NOMINATABLE,
    PROMPTS_MAX,
    TAGS_MAX,
    ChallengeRules,
    Problem,
    PromptEntry,
    Side,
    TagRule,
    prompt_label,
    rules_problems,
    signup_problems,
)
from quire.core.composing import editable_text
from quire.core.matching import ALL
from quire.core.tags import TagType
from quire.tags.queries import tags_named
from quire.works.forms import TagNamesField, TextBox
from quire.works.models import Work

MATCH_CHOICES = [(0, "None"), (1, "1"), (2, "2"), (3, "3"), (ALL, "All")]
PROMPTS_CHOICES = [(number, str(number)) for number in range(1, 6)] + [(ALL, "All")]


def _count(label: str, *, initial: int = 1, low: int = 0, high: int = PROMPTS_MAX) -> forms.Field:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        initial=initial,
        widget=forms.NumberInput(attrs={"class": "number-input"}),
    )


SETTING_NAMES = [field.name for field in fields(ChallengeSettings) if field.name != "tag_rules"]
"""The settings the form has a field of the same name for (a meme's, fewer)."""

RULE_COLUMNS = (
    ("request_required", "Requests need"),
    ("request_allowed", "Requests may have"),
    ("offer_required", "Offers need"),
    ("offer_allowed", "Offers may have"),
)


class ChallengeSettingsForm(forms.Form):
    """A challenge's settings; a prompt meme's leave out offers, matching and due dates."""

    signups_open = forms.BooleanField(label="Sign-ups are open", required=False)
    signups_open_at = moment_field("Sign-ups open on", "UTC. Leave empty to open them now.")
    signups_close_at = moment_field("Sign-ups close on", "UTC. Leave empty to close them by hand.")
    assignments_due_at = moment_field("Assignments are due on", "UTC.")
    works_reveal_at = moment_field(
        "Reveal works on", "UTC. The collection's unrevealed works show then."
    )
    creators_reveal_at = moment_field(
        "Reveal creators on", "UTC. Anonymous works are credited then."
    )
    requests_min = _count("Requests: at least")
    requests_max = _count("Requests: at most")
    offers_min = _count("Offers: at least")
    offers_max = _count("Offers: at most")
    prompts_required = forms.TypedChoiceField(
        label="Requests a giver must be able to fill",
        choices=PROMPTS_CHOICES,
        coerce=int,
        initial=1,
    )
    summary_public = forms.BooleanField(
        label="Participants may see the sign-up summary", required=False
    )
    nominations_open = forms.BooleanField(
        label="Nominations for the tag set are open", required=False
    )
    nominations_max = _count("Nominations per participant and tag type", initial=3, high=50)
    reminder_days = _count("Remind givers this many days before the due date", initial=3, high=60)
    instructions = TextBox(
        label="Sign-up instructions", max_length=5000, rows=4, help_text="HTML is allowed."
    )

    def __init__(self, *args: Any, collection: Collection, new: bool, **kwargs: Any) -> None:
        """`new`: the challenge is being set up (a new exchange will hide its works)."""
        super().__init__(*args, **kwargs)
        self.collection = collection
        self.meme = collection.kind == CollectionKind.PROMPT_MEME
        hidden_from_now = new and not self.meme
        self.unrevealed = collection.unrevealed or hidden_from_now
        self.anonymous = collection.anonymous or hidden_from_now
        if self.meme:
            for name in (
                "offers_min",
                "offers_max",
                "prompts_required",
                "summary_public",
                "assignments_due_at",
                "reminder_days",
            ):
                del self.fields[name]
            self.fields["requests_min"].label = "Prompts per sign-up: at least"
            self.fields["requests_max"].label = "Prompts per sign-up: at most"
        columns = RULE_COLUMNS[:2] if self.meme else RULE_COLUMNS
        for tag_type in CHALLENGE_TAG_TYPES:
            name = tag_type.plural_label
            for column, label in columns:
                said = label.replace("Requests", "Prompts") if self.meme else label
                self.fields[f"{tag_type.value}_{column}"] = _count(
                    f"{name}: {said.lower()}", initial=0, high=TAGS_MAX
                )
            self.fields[f"{tag_type.value}_any_allowed"] = forms.BooleanField(
                label=f'{name}: "Any" allowed', required=False
            )
            self.fields[f"{tag_type.value}_optional_allowed"] = forms.BooleanField(
                label=f"{name}: optional tags allowed", required=False
            )
            if not self.meme:
                self.fields[f"{tag_type.value}_match_required"] = forms.TypedChoiceField(
                    label=f"{name}: tags a match must share",
                    choices=MATCH_CHOICES,
                    coerce=int,
                    initial=0,
                )

    @property
    def rule_rows(self) -> list[dict[str, Any]]:
        """The per-type fields, a row per tag type, for the settings table."""
        rows = []
        for tag_type in CHALLENGE_TAG_TYPES:
            prefix = f"{tag_type.value}_"
            rows.append(
                {
                    "label": tag_type.plural_label,
                    "fields": [self[name] for name in self.fields if name.startswith(prefix)],
                }
            )
        return rows

    @property
    def rule_headings(self) -> list[str]:
        if self.meme:
            headings = ["Prompts need", "Prompts may have"]
        else:
            headings = [label for _, label in RULE_COLUMNS]
        headings += ['"Any"', "Optional tags"]
        return headings if self.meme else [*headings, "Must share"]

    @staticmethod
    def initial_for(
        challenge: Challenge | None, collection: Collection, tag_rules: dict[TagType, TagRule]
    ) -> dict[str, object]:
        initial: dict[str, object] = {
            "works_reveal_at": collection.works_reveal_at,
            "creators_reveal_at": collection.creators_reveal_at,
        }
        if challenge is not None:
            for name in SETTING_NAMES:
                if name not in ("instructions", "works_reveal_at", "creators_reveal_at"):
                    initial[name] = getattr(challenge, name)
            initial["instructions"] = editable_text(challenge.instructions)
        for tag_type, rule in tag_rules.items():
            for column in (
                "request_required",
                "request_allowed",
                "offer_required",
                "offer_allowed",
                "any_allowed",
                "optional_allowed",
                "match_required",
            ):
                initial[f"{tag_type.value}_{column}"] = getattr(rule, column)
        return initial

    def tag_rules(self) -> dict[TagType, TagRule]:
        data = self.cleaned_data
        rules = {}
        for tag_type in CHALLENGE_TAG_TYPES:
            prefix = tag_type.value
            rules[tag_type] = TagRule(
                request_required=data.get(f"{prefix}_request_required") or 0,
                request_allowed=data.get(f"{prefix}_request_allowed") or 0,
                offer_required=data.get(f"{prefix}_offer_required") or 0,
                offer_allowed=data.get(f"{prefix}_offer_allowed") or 0,
                any_allowed=bool(data.get(f"{prefix}_any_allowed")),
                optional_allowed=bool(data.get(f"{prefix}_optional_allowed")),
                match_required=data.get(f"{prefix}_match_required") or 0,
            )
        return rules

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        for side in ("requests", "offers"):
            low, high = data.get(f"{side}_min"), data.get(f"{side}_max")
            if low is not None and high is not None and high < low:
                self.add_error(f"{side}_max", "Allow at least as many as you ask for.")
        opens, closes = data.get("signups_open_at"), data.get("signups_close_at")
        if opens and closes and closes <= opens:
            self.add_error("signups_close_at", "Close sign-ups after they open.")
        if data.get("works_reveal_at") and not self.unrevealed:
            self.add_error(
                "works_reveal_at",
                "The collection does not keep its works unrevealed: change that in its "
                "settings first, or leave this empty.",
            )
        if data.get("creators_reveal_at") and not self.anonymous:
            self.add_error(
                "creators_reveal_at",
                "The collection does not keep its creators anonymous: change that in its "
                "settings first, or leave this empty.",
            )
        rules = ChallengeRules(
            tag_rules=self.tag_rules(),
            requests_max=data.get("requests_max") or 1,
            prompts_required=data.get("prompts_required") or 1,
            offers_taken=not self.meme,
        )
        for problem in rules_problems(rules):
            self.add_error(None, problem)
        return data

    def settings(self) -> ChallengeSettings:
        data = self.cleaned_data
        given = {name: data[name] for name in SETTING_NAMES if name in data}
        return ChallengeSettings(**given, tag_rules=self.tag_rules())


# Sign-ups


class PromptForm(forms.Form):
    """One request, offer or meme prompt: a tag field (and "any", optional tags) for each
    tag type the challenge uses, a description and a link."""

    title = forms.CharField(label="Title", required=False, max_length=255)
    description = TextBox(
        label="Description", max_length=5000, rows=3, help_text="HTML is allowed."
    )
    url = forms.URLField(
        label="Link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="An address with more about it.",
    )
    anonymous = forms.BooleanField(
        label="Post this prompt anonymously",
        required=False,
        help_text="Only the maintainers will know it is yours.",
    )

    def __init__(
        self,
        *args: Any,
        side: Side,
        number: int,
        rules: ChallengeRules,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", f"{side.value}-{number}")
        super().__init__(*args, **kwargs)
        self.side, self.number, self.rules = side, number, rules
        self.label = prompt_label(side, number, offers_taken=rules.offers_taken)
        fewest, _ = rules.prompt_range(side)
        self.needed = number <= fewest
        if rules.offers_taken:
            del self.fields["title"]
            del self.fields["anonymous"]
        self.tag_types = rules.used_types(side)
        for tag_type in self.tag_types:
            rule = rules.rule(tag_type)
            required, allowed = rule.required(side), rule.allowed(side)
            limit = f"at least {required}, at most {allowed}" if required else f"up to {allowed}"
            limited = " from the tag set" if rules.tag_set.get(tag_type) else ""
            self.fields[tag_type.value] = TagNamesField(
                tag_type, label=tag_type.plural_label, help_text=f"Choose {limit}{limited}."
            )
            if rule.any_allowed:
                self.fields[f"{tag_type.value}_any"] = forms.BooleanField(
                    label=f"Any {tag_type.label.lower()}", required=False
                )
            if rule.optional_allowed:
                self.fields[f"optional_{tag_type.value}"] = TagNamesField(
                    tag_type,
                    label=f"Optional {tag_type.plural_label.lower()}",
                    help_text="Welcome, not required to match.",
                )

    @property
    def tag_rows(self) -> list[list[forms.BoundField]]:
        """Each tag type's fields together: the names, "any", the optional names."""
        return [
            [
                self[name]
                for name in (tag_type.value, f"{tag_type.value}_any", f"optional_{tag_type.value}")
                if name in self.fields
            ]
            for tag_type in self.tag_types
        ]

    @staticmethod
    def initial_for(prompt: Prompt) -> dict[str, object]:
        initial: dict[str, object] = {
            "title": prompt.title,
            "description": editable_text(prompt.description),
            "url": prompt.url,
            "anonymous": prompt.anonymous,
        }
        for tag_type in CHALLENGE_TAG_TYPES:
            initial[tag_type.value] = ", ".join(tag.name for tag in prompt.tags_of(tag_type))
            initial[f"optional_{tag_type.value}"] = ", ".join(
                tag.name for tag in prompt.tags_of(tag_type, optional=True)
            )
            initial[f"{tag_type.value}_any"] = prompt.wants_any(tag_type)
        return initial

    def is_blank(self) -> bool:
        """Nothing typed or ticked: an optional prompt left out."""
        if not self.is_bound:
            return True
        return not any(
            str(value).strip()
            for key, value in self.data.items()
            if key.startswith(f"{self.prefix}-")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for tag_type in self.tag_types:
            for field in (tag_type.value, f"optional_{tag_type.value}"):
                for tag in tags_named(data.get(field) or []):
                    if tag.type != tag_type:
                        self.add_error(
                            field,
                            f'{self.label}: "{tag.name}" is already a tag of another type '
                            f"({tag.tag_type.label}).",
                        )
        return data

    def details(self) -> PromptDetails:
        data = self.cleaned_data
        entry = PromptEntry(
            side=self.side,
            number=self.number,
            tags={tag_type: data.get(tag_type.value) or [] for tag_type in self.tag_types},
            optional_tags={
                tag_type: data.get(f"optional_{tag_type.value}") or []
                for tag_type in self.tag_types
            },
            any_types=frozenset(
                tag_type for tag_type in self.tag_types if data.get(f"{tag_type.value}_any")
            ),
            description=data.get("description") or "",
            url=data.get("url") or "",
        )
        return PromptDetails(
            entry, title=data.get("title") or "", anonymous=bool(data.get("anonymous"))
        )


class SignUpForm(forms.Form):
    """A whole sign-up: its prompt forms, each side's as many as the challenge allows
    (blank ones beyond the required number are left out), and "I can pinch hit"."""

    pinch_hitter = forms.BooleanField(
        label="I can pinch hit",
        required=False,
        help_text="If someone's giver can't make it, the maintainers may ask you to step in.",
    )

    def __init__(
        self,
        data: Any = None,
        *,
        rules: ChallengeRules,
        signup: SignUp | None = None,
    ) -> None:
        initial = {"pinch_hitter": signup.pinch_hitter} if signup is not None else None
        super().__init__(data, initial=initial)
        self.rules = rules
        if not rules.offers_taken:
            del self.fields["pinch_hitter"]
        self.sides: list[tuple[Side, list[PromptForm]]] = []
        for side in (Side.REQUEST, Side.OFFER):
            existing = signup.prompts_of(side) if signup is not None else []
            _, most = rules.prompt_range(side)
            prompt_forms = [
                PromptForm(
                    data,
                    side=side,
                    number=number,
                    rules=rules,
                    initial=(
                        PromptForm.initial_for(existing[number - 1])
                        if number <= len(existing)
                        else None
                    ),
                )
                for number in range(1, max(most, len(existing)) + 1)
            ]
            if prompt_forms:
                self.sides.append((side, prompt_forms))

    def prompt_forms(self) -> Iterable[PromptForm]:
        for _, prompt_forms in self.sides:
            yield from prompt_forms

    def _filled(self, side: Side) -> list[PromptForm]:
        forms_of_side = next((found for chosen, found in self.sides if chosen == side), [])
        return [form for form in forms_of_side if form.needed or not form.is_blank()]

    def is_valid(self) -> bool:
        """Every prompt's fields, then the challenge's rules over all of them, so every
        problem shows at once."""
        valid = super().is_valid()
        for form in self._filled(Side.REQUEST) + self._filled(Side.OFFER):
            valid = form.is_valid() and valid
        details = self.details()
        problems = signup_problems(
            [prompt.entry for prompt in details.requests],
            [prompt.entry for prompt in details.offers],
            self.rules,
        )
        self.add_problems(problems)
        return valid and not problems

    def details(self) -> SignUpDetails:
        return SignUpDetails(
            requests=[form.details() for form in self._filled(Side.REQUEST)],
            offers=[form.details() for form in self._filled(Side.OFFER)],
            pinch_hitter=bool(self.cleaned_data.get("pinch_hitter")),
        )

    def add_problems(self, problems: Sequence[Problem]) -> None:
        """The rules' problems, each on the field it names (the sign-up's own on top)."""
        by_prompt = {(form.side, form.number): form for form in self.prompt_forms()}
        for problem in problems:
            form = by_prompt.get((problem.side, problem.number)) if problem.side else None
            if form is None:
                self.add_error(None, problem.message)
            elif problem.field in form.fields:
                form.add_error(problem.field, problem.message)
            else:
                form.add_error(None, problem.message)

    def error_summary(self) -> list[dict[str, str]]:
        return error_summary([self, *self.prompt_forms()])


def error_summary(bound_forms: Iterable[forms.Form]) -> list[dict[str, str]]:
    """Every problem on the page for the summary at its top, each linked to its field and
    named by it ("Request 2 · Characters: choose at least 1 character.")."""
    summary = []
    for form in bound_forms:
        if not form.is_bound:
            continue
        named = getattr(form, "label", "")
        for name, errors in form.errors.items():
            for error in errors:
                text = str(error).removeprefix(f"{named}: ") if named else str(error)
                if name == "__all__":
                    message = f"{named}: {text}" if named else text
                    summary.append({"label": "", "message": message, "id": ""})
                    continue
                label = " · ".join(part for part in (named, str(form[name].label)) if part)
                summary.append({"label": label, "message": text, "id": form[name].auto_id})
    return summary


# The tag set


class TagSetForm(forms.Form):
    """The tag set, a field per type: names typed there are the only ones prompts may use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for tag_type in CHALLENGE_TAG_TYPES:
            self.fields[tag_type.value] = TagNamesField(
                tag_type, label=tag_type.plural_label, help_text="Empty: any tag of this type."
            )

    def names(self) -> dict[TagType, list[str]]:
        return {tag_type: self.cleaned_data[tag_type.value] for tag_type in CHALLENGE_TAG_TYPES}


class NominationForm(forms.Form):
    tag_type = forms.TypedChoiceField(
        label="Type",
        choices=[(tag_type.value, tag_type.label) for tag_type in NOMINATABLE],
        coerce=TagType,
    )
    name = forms.CharField(label="Tag", max_length=150)
    fandom = forms.CharField(
        label="Its fandom",
        required=False,
        max_length=150,
        help_text="For a character or relationship.",
    )


# The maintainers' small forms


class PairForm(forms.Form):
    """A maintainer's pair: the giver for a recipient (or the recipient for a giver)."""

    giver = forms.ModelChoiceField(queryset=SignUp.objects.none(), label="Giver")
    recipient = forms.ModelChoiceField(queryset=SignUp.objects.none(), label="Recipient")

    def __init__(self, *args: Any, challenge: Challenge, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("giver", "recipient"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = challenge.signups.all()


class PinchHitForm(forms.Form):
    recipient = forms.ModelChoiceField(queryset=SignUp.objects.none(), label="Recipient")
    hitter = forms.CharField(
        label="Pinch hitter", max_length=150, help_text="A volunteer, or any member's username."
    )

    def __init__(self, *args: Any, challenge: Challenge, members: Iterable[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = challenge.signups.all()
        self.members = {member.username.lower(): member for member in members}

    def clean_hitter(self) -> Any:
        name = str(self.cleaned_data["hitter"]).strip()
        member = self.members.get(name.lower())
        if member is None:
            raise ValidationError(f'"{name}" is not a member of this collection.')
        return member


class FillForm(forms.Form):
    """A giver's or claimant's work in the collection, named as the fill."""

    work = forms.ModelChoiceField(
        queryset=Work.objects.none(), label="Your work", empty_label="Choose one of your works"
    )

    def __init__(self, *args: Any, works: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["work"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = works


class PromptFilterForm(forms.Form):
    """The prompt meme's filters (GET)."""

    fandom = forms.ChoiceField(label="Fandom", required=False)
    claimed = forms.ChoiceField(
        label="Claimed",
        required=False,
        choices=[("", "Claimed or not"), ("yes", "Claimed"), ("no", "Unclaimed")],
    )
    filled = forms.ChoiceField(
        label="Filled",
        required=False,
        choices=[("", "Filled or not"), ("yes", "Filled"), ("no", "Not filled yet")],
    )

    def __init__(self, *args: Any, fandoms: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fandom"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Every fandom"), *((name, name) for name in fandoms)]
