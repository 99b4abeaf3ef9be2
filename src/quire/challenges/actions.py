"""Every write of gift exchanges and prompt memes goes through here.

The rules are quire.core.challenges (what a sign-up must hold, when sign-ups are open,
assignment states) and quire.core.matching (who can give to whom); a refusal is
`Refused` with the reason, in words for the person who asked. Maintainers are the
collection's owners and moderators (quire.collections.queries.viewer_maintains).
Emails leave through the task queue once the transaction commits
(quire.challenges.tasks), so a slow mail server never holds a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from quire.challenges import queries
from quire.challenges.emails import send_assignment_mail
from quire.challenges.models import (
    CHALLENGE_KINDS,
    Assignment,
    Challenge,
    ChallengeTag,
    Claim,
    ForbiddenPair,
    MatchingRun,
    Nomination,
    NominationStatus,
    Prompt,
    PromptTag,
    SignUp,
    TagSetting,
)
from quire.collections.models import Collection, CollectionKind, Membership, Role
from quire.collections.queries import viewer_maintains
from quire.core.challenges import (
    CHALLENGE_TAG_TYPES,
    NOMINATABLE,
    AssignmentState,
    Problem,
    PromptEntry,
    Side,
    TagRule,
    can_change_signup,
    rules_problems,
    signup_problems,
)
from quire.core.composing import typed_html
from quire.core.matching import Explanation, match_signups
from quire.core.tags import TagType
from quire.core.visibility import can_participate
from quire.people.models import User
from quire.permissions import viewer_for
from quire.tags.actions import TagTypeConflict, find_or_create_tag_sets, find_or_create_tags
from quire.works.models import Work


class Refused(ValueError):
    """The action is not allowed; the message says why."""


class SignUpRefused(Refused):
    """A sign-up that breaks the challenge's rules: every problem, each naming its prompt
    and field, for the form to show beside them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(problem.message for problem in self.problems))


def _maintainer(collection: Collection, user: User) -> None:
    if not viewer_maintains(viewer_for(user), collection):
        raise Refused("Only the collection's owners and moderators can do that.")


def _participant(user: User) -> None:
    if not can_participate(viewer_for(user)):
        raise Refused("Your account can't take part in challenges right now.")


# Settings


@dataclass(slots=True)
class ChallengeSettings:
    """A challenge's settings as its maintainers chose them (quire.challenges.forms)."""

    signups_open: bool = False
    signups_open_at: datetime | None = None
    signups_close_at: datetime | None = None
    assignments_due_at: datetime | None = None
    works_reveal_at: datetime | None = None
    creators_reveal_at: datetime | None = None
    requests_min: int = 1
    requests_max: int = 1
    offers_min: int = 1
    offers_max: int = 1
    prompts_required: int = 1
    summary_public: bool = False
    nominations_open: bool = False
    nominations_max: int = 3
    reminder_days: int = 3
    instructions: str = ""
    tag_rules: dict[TagType, TagRule] = field(default_factory=dict)


