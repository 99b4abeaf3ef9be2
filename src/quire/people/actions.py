"""Every write to accounts, pseuds, invitations, preferences and the archive's settings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from quire.core.accounts import (
    clean_pseud_name,
    new_invitation_code,
    normalize_invitation_code,
    pseud_name_problem,
)
from quire.core.moderation import Action
from quire.core.sanitize import sanitize_html
from quire.moderation.audit import record
from quire.people import emails, queries
from quire.people.emails import Site
from quire.people.models import (
    ArchiveSettings,
    Exclusion,
    Invitation,
    InvitationRequest,
    Preferences,
    Pseud,
    SavedSearch,
    SignupMode,
    User,
)
from quire.permissions import viewer_for
from quire.search.indexing import reindex_after_commit
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
    # A "/" cannot be part of a pseud's URL (/users/<name>/pseuds/<pseud>/): every page
    # linking the pseud would fail. Member pseuds cannot have one; a document's byline can.
    name = " ".join(name.replace("/", "-").split())[:40] or "Anonymous"
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


class AccountError(Exception):
    """A write refused for a reason the person can do something about; the message says it."""


def _require_admin(user: User) -> None:
    if not viewer_for(user).is_admin:
        raise PermissionDenied("Only the archive's admins can do this.")


def _own(user: User, pseud: Pseud) -> None:
    if pseud.user_id != user.pk:
        raise PermissionDenied("That pseud belongs to someone else.")


def _invitation_expiry() -> timedelta:
    return timedelta(days=settings.INVITATION_VALID_DAYS)


# Signing up and confirming


def do_sign_up(
    *, username: str, email: str, password: str, invitation_code: str, site: Site
) -> User:
    """Create a switched-off account and email the link that switches it on.

    While sign-up is by invitation the code is spent here, in the same transaction
    as the account, so two people can never sign up with one code.
    """
    with transaction.atomic():
        mode = queries.archive_settings().signup_mode
        if mode == SignupMode.CLOSED:
            raise AccountError("Sign-up is closed on this archive.")
        if queries.username_taken(username):
            raise AccountError("That username is taken.")
        if queries.email_in_use(email):
            raise AccountError("An account already uses that email address.")
        user = do_create_user(username, email=email, password=password)
        user.is_active = False
        user.awaiting_confirmation = True
        user.save(update_fields=["is_active", "awaiting_confirmation"])
        if mode == SignupMode.INVITATION:
            now = timezone.now()
            claimed = Invitation.objects.filter(
                code=normalize_invitation_code(invitation_code),
                used_at__isnull=True,
                expires_at__gt=now,
            ).update(used_at=now, used_by=user)
            if not claimed:
                raise AccountError("This invitation has been used or has expired.")
    emails.send_confirmation(user, site)
    return user


def do_confirm_account(user: User, token: str) -> bool:
    """Switch on an account whose confirmation link was followed; False if the link
    is wrong, expired or already used (an account an admin switched off stays off)."""
    if not user.awaiting_confirmation or not emails.confirmation_tokens.check_token(user, token):
        return False
    user.is_active = True
    user.awaiting_confirmation = False
    user.save(update_fields=["is_active", "awaiting_confirmation"])
    return True


def do_resend_confirmation(email: str, site: Site) -> None:
    """Email a fresh link to an account still waiting for confirmation, if there is one
    (the page says the same either way, so it tells nobody who has an account)."""
    user = queries.waiting_for_confirmation(email)
    if user is not None:
        emails.send_confirmation(user, site)


# Invitations


def do_request_invitation(email: str) -> InvitationRequest:
    """Join the invitation queue; asking again keeps the place already held."""
    archive = queries.archive_settings()
    if archive.signup_mode != SignupMode.INVITATION:
        raise AccountError(
            "Sign-up is open: no invitation needed."
            if archive.signup_mode == SignupMode.OPEN
            else "Sign-up is closed on this archive."
        )
    if not archive.invitation_queue_open:
        raise AccountError("The invitation queue is closed for now.")
    email = email.strip().lower()
    if queries.email_in_use(email):
        raise AccountError("An account already uses that email address.")
    existing = queries.invitation_request_for(email)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return InvitationRequest.objects.create(email=email)
    except IntegrityError:  # the same address, asked twice at once
        return InvitationRequest.objects.get(email=email)


def do_issue_invitations(admin: User, count: int, site: Site) -> list[Invitation]:
    """Invite the `count` people who have waited longest, and email each their code."""
    _require_admin(admin)
    now = timezone.now()
    with transaction.atomic():
        waiting = list(queries.invitation_queue().select_for_update()[: max(count, 0)])
        invitations = []
        for request in waiting:
            invitation = Invitation.objects.create(
                code=new_invitation_code(),
                email=request.email,
                issued_by=admin,
                sent_at=now,
                expires_at=now + _invitation_expiry(),
            )
            request.invitation = invitation
            request.save(update_fields=["invitation"])
            invitations.append(invitation)
        sent = ", ".join(invitation.email for invitation in invitations)
        note = f"{len(invitations)} sent" + (f": {sent}" if sent else "")
        record(
            admin, Action.ISSUE_INVITATIONS, None, kind="queue", label="Invitation queue", note=note
        )
    for invitation in invitations:
        emails.send_invitation(invitation, site)
    return invitations


def do_give_invitations(admin: User, member: User, count: int) -> list[Invitation]:
    """Give a member invitations to share with people they choose."""
    _require_admin(admin)
    if member.is_placeholder or not member.is_active:
        raise AccountError(f"{member.username} cannot sign in, so cannot share invitations.")
    now = timezone.now()
    with transaction.atomic():
        given = Invitation.objects.bulk_create(
            Invitation(
                code=new_invitation_code(),
                owner=member,
                issued_by=admin,
                expires_at=now + _invitation_expiry(),
            )
            for _ in range(max(count, 0))
        )
        record(admin, Action.GIVE_INVITATIONS, member, kind="user", note=f"{len(given)} to share")
    return given


def do_send_invitation(member: User, invitation: Invitation, email: str, site: Site) -> None:
    """Email one of a member's invitations; its time to be used starts again now."""
    if invitation.owner_id != member.pk:
        raise PermissionDenied("That invitation is not yours to send.")
    now = timezone.now()
    if invitation.used_at is not None or invitation.expires_at <= now:
        raise AccountError("That invitation has been used or has expired.")
    email = email.strip()
    if queries.email_in_use(email):
        raise AccountError("An account already uses that email address.")
    invitation.email = email
    invitation.sent_at = now
    invitation.expires_at = now + _invitation_expiry()
    invitation.save(update_fields=["email", "sent_at", "expires_at"])
    emails.send_invitation(invitation, site, sender=member)


