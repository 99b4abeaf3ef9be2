"""Reads of users, pseuds, the archive's settings, invitations and preferences."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from quire.core.accounts import normalize_invitation_code
from quire.core.visibility import Viewer
from quire.people.models import (
    ArchiveSettings,
    Exclusion,
    Invitation,
    InvitationRequest,
    Preferences,
    Pseud,
    SavedSearch,
    User,
)
from quire.permissions import named_creators_filter, work_filter
from quire.works.models import Work


def user_named(username: str) -> User | None:
    return User.objects.filter(username__iexact=username, is_active=True).first()


def pseuds_of(user: User) -> QuerySet[Pseud]:
    return user.pseuds.all()


def pseud_named(user: User, name: str) -> Pseud | None:
    return user.pseuds.filter(name__iexact=name).first()


def saved_searches_of(user: User) -> QuerySet[SavedSearch]:
    return user.saved_searches.all()


def exclusions_of(user: User) -> QuerySet[Exclusion]:
    return user.exclusions.select_related("tag", "creator").order_by("created_at")


def excluded_ids(user_id: int | None) -> tuple[frozenset[int], frozenset[int]]:
    """(tag ids, pseud ids) a reader never wants to see; nothing for guests."""
    if user_id is None:
        return frozenset(), frozenset()
    tags = Exclusion.objects.filter(user_id=user_id, tag__isnull=False).values_list(
        "tag_id", flat=True
    )
    pseuds = Pseud.objects.filter(
        user__in=Exclusion.objects.filter(user_id=user_id, creator__isnull=False).values(
            "creator_id"
        )
    ).values_list("pk", flat=True)
    return frozenset(tags), frozenset(pseuds)


def pseud_ids_named(names: list[str]) -> set[int]:
    """Pseuds named like this, or every pseud of a user named like this."""
    found: set[int] = set()
    for name in names:
        found |= set(
            Pseud.objects.filter(Q(name__iexact=name) | Q(user__username__iexact=name)).values_list(
                "pk", flat=True
            )
        )
    return found


def archive_settings() -> ArchiveSettings:
    """The admin's settings, or the defaults (unsaved) until an admin saves them."""
    found = ArchiveSettings.objects.filter(pk=ArchiveSettings.SINGLETON_PK).first()
    return found if found is not None else ArchiveSettings(pk=ArchiveSettings.SINGLETON_PK)


_PREFERENCES_MEMO = "_quire_preferences"


def preferences_for(user: AbstractBaseUser | AnonymousUser) -> Preferences:
    """The reader's preferences; the defaults (unsaved) for guests and for readers
    who never saved any. Kept on the user object, so the several parts of one page
    that ask (the view, <html>, each blurb) cost one query."""
    if not user.is_authenticated:
        return Preferences()
    memo = getattr(user, _PREFERENCES_MEMO, None)
    if isinstance(memo, Preferences):
        return memo
    found = Preferences.objects.filter(user_id=user.pk).first()
    preferences = found if found is not None else Preferences(user_id=user.pk)
    setattr(user, _PREFERENCES_MEMO, preferences)
    return preferences


def forget_preferences(user: AbstractBaseUser) -> None:
    """After a change, the next read goes to the database again."""
    if hasattr(user, _PREFERENCES_MEMO):
        delattr(user, _PREFERENCES_MEMO)


def account_for_email(email: str) -> User | None:
    """The one real account that uses this address (placeholders have none to log in with)."""
    matches = list(
        User.objects.filter(email__iexact=email.strip(), is_placeholder=False).exclude(email="")[:2]
    )
    return matches[0] if len(matches) == 1 else None


def email_in_use(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip(), is_placeholder=False).exists()


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


def waiting_for_confirmation(email: str) -> User | None:
    """The account signed up with this address whose confirmation link is still unfollowed."""
    return (
        User.objects.filter(
            email__iexact=email.strip(), awaiting_confirmation=True, is_placeholder=False
        )
        .order_by("-date_joined")
        .first()
    )


def usable_invitation(code: str) -> Invitation | None:
    """The invitation with this code while it can still be used."""
    normalized = normalize_invitation_code(code)
    if not normalized:
        return None
    return Invitation.objects.filter(
        code=normalized, used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def invitation_queue() -> QuerySet[InvitationRequest]:
    """Everyone still waiting for an invitation, first come first served."""
    return InvitationRequest.objects.filter(invitation__isnull=True).order_by("created_at", "pk")


def invitation_request_for(email: str) -> InvitationRequest | None:
    return (
        InvitationRequest.objects.filter(email=email.strip().lower())
        .select_related("invitation")
        .first()
    )


def queue_position(request: InvitationRequest) -> int | None:
    """1 for the next person to be invited; None once an invitation was sent."""
    if request.invitation_id is not None:
        return None
    ahead = invitation_queue().filter(
        Q(created_at__lt=request.created_at) | Q(created_at=request.created_at, pk__lt=request.pk)
    )
    return ahead.count() + 1


def invitations_held_by(user: User) -> QuerySet[Invitation]:
    """A member's invitations to share, the ones still usable first."""
    return user.invitations.select_related("used_by").order_by(
        F("used_at").asc(nulls_first=True), "-created_at", "-pk"
    )


def unused_invitation_count(user: User) -> int:
    return user.invitations.filter(used_at__isnull=True, expires_at__gt=timezone.now()).count()


def recent_invitations() -> QuerySet[Invitation]:
    """Invitations the archive gave out, newest first, for the staff page."""
    return Invitation.objects.select_related("owner", "used_by", "issued_by").order_by(
        "-created_at", "-pk"
    )


def account_by_id(pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_placeholder=False).first()


def own_pseud(user: User, pseud_id: int) -> Pseud | None:
    """One of `user`'s own pseuds; None for anyone else's, so nobody edits another's."""
    return user.pseuds.filter(pk=pseud_id).first()


def own_invitation(user: User, invitation_id: int) -> Invitation | None:
    return user.invitations.filter(pk=invitation_id).first()


def pseuds_with_work_counts(user: User, viewer: Viewer) -> QuerySet[Pseud]:
    """A member's pseuds, each with how many of its works `viewer` may see, as its page
    lists them (anonymous works only for those in the secret)."""
    visible = Work.objects.filter(work_filter(viewer), named_creators_filter(viewer))
    return user.pseuds.annotate(
        work_count=Count("creatorships", filter=Q(creatorships__work__in=visible))
    )