@transaction.atomic
def do_save_challenge(collection: Collection, by: User, settings: ChallengeSettings) -> Challenge:
    """Set up or change a collection's challenge. A new gift exchange keeps its works
    anonymous and unrevealed until the reveal, as AO3's exchanges do by default."""
    _maintainer(collection, by)
    if collection.kind not in CHALLENGE_KINDS:
        raise Refused("Only gift exchanges and prompt memes take sign-ups.")
    challenge = Challenge.objects.filter(collection=collection).first()
    new = challenge is None
    challenge = challenge or Challenge(collection=collection)
    for name in (
        "signups_open",
        "signups_open_at",
        "signups_close_at",
        "assignments_due_at",
        "requests_min",
        "requests_max",
        "offers_min",
        "offers_max",
        "prompts_required",
        "summary_public",
        "nominations_open",
        "nominations_max",
        "reminder_days",
    ):
        setattr(challenge, name, getattr(settings, name))
    challenge.instructions = typed_html(settings.instructions)
    problems = rules_problems(queries.rules_for(challenge, settings.tag_rules))
    if problems:
        raise Refused(" ".join(problems))
    challenge.save()
    TagSetting.objects.filter(challenge=challenge).delete()
    TagSetting.objects.bulk_create(
        TagSetting(challenge=challenge, tag_type=tag_type.value, **_rule_fields(rule))
        for tag_type, rule in settings.tag_rules.items()
        if rule != TagRule()
    )
    collection.works_reveal_at = settings.works_reveal_at
    collection.creators_reveal_at = settings.creators_reveal_at
    fields = ["works_reveal_at", "creators_reveal_at", "modified_at"]
    if new and collection.kind == CollectionKind.GIFT_EXCHANGE and not collection.items.exists():
        collection.anonymous = collection.unrevealed = True
        fields += ["anonymous", "unrevealed"]
    collection.save(update_fields=fields)
    return challenge


def _rule_fields(rule: TagRule) -> dict[str, object]:
    return {
        "request_required": rule.request_required,
        "request_allowed": rule.allowed(Side.REQUEST),
        "offer_required": rule.offer_required,
        "offer_allowed": rule.allowed(Side.OFFER),
        "any_allowed": rule.any_allowed,
        "optional_allowed": rule.optional_allowed,
        "match_required": rule.match_required,
    }


# The tag set and nominations


def _tags(names_by_type: Mapping[TagType, Iterable[str]]) -> list[int]:
    try:
        return [tag.pk for tag in find_or_create_tag_sets(names_by_type)]
    except TagTypeConflict as conflict:
        raise Refused(f"The {conflict}.") from None


@transaction.atomic
def do_set_tag_set(
    challenge: Challenge, by: User, names_by_type: Mapping[TagType, Iterable[str]]
) -> None:
    """Replace the tag set's tags of each type given (an empty list lifts the limit)."""
    _maintainer(challenge.collection, by)
    wanted = _tags(names_by_type)
    ChallengeTag.objects.filter(
        challenge=challenge, tag__type__in=[tag_type.value for tag_type in names_by_type]
    ).exclude(tag_id__in=wanted).delete()
    _add_to_tag_set(challenge, wanted)


def _add_to_tag_set(challenge: Challenge, tag_ids: Iterable[int]) -> None:
    present = set(challenge.tag_set.values_list("tag_id", flat=True))
    ChallengeTag.objects.bulk_create(
        ChallengeTag(challenge=challenge, tag_id=tag_id)
        for tag_id in dict.fromkeys(tag_ids)
        if tag_id not in present
    )


@transaction.atomic
def do_nominate(
    challenge: Challenge, user: User, tag_type: TagType, name: str, fandom: str = ""
) -> Nomination:
    """Suggest a tag for the set while nominations are open, up to the challenge's number
    per tag type."""
    _participant(user)
    if not challenge.nominations_open:
        raise Refused("Nominations are closed.")
    if tag_type not in NOMINATABLE:
        raise Refused(f"{tag_type.plural_label} are not nominated.")
    name = " ".join(name.split())
    if not name:
        raise Refused("Name the tag you nominate.")
    mine = challenge.nominations.filter(user=user, tag_type=tag_type.value)
    if mine.filter(name__iexact=name).exists():
        raise Refused(f'You have already nominated "{name}".')
    if mine.count() >= challenge.nominations_max:
        plural = tag_type.plural_label.lower()
        raise Refused(f"You can nominate at most {challenge.nominations_max} {plural}.")
    return Nomination.objects.create(
        challenge=challenge,
        user=user,
        tag_type=tag_type.value,
        name=name[:150],
        fandom=" ".join(fandom.split())[:150],
    )


