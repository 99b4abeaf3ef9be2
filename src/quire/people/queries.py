"""Reads of users and pseuds."""

from __future__ import annotations

from django.db.models import QuerySet

from quire.people.models import Pseud, User


def user_named(username: str) -> User | None:
    return User.objects.filter(username__iexact=username, is_active=True).first()


def pseuds_of(user: User) -> QuerySet[Pseud]:
    return user.pseuds.all()


def pseud_named(user: User, name: str) -> Pseud | None:
    return user.pseuds.filter(name__iexact=name).first()
