"""Forms for accounts: they check what a person typed and say what to fix; the
writes themselves are in quire.people.actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from quire.core.accounts import USERNAME_MAX, username_problem
from quire.core.moderation import standing_message
from quire.people import queries, throttle
from quire.people.backends import find_account
from quire.people.models import ArchiveSettings, Invitation, Preferences, User
from quire.permissions import standing_of


def _minutes(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class LoginForm(AuthenticationForm):
    """Username or email and password, with the refusals spelled out: too many
    failures, an account whose email is not confirmed yet, or one that is banned or
    suspended."""

    error_messages = {
        "invalid_login": (
            "That username or email and password don't match an account here. "
            "Passwords are case-sensitive."
        ),
        "inactive": "This account is switched off.",
        "locked": (
            "Too many failed attempts to log in to this account, or from your network. "
            "Logging in is paused for %(wait)s; you can reset your password meanwhile."
        ),
        "unconfirmed": (
            "This account isn't confirmed yet: follow the link in the email we sent when "
            "you signed up, or ask for a new one."
        ),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.locked = False
        self.unconfirmed = False
        self.fields["username"].label = "Username or email"
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier is None or not password:
            return self.cleaned_data
        ip = throttle.client_ip(self.request)
        self._refuse_if_locked(identifier, ip)
        self.user_cache = authenticate(self.request, username=identifier, password=password)
        if self.user_cache is None:
            self._refuse_if_locked(identifier, ip)  # this failure may have been one too many
            account = find_account(identifier)
            if (
                account is not None
                and account.awaiting_confirmation
                and account.check_password(password)
            ):
                self.unconfirmed = True
                raise ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")
            # A ban or suspension is told (with its reason) only to who knows the password.
            barred = account is not None and standing_message(standing_of(account), timezone.now())
            if barred and account is not None and account.check_password(password):
                raise ValidationError(barred, code="barred")
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _refuse_if_locked(self, identifier: str, ip: str) -> None:
        wait = throttle.seconds_locked(identifier, ip)
        if wait:
            self.locked = True
            raise ValidationError(
                self.error_messages["locked"], code="locked", params={"wait": _minutes(wait)}
            )

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(self.error_messages["invalid_login"], code="invalid_login")


if TYPE_CHECKING:
    _PasswordFields = SetPasswordMixin[User]
else:  # generic only in django-stubs
    _PasswordFields = SetPasswordMixin


class SignUpForm(_PasswordFields, forms.Form):
    invitation_code = forms.CharField(
        label="Invitation code",
        max_length=40,
        help_text="From the email your invitation came in.",
    )
    username = forms.CharField(
        label="Username",
        max_length=USERNAME_MAX,
        help_text=(
            "Letters and numbers, with underscores or hyphens between them. It is part "
            "of your profile's address; you can post under other names (pseuds) too."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label="Email address",
        help_text="Never shown to anyone.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1="Password", label2="Password again"
    )
    password1.help_text = (
        "At least 8 characters: not a common password, not only numbers, and not like "
        "your username or email address."
    )
    password2.help_text = ""

    def __init__(self, *args: Any, needs_invitation: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation: Invitation | None = None
        if not needs_invitation:
            del self.fields["invitation_code"]

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        problem = username_problem(username)
        if problem:
            raise ValidationError(problem, code="invalid")
        if queries.username_taken(username):
            raise ValidationError("That username is taken.", code="taken")
        return username

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip()
        if queries.email_in_use(email):
            raise ValidationError(
                "An account already uses that email address: log in, or reset its password.",
                code="taken",
            )
        return email

    def clean_invitation_code(self) -> str:
        code = str(self.cleaned_data["invitation_code"])
        self.invitation = queries.usable_invitation(code)
        if self.invitation is None:
            raise ValidationError(
                "That invitation code doesn't work: it may have been used, have expired, "
                "or have a typing mistake.",
                code="invalid",
            )
        return code

    def clean(self) -> dict[str, Any]:
        self.validate_passwords()
        # Password validators compare the password with the name and address.
        candidate = User(
            username=self.cleaned_data.get("username", ""),
            email=self.cleaned_data.get("email", ""),
        )
        self.validate_password_for_user(candidate)
        return self.cleaned_data


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class QuirePasswordResetForm(PasswordResetForm):
    """Django's reset form, never for placeholder accounts made by imports."""

    def get_users(self, email: str) -> Any:
        return (user for user in super().get_users(email) if not user.is_placeholder)


class ArchiveSettingsForm(forms.ModelForm[ArchiveSettings]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["archive_name"].widget.attrs["placeholder"] = settings.SITE_NAME

    class Meta:
        model = ArchiveSettings
        fields = ["archive_name", "signup_mode", "invitation_queue_open", "invitations_per_batch"]
        widgets = {"signup_mode": forms.RadioSelect}
        labels = {
            "archive_name": "Archive name",
            "signup_mode": "Sign-up",
            "invitation_queue_open": "Keep the invitation queue open",
            "invitations_per_batch": "Invitations sent per batch",
        }


class IssueInvitationsForm(forms.Form):
    count = forms.IntegerField(label="How many", min_value=1, max_value=500)


class GiveInvitationsForm(forms.Form):
    username = forms.CharField(label="Member's username", max_length=150)
    count = forms.IntegerField(label="How many invitations", min_value=1, max_value=50, initial=3)

    def clean_username(self) -> User:
        member = queries.user_named(str(self.cleaned_data["username"]).strip())
        if member is None or member.is_placeholder:
            raise ValidationError("No member has that username.", code="unknown")
        return member


class PseudForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=40,
        help_text="Letters, numbers, spaces, dots, underscores and hyphens; up to 40.",
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown on this pseud's page. Basic HTML is allowed.",
    )


class ProfileForm(forms.Form):
    about = forms.CharField(
        label="About you",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Shown on your profile. Basic HTML (paragraphs, emphasis, links) is allowed.",
    )


class PreferencesForm(forms.ModelForm[Preferences]):
    class Meta:
        model = Preferences
        fields = [
            "view_adult",
            "view_full_work",
            "hide_warnings",
            "hide_freeforms",
            "reading_theme",
            "reading_size",
            "reading_font",
            "reading_width",
        ]
        help_texts = {"reading_theme": "Auto follows your device's light or dark mode."}
        widgets = {
            "reading_theme": forms.RadioSelect,
            "reading_size": forms.RadioSelect,
            "reading_font": forms.RadioSelect,
            "reading_width": forms.RadioSelect,
        }
