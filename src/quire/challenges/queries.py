"""Every read of gift exchanges and prompt memes goes through here.

A challenge's pages are public like its collection, but what each person sees of it
is decided by quire.core.challenges (summary, sign-ups, anonymous prompters) with the
maintainers from quire.collections.queries. Works are only ever named through the
permission layer (quire.permissions.work_filter). Whether an assignment or a claim is
fulfilled is a query, never a stored flag: a posted work of the giver's, approved in
the collection, given to the recipient or chosen by the giver.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone

from quire.challenges.models import (
    Assignment,
    Challenge,
    Claim,
    MatchingRun,
    Nomination,
    NominationStatus,
    Prompt,
    PromptTag,
    RunState,
    SignUp,
)
from quire.collections.models import (
    Approval,
    Collection,
    CollectionItem,
    CollectionKind,
    Membership,
)
from quire.collections.queries import APPROVED, collection_named
from quire.core import matching
from quire.core.challenges import (
    GIFT_EXCHANGE_DEFAULTS,
    PROMPT_MEME_DEFAULTS,
    AssignmentState,
    ChallengeRules,
    PromptTags,
    Side,
    SignUpSummary,
    TagRule,
    needs_reminder,
    signups_open,
    summarize,
)
from quire.core.tags import TagType
from quire.core.visibility import Viewer
from quire.people.models import User
from quire.permissions import work_filter
from quire.tags.models import Tag
from quire.works.models import Gift, Work

RUN_TIMEOUT = timedelta(hours=1)
"""A matching run unfinished after this long is taken for dead (its worker stopped),
so the maintainers may start another."""


def collection_and_challenge(name: str) -> tuple[Collection, Challenge | None] | None:
    """The collection at this address and its challenge (None until it is set up)."""
    collection = collection_named(name)
    if collection is None:
        return None
    challenge = Challenge.objects.filter(collection=collection).first()
    if challenge is not None:
        challenge.collection = collection
    return collection, challenge


# Rules


def default_tag_rules(collection: Collection) -> dict[TagType, TagRule]:
    if collection.kind == CollectionKind.PROMPT_MEME:
        return dict(PROMPT_MEME_DEFAULTS)
    return dict(GIFT_EXCHANGE_DEFAULTS)


def tag_rules_of(challenge: Challenge) -> dict[TagType, TagRule]:
    return {TagType(row.tag_type): row.rule() for row in challenge.tag_settings.all()}


def tag_set_of(challenge: Challenge) -> dict[TagType, list[Tag]]:
    """The challenge's tag set by type (types with no tags are not limited)."""
    found: dict[TagType, list[Tag]] = defaultdict(list)
    for link in challenge.tag_set.select_related("tag"):
        found[link.tag.tag_type].append(link.tag)
    return dict(found)


def rules_for(challenge: Challenge, tag_rules: Mapping[TagType, TagRule]) -> ChallengeRules:
    """The challenge's rules with these tag rules (the settings form checks new ones)."""
    limited = {
        tag_type: frozenset(tag.name.lower() for tag in tags)
        for tag_type, tags in (tag_set_of(challenge).items() if challenge.pk else ())
    }
    return ChallengeRules(
        tag_rules=tag_rules,
        requests_min=challenge.requests_min,
        requests_max=challenge.requests_max,
        offers_min=challenge.offers_min,
        offers_max=challenge.offers_max,
        prompts_required=challenge.prompts_required,
        tag_set=limited,
        offers_taken=not challenge.is_prompt_meme,
    )


def challenge_rules(challenge: Challenge) -> ChallengeRules:
    return rules_for(challenge, tag_rules_of(challenge))


def signups_open_now(challenge: Challenge) -> bool:
    return signups_open(
        open_flag=challenge.signups_open,
        opens_at=challenge.signups_open_at,
        closes_at=challenge.signups_close_at,
        now=timezone.now(),
    )


# Tag sets and nominations


def nominations_of(challenge: Challenge, *, user: User | None = None) -> QuerySet[Nomination]:
    nominations = challenge.nominations.select_related("user")
    return nominations.filter(user=user) if user is not None else nominations


def pending_nominations(challenge: Challenge) -> QuerySet[Nomination]:
    return nominations_of(challenge).filter(status=NominationStatus.PENDING)


# Sign-ups and prompts


