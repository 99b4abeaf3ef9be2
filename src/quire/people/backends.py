"""How a username (or email address) and a password become a signed-in member."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from quire.people import throttle
from quire.people.models import User
from quire.permissions import is_barred_now


class LoginLocked(PermissionDenied):
    """Too many failed logins for this username or from this address, for now."""


class AccountBarred(PermissionDenied):
    """The account is banned, or suspended for now (quire.core.moderation); the login
    form says so, with the reason, to whoever gave its right password."""


def find_account(identifier: str) -> User | None:
    """The account a login names: its username (exact, else the only one differing
    in case), else the only real account using that email address."""
    identifier = identifier.strip()
    if not identifier:
        return None
    exact = User.objects.filter(username=identifier).first()
    if exact is not None:
        return exact
    by_name = list(User.objects.filter(username__iexact=identifier)[:2])
    if len(by_name) == 1:
        return by_name[0]
    if "@" not in identifier:
        return None
    by_email = list(
        User.objects.filter(email__iexact=identifier, is_placeholder=False).exclude(email="")[:2]
    )
    return by_email[0] if len(by_email) == 1 else None


class AccountBackend(ModelBackend):
    """Django's model backend, by username or email, with Quire's refusals: placeholder
    accounts (made by imports) never sign in, a locked-out login is not even tried, and
    a banned or suspended account is refused (a session it already has is ended by
    quire.moderation.middleware, so get_user does not refuse it here)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        if throttle.seconds_locked(username, throttle.client_ip(request)):
            raise LoginLocked
        user = find_account(username)
        if user is None:
            # Hash anyway, so a missing account takes as long to refuse as a wrong password.
            User().set_password(password)
            return None
        if not (user.check_password(password) and self.user_can_authenticate(user)):
            return None
        if is_barred_now(user):
            raise AccountBarred
        return user

    def user_can_authenticate(self, user: User | AnonymousUser | None) -> bool:
        return super().user_can_authenticate(user) and not getattr(user, "is_placeholder", False)