def do_update_archive_settings(
    admin: User,
    *,
    archive_name: str,
    signup_mode: str,
    invitation_queue_open: bool,
    invitations_per_batch: int,
) -> ArchiveSettings:
    _require_admin(admin)
    archive = queries.archive_settings()
    archive.archive_name = " ".join(archive_name.split())
    archive.signup_mode = SignupMode(signup_mode)
    archive.invitation_queue_open = invitation_queue_open
    archive.invitations_per_batch = invitations_per_batch
    archive.save()
    return archive


# Profile, pseuds and preferences


def do_update_profile(user: User, *, about: str) -> User:
    user.about = sanitize_html(about)
    user.save(update_fields=["about"])
    return user


def _checked_pseud_name(user: User, name: str, *, renaming: Pseud | None = None) -> str:
    name = clean_pseud_name(name)
    problem = pseud_name_problem(name)
    if problem:
        raise AccountError(problem)
    others = user.pseuds.filter(name__iexact=name)
    if renaming is not None:
        others = others.exclude(pk=renaming.pk)
    if others.exists():
        raise AccountError(f"You already have a pseud called {name}.")
    return name


@transaction.atomic
def do_add_pseud(user: User, *, name: str, description: str = "") -> Pseud:
    name = _checked_pseud_name(user, name)
    return Pseud.objects.create(user=user, name=name, description=sanitize_html(description))


@transaction.atomic
def do_update_pseud(user: User, pseud: Pseud, *, name: str, description: str) -> Pseud:
    """Rename or redescribe a pseud; its works are re-indexed under the new name."""
    _own(user, pseud)
    renamed = _checked_pseud_name(user, name, renaming=pseud)
    if renamed != pseud.name:
        reindex_after_commit(pseud.creatorships.values_list("work_id", flat=True))
    pseud.name = renamed
    pseud.description = sanitize_html(description)
    pseud.save(update_fields=["name", "description"])
    return pseud


@transaction.atomic
def do_set_default_pseud(user: User, pseud: Pseud) -> Pseud:
    _own(user, pseud)
    user.pseuds.filter(is_default=True).exclude(pk=pseud.pk).update(is_default=False)
    if not pseud.is_default:
        pseud.is_default = True
        pseud.save(update_fields=["is_default"])
    return pseud


@transaction.atomic
def do_delete_pseud(user: User, pseud: Pseud) -> Pseud:
    """Delete a pseud that is not the default; what it created or bookmarked moves to
    the default pseud, which is returned."""
    _own(user, pseud)
    if pseud.is_default:
        raise AccountError(
            "The default pseud cannot be deleted: make another one the default first."
        )
    default = user.default_pseud
    work_ids = list(pseud.creatorships.values_list("work_id", flat=True))
    # A work credited to both pseuds keeps the default's credit and byline place.
    pseud.creatorships.filter(work__creatorships__pseud=default).delete()
    for series in pseud.series.all():
        series.creators.add(default)
    # Every other row pointing at the pseud (creatorships, bookmarks…) follows it.
    for relation in Pseud._meta.related_objects:
        if relation.one_to_many:
            relation.related_model._default_manager.filter(**{relation.field.name: pseud}).update(
                **{relation.field.name: default}
            )
    pseud.delete()
    reindex_after_commit(work_ids)
    return default


def do_update_preferences(user: User, **choices: object) -> Preferences:
    """Save a reader's preferences, making their row the first time."""
    allowed = {field.name for field in Preferences._meta.concrete_fields} - {"user"}
    unknown = set(choices) - allowed
    if unknown:
        raise ValueError(f"not preferences: {', '.join(sorted(unknown))}")
    preferences, _ = Preferences.objects.update_or_create(user=user, defaults=choices)
    queries.forget_preferences(user)
    return preferences
