"""Every write to accounts and pseuds goes through here."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import transaction

from quire.core.sanitize import sanitize_html
from quire.people.models import Exclusion, Pseud, SavedSearch, User
from quire.tags.models import Tag


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


PLACEHOLDER_SUFFIX = "_archived"


def _username_for(name: str) -> str:
    """A valid username from a creator's name ("Jane Doe" → "Jane_Doe")."""
    cleaned = re.sub(r"[^\w.@+-]+", "_", name.strip(), flags=re.UNICODE).strip("_")
    return (cleaned or "anonymous")[: 150 - len(PLACEHOLDER_SUFFIX) - 6]


@transaction.atomic
def do_get_placeholder_pseud(name: str) -> Pseud:
    """The pseud an imported work is credited to when its creator has no account here.

    As AO3's Open Doors does, each imported creator name gets a placeholder
    account (no password, flagged) whose default pseud carries the name, so a
    person can claim it later; the same name always finds the same account.
    """
    name = " ".join(name.split())[:40] or "Anonymous"
    existing = Pseud.objects.filter(
        user__is_placeholder=True, is_default=True, name__iexact=name
    ).first()
    if existing is not None:
        return existing
    base = _username_for(name)
    username = base
    suffix = 1
    while User.objects.filter(username__iexact=username).exists():
        username = (
            f"{base}{PLACEHOLDER_SUFFIX}" if suffix == 1 else f"{base}{PLACEHOLDER_SUFFIX}{suffix}"
        )
        suffix += 1
    user = User.objects.create_user(username=username, password=None)
    user.is_placeholder = True
    user.save(update_fields=["is_placeholder"])
    pseud = user.default_pseud
    if pseud.name != name:
        pseud.name = name
        pseud.save(update_fields=["name"])
    return pseud


def do_save_search(user: User, name: str, params: str) -> SavedSearch:
    """Keep a search under a name; saving under the same name replaces it."""
    name = " ".join(name.split())[:100] or "My search"
    saved, _ = SavedSearch.objects.update_or_create(
        user=user, name=name, defaults={"params": params}
    )
    return saved


def do_delete_saved_search(user: User, saved_id: int) -> None:
    SavedSearch.objects.filter(user=user, pk=saved_id).delete()


def do_exclude(user: User, *, tag: Tag | None = None, creator: User | None = None) -> Exclusion:
    """Never show this tag's (or this creator's) works to `user` in searches."""
    if (tag is None) == (creator is None):
        raise ValueError("exclude either a tag or a creator")
    if creator is not None and creator.pk == user.pk:
        raise ValueError("you cannot exclude your own works")
    exclusion, _ = Exclusion.objects.get_or_create(user=user, tag=tag, creator=creator)
    return exclusion


def do_remove_exclusion(user: User, exclusion_id: int) -> None:
    Exclusion.objects.filter(user=user, pk=exclusion_id).delete()
