"""Every write to feed tokens goes through here."""

from __future__ import annotations

import secrets

from django.db import transaction

from quire.feeds.models import SECRET_LENGTH, SELECTOR_LENGTH, FeedToken
from quire.people.models import User


def _random(length: int) -> str:
    """URL-safe random text of exactly `length` characters."""
    return secrets.token_urlsafe(length)[:length]


@transaction.atomic
def do_create_feed_token(user: User) -> FeedToken:
    """A new token for `user`, replacing any earlier one (its URLs stop working)."""
    FeedToken.objects.filter(user=user).delete()
    return FeedToken.objects.create(
        user=user, selector=_random(SELECTOR_LENGTH), secret=_random(SECRET_LENGTH)
    )


def do_revoke_feed_token(user: User) -> None:
    FeedToken.objects.filter(user=user).delete()