@transaction.atomic
def do_withdraw_nomination(nomination: Nomination, by: User) -> None:
    if nomination.user_id != by.pk or nomination.status != NominationStatus.PENDING:
        raise Refused("Only your own nominations still waiting for review can be withdrawn.")
    nomination.delete()


@transaction.atomic
def do_review_nominations(
    challenge: Challenge, by: User, *, approve: Iterable[Nomination], reject: Iterable[Nomination]
) -> int:
    """Approve nominations into the tag set (every nomination of the same name with
    them) or reject them; returns how many nominations were decided."""
    _maintainer(challenge.collection, by)
    decided = 0
    for nomination in approve:
        _add_to_tag_set(challenge, [_tag_named(TagType(nomination.tag_type), nomination.name)])
        decided += challenge.nominations.filter(
            tag_type=nomination.tag_type, name__iexact=nomination.name
        ).update(status=NominationStatus.APPROVED)
    rejected = [nomination.pk for nomination in reject]
    decided += challenge.nominations.filter(pk__in=rejected).update(
        status=NominationStatus.REJECTED
    )
    return decided


def _tag_named(tag_type: TagType, name: str) -> int:
    try:
        return find_or_create_tags(tag_type, [name])[0].pk
    except TagTypeConflict as conflict:
        raise Refused(f"The {conflict}.") from None


# Sign-ups


@dataclass(frozen=True, slots=True)
class PromptDetails:
    """One prompt from the sign-up form: the rules' view of it, and what only pages use."""

    entry: PromptEntry
    title: str = ""
    anonymous: bool = False


@dataclass(frozen=True, slots=True)
class SignUpDetails:
    requests: Sequence[PromptDetails] = ()
    offers: Sequence[PromptDetails] = ()
    pinch_hitter: bool = False


def _check_signup(challenge: Challenge, details: SignUpDetails) -> None:
    rules = queries.challenge_rules(challenge)
    problems = signup_problems(
        [prompt.entry for prompt in details.requests],
        [prompt.entry for prompt in details.offers],
        rules,
    )
    if problems:
        raise SignUpRefused(problems)


def _may_change(signup_owner: int | None, challenge: Challenge, by: User) -> None:
    allowed = can_change_signup(
        owner=signup_owner == by.pk,
        maintainer=viewer_maintains(viewer_for(by), challenge.collection),
        open_now=queries.signups_open_now(challenge),
    )
    if not allowed:
        raise Refused("Sign-ups are closed." if signup_owner == by.pk else "That is not yours.")


@transaction.atomic
def do_sign_up(challenge: Challenge, user: User, details: SignUpDetails) -> SignUp:
    """A participant's sign-up; they become a member of the collection if they were not."""
    _participant(user)
    if not queries.signups_open_now(challenge):
        raise Refused("Sign-ups are closed.")
    if challenge.signups.filter(user=user).exists():
        raise Refused("You have already signed up: edit your sign-up instead.")
    _check_signup(challenge, details)
    signup = SignUp.objects.create(
        challenge=challenge, user=user, pinch_hitter=details.pinch_hitter
    )
    _write_prompts(signup, details)
    Membership.objects.get_or_create(
        collection=challenge.collection, user=user, defaults={"role": Role.MEMBER}
    )
    return signup


@transaction.atomic
def do_update_signup(signup: SignUp, by: User, details: SignUpDetails) -> SignUp:
    """Replace a sign-up's prompts (claims on prompts that stay in place are kept)."""
    _participant(by)
    _may_change(signup.user_id, signup.challenge, by)
    _check_signup(signup.challenge, details)
    signup.pinch_hitter = details.pinch_hitter
    signup.save(update_fields=["pinch_hitter", "modified_at"])
    _write_prompts(signup, details)
    return signup


@transaction.atomic
def do_delete_signup(signup: SignUp, by: User) -> None:
    _may_change(signup.user_id, signup.challenge, by)
    signup.delete()