def _with_prompts(signups: QuerySet[SignUp]) -> QuerySet[SignUp]:
    tags = PromptTag.objects.select_related("tag")
    prompts = Prompt.objects.prefetch_related(Prefetch("prompt_tags", queryset=tags))
    return signups.select_related("user").prefetch_related(Prefetch("prompts", queryset=prompts))


def signups_of(challenge: Challenge) -> QuerySet[SignUp]:
    return _with_prompts(challenge.signups.all())


def signup_of(challenge: Challenge, user: User | None) -> SignUp | None:
    if user is None or not user.is_authenticated:
        return None
    return _with_prompts(challenge.signups.filter(user=user)).first()


def signups_of_user(user: User) -> QuerySet[SignUp]:
    """ "My sign-ups": every challenge the member signed up for, newest first."""
    return _with_prompts(
        SignUp.objects.filter(user=user).select_related("challenge__collection")
    ).order_by("-created_at", "-id")


def pinch_hitters(challenge: Challenge) -> QuerySet[SignUp]:
    """Participants who ticked "I can pinch hit"."""
    return challenge.signups.filter(pinch_hitter=True).select_related("user")


def members_of(collection: Collection) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=Membership.objects.filter(collection=collection).values("user_id")
    ).order_by("username")


def _filter_tag_ids(tag: Tag) -> int:
    """The id a tag is matched and counted by: its canonical tag's, for a synonym."""
    return tag.merger_id or tag.pk


def core_signups(challenge: Challenge, ids: Iterable[int] | None = None) -> list[matching.SignUp]:
    """The sign-ups as quire.core.matching reads them (synonyms count as their canonical
    tag), in the order of `ids` when given."""
    signups = signups_of(challenge)
    if ids is not None:
        wanted = list(ids)
        by_id = {signup.pk: signup for signup in signups.filter(pk__in=wanted)}
        chosen = [by_id[pk] for pk in wanted]
    else:
        chosen = list(signups)
    return [
        matching.SignUp(
            id=signup.pk,
            participant=signup.user_id,
            requests=tuple(_core_prompt(prompt) for prompt in signup.requests),
            offers=tuple(_core_prompt(prompt) for prompt in signup.offers),
        )
        for signup in chosen
    ]


def _core_prompt(prompt: Prompt) -> matching.Prompt:
    tags: dict[TagType, set[int]] = defaultdict(set)
    optional: dict[TagType, set[int]] = defaultdict(set)
    for link in prompt.prompt_tags.all():
        (optional if link.optional else tags)[link.tag.tag_type].add(_filter_tag_ids(link.tag))
    return matching.Prompt(
        tags={tag_type: frozenset(ids) for tag_type, ids in tags.items()},
        optional_tags={tag_type: frozenset(ids) for tag_type, ids in optional.items()},
        any_types=frozenset(TagType(value) for value in prompt.any_types),
    )


def tag_names_for(challenge: Challenge) -> Callable[[int], str]:
    """Names of the tags the challenge's prompts use (and their canonical tags), for the
    explanations of matches."""
    used = PromptTag.objects.filter(prompt__signup__challenge=challenge)
    tags = Tag.objects.filter(
        Q(pk__in=used.values("tag_id")) | Q(synonyms__in=used.values("tag_id"))
    )
    names = dict(tags.values_list("pk", "name"))
    return lambda tag_id: names.get(tag_id, f"tag {tag_id}")


def summary_of(challenge: Challenge) -> tuple[TagType | None, SignUpSummary, dict[int, Tag]]:
    """The sign-up summary: the tag type it counts, the counts, and the tags by id."""
    tag_type = challenge_rules(challenge).summary_type()
    signups = challenge.signups.count()
    if tag_type is None:
        return None, SignUpSummary([], 0, signups), {}
    links = PromptTag.objects.filter(
        prompt__signup__challenge=challenge, optional=False, tag__type=tag_type.value
    ).select_related("tag")
    tags_by_prompt: dict[int, set[int]] = defaultdict(set)
    tags: dict[int, Tag] = {}
    for link in links:
        tags_by_prompt[link.prompt_id].add(link.tag_id)
        tags[link.tag_id] = link.tag
    prompts = Prompt.objects.filter(signup__challenge=challenge).values_list(
        "pk", "side", "any_types"
    )
    counted = [
        PromptTags(
            Side(side), frozenset(tags_by_prompt.get(pk, ())), tag_type.value in (any_types or [])
        )
        for pk, side, any_types in prompts
    ]
    names = {tag_id: tag.name for tag_id, tag in tags.items()}
    return tag_type, summarize(counted, signups=signups, name_of=names), tags


