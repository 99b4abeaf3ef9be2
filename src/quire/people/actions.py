"""Every write to accounts and pseuds goes through here."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from quire.core.sanitize import sanitize_html
from quire.people.models import Pseud, User


@transaction.atomic
def do_create_user(
    username: str,
    *,
    email: str = "",
    password: str | None = None,
    about: str = "",
    extra_pseuds: Sequence[str] = (),
) -> User:
    """Create an account with its default pseud (named after it) and any others.

    Without a password the account cannot sign in until one is set.
    """
    user = User.objects.create_user(username=username, email=email, password=password)
    user.about = sanitize_html(about)
    user.save(update_fields=["about"])
    for name in extra_pseuds:
        do_create_pseud(user, name)
    return user


def do_create_pseud(user: User, name: str, *, description: str = "") -> Pseud:
    name = " ".join(name.split())
    if not name:
        raise ValueError(f"pseud for {user.username}: the name is empty")
    pseud, _ = Pseud.objects.get_or_create(
        user=user, name=name, defaults={"description": sanitize_html(description)}
    )
    return pseud
