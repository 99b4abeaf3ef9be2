"""Gift exchanges and prompt memes, each run in a quire.collections Collection.

A Challenge holds the settings (dates, how many prompts, and per tag type a TagSetting);
its tag set (ChallengeTag) can limit the tags prompts use, filled from Nominations.
Participants' SignUps hold Prompts (requests and offers; a prompt meme's are all
requests) with their PromptTags. A MatchingRun turns sign-ups into Assignments, which
maintainers edit (fixed ones and ForbiddenPairs survive the next run), send, cover
with pinch hitters and remind about. A prompt meme's prompts get Claims, and a claim's
work is its fill. Whether an assignment is fulfilled is read from the collection's
works (quire.challenges.queries), never stored.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from quire.collections.models import Collection, CollectionKind
from quire.core.challenges import AssignmentState, Side, TagRule, assignment_state
from quire.core.tags import TagType
from quire.people.models import User
from quire.tags.models import TAG_TYPE_CHOICES, Tag
from quire.works.models import Gift, Work

CHALLENGE_KINDS = (CollectionKind.GIFT_EXCHANGE, CollectionKind.PROMPT_MEME)
"""The kinds of collection that run a challenge."""
SIDE_CHOICES = [(side.value, side.value.capitalize()) for side in Side]


class Challenge(models.Model):
    """The settings of a gift exchange or prompt meme; its kind is its collection's."""

    collection = models.OneToOneField(
        Collection, primary_key=True, on_delete=models.CASCADE, related_name="challenge"
    )
    signups_open = models.BooleanField(default=False, help_text="Taking sign-ups now.")
    signups_open_at = models.DateTimeField(
        null=True, blank=True, help_text="Sign-ups open no earlier than this."
    )
    signups_close_at = models.DateTimeField(
        null=True, blank=True, help_text="Sign-ups close at this time."
    )
    assignments_due_at = models.DateTimeField(null=True, blank=True)
    requests_min = models.PositiveSmallIntegerField(default=1)
    requests_max = models.PositiveSmallIntegerField(default=1)
    offers_min = models.PositiveSmallIntegerField(default=1)
    offers_max = models.PositiveSmallIntegerField(default=1)
    prompts_required = models.SmallIntegerField(
        default=1,
        help_text="How many of a recipient's requests a giver's offers must match; -1: all.",
    )
    summary_public = models.BooleanField(
        default=False, help_text="Participants see the sign-up summary, not only maintainers."
    )
    nominations_open = models.BooleanField(default=False)
    nominations_max = models.PositiveSmallIntegerField(
        default=3, help_text="Nominations per participant and tag type."
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=3, help_text="Givers are reminded this many days before the due date."
    )
    instructions = models.TextField(blank=True, help_text="Sanitized HTML shown on the form.")
    assignments_sent_at = models.DateTimeField(null=True, blank=True)
    modified_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.collection)

    @property
    def is_prompt_meme(self) -> bool:
        return bool(self.collection.kind == CollectionKind.PROMPT_MEME)


class TagSetting(models.Model):
    """One tag type's rules in a challenge (quire.core.challenges.TagRule)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="tag_settings")
    tag_type = models.CharField(max_length=20, choices=TAG_TYPE_CHOICES)
    request_required = models.PositiveSmallIntegerField(default=0)
    request_allowed = models.PositiveSmallIntegerField(default=0)
    offer_required = models.PositiveSmallIntegerField(default=0)
    offer_allowed = models.PositiveSmallIntegerField(default=0)
    any_allowed = models.BooleanField(default=False)
    optional_allowed = models.BooleanField(default=False)
    match_required = models.SmallIntegerField(
        default=0, help_text="Tags a match must share; -1 for all of the request's."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint("challenge", "tag_type", name="unique_challenge_tag_setting")
        ]

    def __str__(self) -> str:
        return f"{self.tag_type} in {self.challenge}"

    def rule(self) -> TagRule:
        return TagRule(
            request_required=self.request_required,
            request_allowed=self.request_allowed,
            offer_required=self.offer_required,
            offer_allowed=self.offer_allowed,
            any_allowed=self.any_allowed,
            optional_allowed=self.optional_allowed,
            match_required=self.match_required,
        )


class ChallengeTag(models.Model):
    """A tag in the challenge's tag set: once a type has any, prompts choose among them."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="tag_set")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["tag__type", "tag__name"]
        constraints = [models.UniqueConstraint("challenge", "tag", name="unique_challenge_tag")]

    def __str__(self) -> str:
        return f"{self.tag} in {self.challenge}"


class NominationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Nomination(models.Model):
    """A participant's suggestion for the tag set, reviewed by the maintainers."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="nominations")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    tag_type = models.CharField(max_length=20, choices=TAG_TYPE_CHOICES)
    name = models.CharField(max_length=150)
    fandom = models.CharField(
        max_length=150, blank=True, help_text="For a character or relationship: its fandom."
    )
    status = models.CharField(
        max_length=10, choices=NominationStatus.choices, default=NominationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tag_type", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                "challenge", "user", "tag_type", Lower("name"), name="unique_nomination"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tag_type}) for {self.challenge}"

    @property
    def tag_type_label(self) -> str:
        return TagType(self.tag_type).label


class SignUp(models.Model):
    """One participant's sign-up: their requests and offers (a meme's prompts)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="challenge_signups")
    pinch_hitter = models.BooleanField(
        default=False, help_text="Willing to write for someone whose giver defaults."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__username", "id"]
        constraints = [models.UniqueConstraint("challenge", "user", name="unique_challenge_signup")]

    def __str__(self) -> str:
        return f"{self.user} in {self.challenge}"

    def prompts_of(self, side: Side) -> list[Prompt]:
        return [prompt for prompt in self.prompts.all() if prompt.side == side]

    @property
    def requests(self) -> list[Prompt]:
        return self.prompts_of(Side.REQUEST)

    @property
    def offers(self) -> list[Prompt]:
        return self.prompts_of(Side.OFFER)


class Prompt(models.Model):
    """A request or an offer in a sign-up; in a prompt meme, a prompt people claim."""

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="prompts")
    side = models.CharField(max_length=10, choices=SIDE_CHOICES)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True, help_text="Sanitized HTML.")
    url = models.URLField(max_length=500, blank=True)
    anonymous = models.BooleanField(default=False, help_text="The prompter's name is hidden.")
    any_types = models.JSONField(
        default=list, blank=True, help_text='Tag types the prompt takes "any" of.'
    )
    tags = models.ManyToManyField(Tag, through="PromptTag", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signup", "side", "position", "id"]

    def __str__(self) -> str:
        return self.title or f"{self.get_side_display()} {self.position}"

    @property
    def number(self) -> int:
        return self.position + 1

    def tags_of(self, tag_type: TagType, *, optional: bool = False) -> list[Tag]:
        return [
            link.tag
            for link in self.prompt_tags.all()
            if link.tag.type == tag_type and link.optional == optional
        ]

    def wants_any(self, tag_type: TagType) -> bool:
        return tag_type.value in self.any_types


class PromptTag(models.Model):
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="prompt_tags")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="+")
    optional = models.BooleanField(default=False, help_text="Welcome, not needed to match.")

    class Meta:
        ordering = ["optional", "tag__name"]
        constraints = [models.UniqueConstraint("prompt", "tag", name="unique_prompt_tag")]

    def __str__(self) -> str:
        return f"{self.tag} on {self.prompt_id}"


class RunState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Matching"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class MatchingRun(models.Model):
    """One press of "Generate matches": run by a background task, watched by the page."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="runs")
    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signups = models.PositiveIntegerField(default=0)
    potential_matches = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="Why it failed.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Matching {self.challenge} ({self.state})"

    @property
    def in_progress(self) -> bool:
        return self.state in (RunState.QUEUED, RunState.RUNNING)


class Assignment(models.Model):
    """Who gives to whom. Before sending, a row with no giver is a recipient nobody could
    be matched with, and one with no recipient a giver left over. A pinch hitter's
    assignment has `pinch_hitter` instead of a giver; the defaulted one it replaces
    is marked covered."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="assignments")
    giver = models.ForeignKey(
        SignUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="giving"
    )
    recipient = models.ForeignKey(
        SignUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="receiving"
    )
    pinch_hitter = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="pinch_hits"
    )
    score = models.FloatField(default=0)
    explanation = models.TextField(blank=True, help_text="Why this giver suits this recipient.")
    fixed = models.BooleanField(
        default=False, help_text="Set by a maintainer: kept when matches are generated again."
    )
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    defaulted_at = models.DateTimeField(null=True, blank=True)
    covered_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(
        null=True, blank=True, help_text="The last day a reminder went to the giver."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recipient__user__username", "id"]

    def __str__(self) -> str:
        return f"{self.giving_user} for {self.recipient} in {self.challenge}"

    @property
    def giving_user(self) -> User | None:
        if self.pinch_hitter is not None:
            return self.pinch_hitter
        return self.giver.user if self.giver is not None else None

    def state(self, *, fulfilled: bool) -> AssignmentState:
        return assignment_state(
            sent=self.sent_at is not None,
            fulfilled=fulfilled,
            defaulted=self.defaulted_at is not None,
            covered=self.covered_at is not None,
        )


class ForbiddenPair(models.Model):
    """A pairing a maintainer removed: matching never makes it again."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    giver = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint("challenge", "giver", "recipient", name="unique_forbidden_pair")
        ]

    def __str__(self) -> str:
        return f"never {self.giver_id} for {self.recipient_id}"


class Claim(models.Model):
    """A member's claim on a prompt meme's prompt (several may claim one); `work` is the
    fill they linked."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="prompt_claims")
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint("prompt", "user", name="unique_claim")]

    def __str__(self) -> str:
        return f"{self.user} claims {self.prompt_id}"


class GiftNotice(models.Model):
    """A recipient was emailed about a gift posted to a challenge, once the work showed
    (at once, or at the reveal): never twice."""

    gift = models.OneToOneField(Gift, on_delete=models.CASCADE, related_name="challenge_notice")
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"told {self.gift}"