def _write_prompts(signup: SignUp, details: SignUpDetails) -> None:
    """Store the prompts in order, updating those already in each place so claims on
    them survive an edit, and deleting any left over."""
    existing = {(prompt.side, prompt.position): prompt for prompt in signup.prompts.all()}
    kept: list[int] = []
    for side, prompts in ((Side.REQUEST, details.requests), (Side.OFFER, details.offers)):
        for position, details_of_prompt in enumerate(prompts):
            prompt = existing.get((side.value, position)) or Prompt(
                signup=signup, side=side.value, position=position
            )
            _fill_prompt(prompt, details_of_prompt)
            kept.append(prompt.pk)
    signup.prompts.exclude(pk__in=kept).delete()


def _fill_prompt(prompt: Prompt, details: PromptDetails) -> None:
    entry = details.entry
    prompt.title = " ".join(details.title.split())[:255]
    prompt.description = typed_html(entry.description)
    prompt.url = entry.url
    prompt.anonymous = details.anonymous
    prompt.any_types = [
        tag_type.value for tag_type in CHALLENGE_TAG_TYPES if tag_type in entry.any_types
    ]
    prompt.save()
    PromptTag.objects.filter(prompt=prompt).delete()
    links = [(tag_id, False) for tag_id in _tags(entry.tags)]
    links += [(tag_id, True) for tag_id in _tags(entry.optional_tags)]
    chosen: dict[int, bool] = {}
    for tag_id, optional in links:
        chosen.setdefault(tag_id, optional)
    PromptTag.objects.bulk_create(
        PromptTag(prompt=prompt, tag_id=tag_id, optional=optional)
        for tag_id, optional in chosen.items()
    )


# Matching


@transaction.atomic
def do_request_matching(challenge: Challenge, by: User) -> MatchingRun:
    """Queue a matching run (quire.challenges.runs) over every sign-up; maintainers' edits
    to earlier assignments are kept."""
    _maintainer(challenge.collection, by)
    if challenge.assignments_sent_at is not None:
        raise Refused("The assignments have been sent: matching again would change them.")
    if queries.run_in_progress(challenge) is not None:
        raise Refused("Matching is already running.")
    if not challenge.signups.exists():
        raise Refused("Nobody has signed up yet.")
    run = MatchingRun.objects.create(challenge=challenge, requested_by=by)
    from quire.challenges.tasks import generate_matches

    transaction.on_commit(lambda: generate_matches.enqueue(run.pk))
    return run


def _draft(assignment: Assignment | None, challenge: Challenge, by: User) -> None:
    _maintainer(challenge.collection, by)
    if challenge.assignments_sent_at is not None:
        raise Refused("The assignments have been sent: use pinch hitters instead.")
    if assignment is not None and assignment.challenge_id != challenge.pk:
        raise Refused("That assignment belongs to another challenge.")


@transaction.atomic
def do_pair(
    challenge: Challenge,
    by: User,
    giver: SignUp,
    recipient: SignUp,
    *,
    replacing: Assignment | None = None,
) -> Assignment:
    """A maintainer's choice of giver for a recipient, kept when matching runs again. Any
    other draft assignment of the giver or the recipient gives way to it."""
    _draft(replacing, challenge, by)
    if {giver.challenge_id, recipient.challenge_id} != {challenge.pk}:
        raise Refused("Both sign-ups must belong to this challenge.")
    if giver.user_id == recipient.user_id:
        raise Refused("Nobody can be their own giver.")
    drafts = challenge.assignments.filter(sent_at__isnull=True)
    if replacing is not None:
        drafts.filter(pk=replacing.pk).delete()
    drafts.filter(Q(giver=giver) | Q(recipient=recipient)).delete()
    ForbiddenPair.objects.filter(challenge=challenge, giver=giver, recipient=recipient).delete()
    explanation = _explain_pair(challenge, giver, recipient)
    return Assignment.objects.create(
        challenge=challenge,
        giver=giver,
        recipient=recipient,
        fixed=True,
        score=explanation.score,
        explanation=explanation.sentence(queries.tag_names_for(challenge)),
    )