# Matching and assignments


def latest_run(challenge: Challenge) -> MatchingRun | None:
    return challenge.runs.first()


def run_in_progress(challenge: Challenge) -> MatchingRun | None:
    """A run queued or going that is not yet taken for dead."""
    return challenge.runs.filter(
        state__in=[RunState.QUEUED, RunState.RUNNING],
        created_at__gt=timezone.now() - RUN_TIMEOUT,
    ).first()


def _fulfilled(
    collection: Combinable, maker: Combinable, recipient: Combinable | None, chosen: Combinable
) -> Exists:
    """Whether a posted work by `maker`, approved in the `collection`, is given to
    `recipient` or is the `chosen` one (expressions on the outer row)."""
    fitting = Q(work_id=chosen)
    if recipient is not None:
        fitting |= Q(work__gifts__recipient_id=recipient, work__gifts__refused=False)
    items = CollectionItem.objects.filter(
        APPROVED,
        fitting,
        collection_id=collection,
        work__posted=True,
        work__hidden=False,
        work__creatorships__pseud__user_id=maker,
    )
    return Exists(items)


def _giving_user() -> Coalesce:
    return Coalesce(OuterRef("pinch_hitter_id"), OuterRef("giver__user_id"))


def with_fulfilment(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Assignments with `fulfilled` (see the module's docstring) and what pages show."""
    return assignments.select_related(
        "giver__user", "recipient__user", "pinch_hitter", "challenge__collection"
    ).annotate(
        fulfilled=_fulfilled(
            OuterRef("challenge_id"),
            _giving_user(),
            OuterRef("recipient__user_id"),
            OuterRef("work_id"),
        )
    )


def state_of(assignment: Assignment) -> AssignmentState:
    """The assignment's state as it is stored now."""
    found = with_fulfilment(Assignment.objects.filter(pk=assignment.pk)).first()
    if found is None:
        raise Assignment.DoesNotExist(f"assignment {assignment.pk} is gone")
    return found.state(fulfilled=bool(getattr(found, "fulfilled", False)))


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    """An assignment as the maintainers' and the giver's pages show it."""

    assignment: Assignment
    state: AssignmentState
    overdue: bool


def _rows(assignments: Iterable[Assignment], now: datetime) -> list[AssignmentRow]:
    rows = []
    for assignment in assignments:
        state = assignment.state(fulfilled=bool(getattr(assignment, "fulfilled", False)))
        due = assignment.challenge.assignments_due_at
        overdue = state == AssignmentState.OPEN and due is not None and now > due
        rows.append(AssignmentRow(assignment, state, overdue))
    return rows


def sent_assignments(challenge: Challenge) -> list[AssignmentRow]:
    """Every sent assignment, recipient by recipient, with its state."""
    sent = with_fulfilment(challenge.assignments.filter(sent_at__isnull=False))
    return _rows(sent.order_by("recipient__user__username", "id"), timezone.now())


def assignments_of_user(user: User, challenge: Challenge | None = None) -> list[AssignmentRow]:
    """ "My assignments": what the member was sent to make, as giver or pinch hitter (in
    one challenge, or in all)."""
    sent = Assignment.objects.filter(sent_at__isnull=False)
    if challenge is not None:
        sent = sent.filter(challenge=challenge)
    mine = with_fulfilment(
        sent.filter(Q(giver__user=user, pinch_hitter__isnull=True) | Q(pinch_hitter=user))
    )
    return _rows(mine.order_by("-sent_at", "-id"), timezone.now())


def assignment_for(challenge: Challenge, assignment_id: int) -> AssignmentRow | None:
    found = with_fulfilment(challenge.assignments.filter(pk=assignment_id)).first()
    return _rows([found], timezone.now())[0] if found is not None else None


def unmatched_after_sending(challenge: Challenge) -> QuerySet[SignUp]:
    """Recipients with no giver: matching found none, or theirs defaulted uncovered."""
    giving = challenge.assignments.filter(
        sent_at__isnull=False, covered_at__isnull=True, defaulted_at__isnull=True
    )
    return (
        challenge.signups.exclude(pk__in=giving.values("recipient_id").exclude(recipient=None))
        .select_related("user")
        .order_by("user__username")
    )


def gifts_to_tell() -> QuerySet[Gift]:
    """Gifts of works in a challenge's collection whose recipients have not been told yet,
    now that the work shows (posted, not hidden, revealed), with where they were given."""
    in_challenge = CollectionItem.objects.filter(
        APPROVED, work=OuterRef("work_id"), collection__challenge__isnull=False
    )
    return (
        Gift.objects.filter(
            Exists(in_challenge),
            refused=False,
            challenge_notice__isnull=True,
            work__posted=True,
            work__hidden=False,
            work__unrevealed=False,
        )
        .select_related("work", "recipient")
        .prefetch_related("work__creatorships__pseud", "work__collections")
        .order_by("id")
    )


def fulfilling_works(viewer: Viewer, row: AssignmentRow) -> list[Work]:
    """The works that fulfil the assignment, those the viewer may see."""
    assignment = row.assignment
    maker = assignment.giving_user
    if maker is None or assignment.recipient is None:
        return []
    items = CollectionItem.objects.filter(APPROVED, collection_id=assignment.challenge_id).filter(
        Q(work__gifts__recipient_id=assignment.recipient.user_id, work__gifts__refused=False)
        | Q(work_id=assignment.work_id)
    )
    return list(
        Work.objects.filter(
            work_filter(viewer),
            posted=True,
            pk__in=items.values("work_id"),
            creatorships__pseud__user=maker,
        ).distinct()
    )


def own_works_in(collection: Collection, user: User) -> QuerySet[Work]:
    """The member's posted works in the collection (or waiting for its approval): what
    they may name as a fill."""
    refused = Q(collection_approval=Approval.REJECTED) | Q(creator_approval=Approval.REJECTED)
    items = CollectionItem.objects.filter(collection=collection).exclude(refused)
    return (
        Work.objects.filter(posted=True, pk__in=items.values("work_id"))
        .filter(creatorships__pseud__user=user)
        .distinct()
        .order_by("title", "id")
    )


def assignments_needing_reminders(
    now: datetime, challenge: Challenge | None = None
) -> list[Assignment]:
    """Open assignments due within their challenge's reminder days, or overdue, whose
    giver has not been reminded today (quire.core.challenges.needs_reminder)."""
    candidates = Assignment.objects.filter(
        sent_at__isnull=False,
        defaulted_at__isnull=True,
        covered_at__isnull=True,
        challenge__assignments_due_at__isnull=False,
    )
    if challenge is not None:
        candidates = candidates.filter(challenge=challenge)
    return [
        assignment
        for assignment in with_fulfilment(candidates)
        if needs_reminder(
            assignment.state(fulfilled=assignment.fulfilled),  # type: ignore[attr-defined]
            due_at=assignment.challenge.assignments_due_at,
            now=now,
            days_before=assignment.challenge.reminder_days,
            reminded_on=assignment.reminded_on,
        )
    ]


# The maintainers' review of a matching run


@dataclass(frozen=True, slots=True)
class Candidate:
    signup: SignUp
    score: int


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """A draft assignment with the other givers its recipient could have, and the other
    recipients its giver could serve, best first."""

    assignment: Assignment
    other_givers: list[Candidate]
    other_recipients: list[Candidate]


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A participant left without a giver (or a recipient) and those compatible with them;
    none means nobody's sign-up fits theirs."""

    signup: SignUp
    compatible: list[Candidate]


@dataclass(frozen=True, slots=True)
class Review:
    """The draft assignments and everything the maintainers need to edit them."""

    rows: list[ReviewRow]
    without_giver: list[Unmatched]
    without_recipient: list[Unmatched]
    signups: list[SignUp]
    potential_count: int


def review_of(challenge: Challenge) -> Review:
    """The draft assignments, with the compatible alternatives for each side (from
    quire.core.matching.potential_matches, so only compatible pairs are offered; the
    maintainers pair anyone with anyone through the form for any two sign-ups)."""
    signups = list(signups_of(challenge))
    by_id = {signup.pk: signup for signup in signups}
    potential = matching.potential_matches(
        core_signups(challenge), challenge_rules(challenge).match_rules()
    )
    givers_of: dict[int, list[Candidate]] = defaultdict(list)
    recipients_of: dict[int, list[Candidate]] = defaultdict(list)
    for match in sorted(potential, key=lambda found: -found.score):
        givers_of[match.recipient].append(Candidate(by_id[match.giver], match.score))
        recipients_of[match.giver].append(Candidate(by_id[match.recipient], match.score))
    drafts = list(
        challenge.assignments.filter(sent_at__isnull=True)
        .select_related("giver__user", "recipient__user")
        .order_by("recipient__user__username", "id")
    )
    rows = [
        ReviewRow(
            draft,
            [c for c in givers_of[draft.recipient_id or 0] if c.signup.pk != draft.giver_id],
            [c for c in recipients_of[draft.giver_id or 0] if c.signup.pk != draft.recipient_id],
        )
        for draft in drafts
    ]
    giving = {draft.giver_id for draft in drafts}
    receiving = {draft.recipient_id for draft in drafts}
    return Review(
        rows=rows,
        without_giver=[
            Unmatched(signup, givers_of[signup.pk])
            for signup in signups
            if signup.pk not in receiving
        ],
        without_recipient=[
            Unmatched(signup, recipients_of[signup.pk])
            for signup in signups
            if signup.pk not in giving
        ],
        signups=signups,
        potential_count=len(potential),
    )


# Prompt memes


@dataclass(frozen=True, slots=True)
class PromptFilters:
    fandom: str = ""
    claimed: str = ""
    """"yes", "no" or "" for either."""
    filled: str = ""


def _filled_claims() -> Exists:
    return _fulfilled(
        OuterRef("prompt__signup__challenge_id"), OuterRef("user_id"), None, OuterRef("work_id")
    )


def meme_prompts(challenge: Challenge, filters: PromptFilters) -> QuerySet[Prompt]:
    """The meme's prompts, newest first, with their tags, sign-up and claims."""
    prompts = Prompt.objects.filter(signup__challenge=challenge, side=Side.REQUEST.value)
    if filters.fandom:
        prompts = prompts.filter(
            prompt_tags__tag__type=TagType.FANDOM.value,
            prompt_tags__tag__name__iexact=filters.fandom,
        )
    claims = Claim.objects.filter(prompt=OuterRef("pk"))
    if filters.claimed in ("yes", "no"):
        prompts = prompts.filter(Exists(claims) if filters.claimed == "yes" else ~Exists(claims))
    filled = Claim.objects.filter(prompt=OuterRef("pk")).annotate(done=_filled_claims())
    if filters.filled in ("yes", "no"):
        has_fill = Exists(filled.filter(done=True))
        prompts = prompts.filter(has_fill if filters.filled == "yes" else ~has_fill)
    tags = PromptTag.objects.select_related("tag")
    return (
        prompts.distinct()
        .select_related("signup__user")
        .prefetch_related(
            Prefetch("prompt_tags", queryset=tags),
            Prefetch("claims", queryset=claims_with_fills(Claim.objects.all())),
        )
        .order_by("-created_at", "-id")
    )


def claims_with_fills(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return claims.select_related("user", "work").annotate(filled=_filled_claims())


def meme_prompt(challenge: Challenge, prompt_id: int) -> Prompt | None:
    return meme_prompts(challenge, PromptFilters()).filter(pk=prompt_id).first()


def meme_fandoms(challenge: Challenge) -> list[str]:
    """The fandoms the meme's prompts name, for the filter."""
    names = (
        PromptTag.objects.filter(
            prompt__signup__challenge=challenge, tag__type=TagType.FANDOM.value
        )
        .values_list("tag__name", flat=True)
        .distinct()
    )
    return sorted(names, key=str.casefold)


def claims_of_user(user: User) -> QuerySet[Claim]:
    """ "My claims": the member's claims on prompts, newest first."""
    return (
        claims_with_fills(Claim.objects.filter(user=user))
        .select_related("prompt__signup__user", "prompt__signup__challenge__collection")
        .order_by("-created_at", "-id")
    )


def fills_visible_to(viewer: Viewer, claims: Iterable[Claim]) -> dict[int, Work]:
    """Per claim id, its fill if the viewer may see it."""
    work_ids = {
        claim.work_id for claim in claims if claim.work_id and getattr(claim, "filled", False)
    }
    visible = {work.pk: work for work in Work.objects.filter(work_filter(viewer), pk__in=work_ids)}
    return {
        claim.pk: visible[claim.work_id]
        for claim in claims
        if claim.work_id in visible and getattr(claim, "filled", False)
    }