def _explain_pair(challenge: Challenge, giver: SignUp, recipient: SignUp) -> Explanation:
    rules = queries.challenge_rules(challenge).match_rules()
    core_giver, core_recipient = queries.core_signups(challenge, [giver.pk, recipient.pk])
    match = match_signups(core_giver, core_recipient, rules)
    if match is None:
        return Explanation((), 0, True)
    return Explanation(match.matched, match.score, True)


@transaction.atomic
def do_remove_pair(assignment: Assignment, by: User) -> None:
    """Take a draft assignment away; matching will not make the same pair again."""
    challenge = assignment.challenge
    _draft(assignment, challenge, by)
    if assignment.giver_id is not None and assignment.recipient_id is not None:
        ForbiddenPair.objects.get_or_create(
            challenge=challenge, giver_id=assignment.giver_id, recipient_id=assignment.recipient_id
        )
    assignment.delete()


@transaction.atomic
def do_send_assignments(challenge: Challenge, by: User, *, base_url: str) -> int:
    """Send every draft assignment to its giver; returns how many went out."""
    _maintainer(challenge.collection, by)
    if challenge.assignments_sent_at is not None:
        raise Refused("The assignments have already been sent.")
    if queries.run_in_progress(challenge) is not None:
        raise Refused("Wait for matching to finish before sending.")
    drafts = challenge.assignments.filter(
        sent_at__isnull=True, giver__isnull=False, recipient__isnull=False
    )
    ids = list(drafts.values_list("pk", flat=True))
    if not ids:
        raise Refused("There are no assignments to send: generate matches first.")
    now = timezone.now()
    drafts.update(sent_at=now)
    challenge.assignments_sent_at = now
    challenge.save(update_fields=["assignments_sent_at", "modified_at"])
    _email_after_commit("assignment", ids, base_url)
    return len(ids)


def _email_after_commit(kind: str, assignment_ids: list[int], base_url: str) -> None:
    from quire.challenges.tasks import send_assignment_emails

    transaction.on_commit(lambda: send_assignment_emails.enqueue(kind, assignment_ids, base_url))


# After sending


def _sent(assignment: Assignment) -> None:
    if assignment.sent_at is None:
        raise Refused("That assignment has not been sent yet.")


@transaction.atomic
def do_default(assignment: Assignment, by: User) -> Assignment:
    """The giver says they cannot do it (AO3's "default"); maintainers find a pinch hitter."""
    _sent(assignment)
    if assignment.giving_user != by:
        raise Refused("Only the giver can default on an assignment.")
    state = queries.state_of(assignment)
    if state != AssignmentState.OPEN:
        raise Refused(f"This assignment is {state.label.lower()}: there is nothing to default.")
    assignment.defaulted_at = timezone.now()
    assignment.save(update_fields=["defaulted_at"])
    return assignment


@transaction.atomic
def do_assign_pinch_hitter(
    challenge: Challenge,
    by: User,
    recipient: SignUp,
    hitter: User,
    *,
    base_url: str,
) -> Assignment:
    """Give a recipient a new giver: a pinch hitter for a defaulted assignment (which is
    then covered), or for a recipient matching left without one. The pinch hitter is
    emailed the assignment at once."""
    _maintainer(challenge.collection, by)
    if challenge.assignments_sent_at is None:
        raise Refused("Send the assignments first; until then, edit the matches.")
    if recipient.challenge_id != challenge.pk:
        raise Refused("That sign-up belongs to another challenge.")
    if hitter.pk == recipient.user_id:
        raise Refused("Nobody can be their own pinch hitter.")
    now = timezone.now()
    current = challenge.assignments.filter(recipient=recipient, covered_at__isnull=True)
    for assignment in current.select_related("giver__user", "pinch_hitter"):
        if queries.state_of(assignment) in (AssignmentState.OPEN, AssignmentState.FULFILLED):
            raise Refused(f"{recipient.user.username} already has a giver.")
    current.filter(defaulted_at__isnull=False).update(covered_at=now)
    assignment = Assignment.objects.create(
        challenge=challenge,
        recipient=recipient,
        pinch_hitter=hitter,
        fixed=True,
        sent_at=now,
        explanation=f"Pinch hit by {hitter.username}.",
    )
    _email_after_commit("pinch_hit", [assignment.pk], base_url)
    return assignment


@transaction.atomic
def do_choose_fill(assignment: Assignment, by: User, work: Work) -> Assignment:
    """The giver names the work of theirs in the collection that fulfils the assignment
    (one given as a gift to the recipient is found without this)."""
    _sent(assignment)
    if assignment.giving_user != by:
        raise Refused("Only the giver can choose the work for an assignment.")
    if not queries.own_works_in(assignment.challenge.collection, by).filter(pk=work.pk).exists():
        raise Refused("Choose one of your posted works in this collection.")
    assignment.work = work
    assignment.save(update_fields=["work"])
    return assignment


def do_send_reminders(
    now: datetime,
    *,
    base_url: str,
    challenge: Challenge | None = None,
    by: User | None = None,
    queue: bool = True,
) -> int:
    """Remind every giver whose open assignment is due within the challenge's reminder
    days or overdue, at most once a day each: the maintainers' button for one challenge
    (`queue`: the worker sends), or `quire reminders` for all (sent at once, so cron
    needs no worker). Returns how many reminders there were."""
    if challenge is not None and by is not None:
        _maintainer(challenge.collection, by)
    ids = [assignment.pk for assignment in queries.assignments_needing_reminders(now, challenge)]
    if not ids:
        return 0
    with transaction.atomic():
        Assignment.objects.filter(pk__in=ids).update(reminded_on=now.date())
        if queue:
            _email_after_commit("reminder", ids, base_url)
    if not queue:
        send_assignment_mail("reminder", ids, base_url)
    return len(ids)


# Prompt memes


def _meme_prompt(prompt: Prompt) -> Challenge:
    challenge = prompt.signup.challenge
    if not challenge.is_prompt_meme:
        raise Refused("Only a prompt meme's prompts are claimed.")
    return challenge


@transaction.atomic
def do_claim(prompt: Prompt, user: User) -> Claim:
    """Claim a prompt: several members may claim one, as on AO3."""
    _participant(user)
    _meme_prompt(prompt)
    claim, created = Claim.objects.get_or_create(prompt=prompt, user=user)
    if not created:
        raise Refused("You have already claimed this prompt.")
    return claim


@transaction.atomic
def do_unclaim(claim: Claim, by: User) -> None:
    challenge = _meme_prompt(claim.prompt)
    if claim.user_id != by.pk:
        _maintainer(challenge.collection, by)
    claim.delete()


@transaction.atomic
def do_link_fill(claim: Claim, by: User, work: Work) -> Claim:
    """The claimant names their work in the meme's collection that fills the prompt."""
    challenge = _meme_prompt(claim.prompt)
    if claim.user_id != by.pk:
        raise Refused("Only the claimant can link a fill to their claim.")
    if not queries.own_works_in(challenge.collection, by).filter(pk=work.pk).exists():
        raise Refused("Choose one of your posted works in this collection.")
    claim.work = work
    claim.save(update_fields=["work"])
    return claim


@transaction.atomic
def do_delete_prompt(prompt: Prompt, by: User) -> None:
    """A maintainer removes a prompt (a sign-up left with none goes with it)."""
    challenge = _meme_prompt(prompt)
    _maintainer(challenge.collection, by)
    signup = prompt.signup
    prompt.delete()
    if not signup.prompts.exists():
        signup.delete()
