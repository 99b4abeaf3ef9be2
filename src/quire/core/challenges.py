"""The rules of gift exchanges and prompt memes that need no database.

What a sign-up must hold (how many requests and offers, how many tags of each type,
"any", optional tags, a challenge's tag set), the sign-up summary (per tag, how many
requests against how many offers, AO3's order: the least offered first), when
sign-ups are open, the state of an assignment (due, overdue, worth a reminder) and
what a participant may see. quire.challenges stores and shows; these decide.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from quire.core.matching import ALL, MatchRules
from quire.core.tags import TagType

CHALLENGE_TAG_TYPES = (
    TagType.FANDOM,
    TagType.CHARACTER,
    TagType.RELATIONSHIP,
    TagType.FREEFORM,
    TagType.RATING,
    TagType.CATEGORY,
    TagType.WARNING,
)
"""The tag types a prompt can carry, in AO3's sign-up order (the first one used is the
one the sign-up summary counts)."""

PROMPTS_MAX = 20
"""At most this many requests or offers in one sign-up."""
TAGS_MAX = 20
"""At most this many tags of one type in one prompt."""
NOMINATABLE = (TagType.FANDOM, TagType.CHARACTER, TagType.RELATIONSHIP)
"""Tag types participants may nominate for a challenge's tag set."""


class Side(StrEnum):
    """What a prompt is: something a participant would like, or something they can make."""

    REQUEST = "request"
    OFFER = "offer"


@dataclass(frozen=True, slots=True)
class TagRule:
    """One tag type's limits: tags a request and an offer must and may carry, whether
    "any" and optional tags are allowed, and how many tags a match must share
    (0: none, ALL: every tag of the request)."""

    request_required: int = 0
    request_allowed: int = 0
    offer_required: int = 0
    offer_allowed: int = 0
    any_allowed: bool = False
    optional_allowed: bool = False
    match_required: int = 0

    def required(self, side: Side) -> int:
        return self.request_required if side == Side.REQUEST else self.offer_required

    def allowed(self, side: Side) -> int:
        """At least the number required: asking for more than is allowed means allowing it."""
        allowed = self.request_allowed if side == Side.REQUEST else self.offer_allowed
        return max(allowed, self.required(side))


GIFT_EXCHANGE_DEFAULTS = {
    TagType.FANDOM: TagRule(1, 1, 1, 1, match_required=1),
    TagType.CHARACTER: TagRule(0, 2, 0, 2, any_allowed=True, optional_allowed=True),
    TagType.RELATIONSHIP: TagRule(0, 1, 0, 1, any_allowed=True),
}
"""A new gift exchange: one fandom per prompt, which must match; up to two characters
and a relationship, "any" allowed."""

PROMPT_MEME_DEFAULTS = {
    TagType.FANDOM: TagRule(1, 2),
    TagType.CHARACTER: TagRule(0, 4),
    TagType.RELATIONSHIP: TagRule(0, 2),
    TagType.FREEFORM: TagRule(0, 5),
    TagType.RATING: TagRule(0, 1),
}
"""A new prompt meme: a fandom is required, the rest is up to the prompter."""


@dataclass(frozen=True, slots=True)
class ChallengeRules:
    """Everything a sign-up is checked against."""

    tag_rules: Mapping[TagType, TagRule] = field(default_factory=dict)
    requests_min: int = 1
    requests_max: int = 1
    offers_min: int = 1
    offers_max: int = 1
    prompts_required: int = 1
    """How many of a recipient's requests a giver's offers must match."""
    tag_set: Mapping[TagType, frozenset[str]] = field(default_factory=dict)
    """Per tag type, the lower-cased names allowed; a type with no entry is not limited."""
    offers_taken: bool = True
    """False for a prompt meme: its sign-ups hold requests (prompts) only."""

    def rule(self, tag_type: TagType) -> TagRule:
        return self.tag_rules.get(tag_type, TagRule())

    def prompt_range(self, side: Side) -> tuple[int, int]:
        """(fewest, most) prompts of this side a sign-up holds."""
        if side == Side.REQUEST:
            return self.requests_min, max(self.requests_min, self.requests_max)
        if not self.offers_taken:
            return 0, 0
        return self.offers_min, max(self.offers_min, self.offers_max)

    def used_types(self, side: Side) -> list[TagType]:
        """The tag types a prompt of this side may carry at all."""
        return [
            tag_type for tag_type in CHALLENGE_TAG_TYPES if self.rule(tag_type).allowed(side) > 0
        ]

    def match_rules(self) -> MatchRules:
        """The compatibility rules quire.core.matching applies."""
        return MatchRules(
            required={
                tag_type: rule.match_required
                for tag_type, rule in self.tag_rules.items()
                if rule.match_required
            },
            prompts_required=self.prompts_required,
        )

    def summary_type(self) -> TagType | None:
        """The tag type the sign-up summary counts: the first one requests may carry."""
        used = self.used_types(Side.REQUEST)
        return used[0] if used else None


@dataclass(frozen=True, slots=True)
class PromptEntry:
    """One prompt as a participant filled it in, tags by name."""

    side: Side
    number: int
    """Its place among the sign-up's prompts of its side, from 1."""
    tags: Mapping[TagType, Sequence[str]] = field(default_factory=dict)
    optional_tags: Mapping[TagType, Sequence[str]] = field(default_factory=dict)
    any_types: frozenset[TagType] = frozenset()
    description: str = ""
    url: str = ""


def prompt_label(side: Side, number: int, *, offers_taken: bool = True) -> str:
    """How errors and pages name a prompt: "Request 2", "Offer 1", or "Prompt 3" in a meme."""
    if not offers_taken:
        return f"Prompt {number}"
    return f"{side.value.capitalize()} {number}"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a sign-up: which prompt (0 for the sign-up as a whole), which
    field ("" for the prompt as a whole), and why, in words for the participant."""

    side: Side | None
    number: int
    field: str
    message: str


def _count(number: int, tag_type: TagType) -> str:
    name = tag_type.label.lower() if number == 1 else tag_type.plural_label.lower()
    return f"{number} {name}"


def prompt_problems(entry: PromptEntry, rules: ChallengeRules) -> list[Problem]:
    """Everything wrong with one prompt, one problem per field and reason."""
    label = prompt_label(entry.side, entry.number, offers_taken=rules.offers_taken)
    problems: list[Problem] = []

    def problem(field_name: str, message: str) -> None:
        problems.append(Problem(entry.side, entry.number, field_name, f"{label}: {message}"))

    for tag_type in CHALLENGE_TAG_TYPES:
        rule = rules.rule(tag_type)
        names = list(entry.tags.get(tag_type, ()))
        optional = list(entry.optional_tags.get(tag_type, ()))
        wants_any = tag_type in entry.any_types
        required, allowed = rule.required(entry.side), rule.allowed(entry.side)
        plural = tag_type.plural_label.lower()
        if allowed == 0:
            if names or optional or wants_any:
                problem(tag_type.value, f"{plural} are not part of this challenge.")
            continue
        if wants_any and not rule.any_allowed:
            problem(tag_type.value, f'"Any" is not allowed for {plural}.')
        elif wants_any and names:
            problem(tag_type.value, f'choose {plural} or "Any", not both.')
        elif not wants_any and len(names) < required:
            problem(tag_type.value, f"choose at least {_count(required, tag_type)}.")
        if len(names) > allowed:
            problem(tag_type.value, f"choose at most {_count(allowed, tag_type)}.")
        if optional and not rule.optional_allowed:
            problem(f"optional_{tag_type.value}", f"optional {plural} are not allowed.")
        elif len(optional) > TAGS_MAX:
            problem(f"optional_{tag_type.value}", f"choose at most {_count(TAGS_MAX, tag_type)}.")
        allowed_names = rules.tag_set.get(tag_type)
        if allowed_names:
            outside = [name for name in [*names, *optional] if name.lower() not in allowed_names]
            for name in outside:
                problem(tag_type.value, f'"{name}" is not in this challenge\'s tag set.')
    return problems


def signup_problems(
    requests: Sequence[PromptEntry], offers: Sequence[PromptEntry], rules: ChallengeRules
) -> list[Problem]:
    """Everything wrong with a whole sign-up: its number of prompts, then each prompt."""
    problems: list[Problem] = []
    for side, prompts in ((Side.REQUEST, requests), (Side.OFFER, offers)):
        fewest, most = rules.prompt_range(side)
        noun = "prompt" if not rules.offers_taken else side.value
        if len(prompts) < fewest:
            problems.append(
                Problem(side, 0, "", f"Give at least {fewest} {noun}{'s' * (fewest != 1)}.")
            )
        if len(prompts) > most:
            problems.append(Problem(side, 0, "", f"Give at most {most} {noun}{'s' * (most != 1)}."))
    for entry in [*requests, *offers]:
        problems += prompt_problems(entry, rules)
    return problems


def rules_problems(rules: ChallengeRules) -> list[str]:
    """What is contradictory in a challenge's settings (the settings form shows these)."""
    problems: list[str] = []
    for tag_type, rule in rules.tag_rules.items():
        plural = tag_type.plural_label.lower()
        if rule.match_required > 0 and rule.allowed(Side.REQUEST) == 0:
            problems.append(
                f"Matches cannot share {plural}: requests carry none. Allow some in requests "
                "or require none to match."
            )
        if rules.offers_taken and rule.match_required > 0 and rule.allowed(Side.OFFER) == 0:
            problems.append(
                f"Matches cannot share {plural}: offers carry none. Allow some in offers "
                "or require none to match."
            )
        if 0 < rule.allowed(Side.REQUEST) < rule.match_required:
            problems.append(
                f"A match cannot share {_count(rule.match_required, tag_type)}: a request "
                f"may carry only {rule.allowed(Side.REQUEST)}."
            )
        if rule.match_required < ALL:
            problems.append(f"The number of {plural} to match cannot be negative.")
    if rules.prompts_required > rules.requests_max and rules.offers_taken:
        problems.append(
            f"Matching {rules.prompts_required} prompts needs at least that many requests "
            "per sign-up."
        )
    return problems


# The sign-up summary


@dataclass(frozen=True, slots=True)
class PromptTags:
    """One stored prompt as the summary reads it: its tags of the summarized type."""

    side: Side
    tag_ids: frozenset[int]
    any: bool = False


@dataclass(frozen=True, slots=True)
class SummaryLine:
    tag_id: int
    requests: int
    offers: int

    @property
    def short(self) -> bool:
        """More requests than offers: where another offer would help most."""
        return self.offers < self.requests


@dataclass(frozen=True, slots=True)
class SignUpSummary:
    lines: list[SummaryLine]
    """Every requested tag, the least offered first, then the most requested."""
    any_offers: int
    """Offers open to any tag of the type: they can fill any line."""
    signups: int


def summarize(
    prompts: Iterable[PromptTags], *, signups: int, name_of: Mapping[int, str]
) -> SignUpSummary:
    """AO3's sign-up summary: per tag (of one type) the requests and offers carrying it."""
    requested: Counter[int] = Counter()
    offered: Counter[int] = Counter()
    any_offers = 0
    for prompt in prompts:
        if prompt.side == Side.OFFER and prompt.any:
            any_offers += 1
        counter = requested if prompt.side == Side.REQUEST else offered
        counter.update(prompt.tag_ids)
    lines = [SummaryLine(tag_id, count, offered[tag_id]) for tag_id, count in requested.items()]
    lines.sort(key=lambda line: (line.offers, -line.requests, name_of.get(line.tag_id, "")))
    return SignUpSummary(lines, any_offers, signups)


# Dates and states


def signups_open(
    *, open_flag: bool, opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> bool:
    """Sign-ups are open when the maintainers opened them and the dates (if any) agree."""
    if not open_flag:
        return False
    if opens_at is not None and now < opens_at:
        return False
    return closes_at is None or now < closes_at


class AssignmentState(StrEnum):
    DRAFT = "draft"
    """Made by matching, not yet sent: only the maintainers see it."""
    OPEN = "open"
    FULFILLED = "fulfilled"
    DEFAULTED = "defaulted"
    """The giver said they cannot do it, and nobody covers it yet."""
    COVERED = "covered"
    """Defaulted, and a pinch hitter has the recipient now."""

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    AssignmentState.DRAFT: "Not sent",
    AssignmentState.OPEN: "In progress",
    AssignmentState.FULFILLED: "Fulfilled",
    AssignmentState.DEFAULTED: "Defaulted",
    AssignmentState.COVERED: "Covered by a pinch hitter",
}


def assignment_state(
    *, sent: bool, fulfilled: bool, defaulted: bool, covered: bool
) -> AssignmentState:
    if not sent:
        return AssignmentState.DRAFT
    if fulfilled:
        return AssignmentState.FULFILLED
    if covered:
        return AssignmentState.COVERED
    if defaulted:
        return AssignmentState.DEFAULTED
    return AssignmentState.OPEN


def is_overdue(state: AssignmentState, *, due_at: datetime | None, now: datetime) -> bool:
    """An open assignment past its due date."""
    return state == AssignmentState.OPEN and due_at is not None and now > due_at


def needs_reminder(
    state: AssignmentState,
    *,
    due_at: datetime | None,
    now: datetime,
    days_before: int,
    reminded_on: date | None,
) -> bool:
    """An open assignment due within `days_before` days, or overdue, whose giver was not
    reminded yet today: the `quire reminders` command can run as often as cron likes."""
    if state != AssignmentState.OPEN or due_at is None:
        return False
    if reminded_on is not None and reminded_on >= now.date():
        return False
    return due_at - now <= timedelta(days=days_before)


# What a participant may see


def can_see_summary(*, maintainer: bool, summary_public: bool) -> bool:
    """The sign-up summary: always the maintainers', everyone's when they made it public
    (AO3's "sign-up summary visible to participants")."""
    return maintainer or summary_public


def can_see_signup(*, owner: bool, maintainer: bool) -> bool:
    """A sign-up's own page names its participant, so only they and the maintainers open
    it; a prompt meme's prompts are public on its prompts page instead, where an
    anonymous prompter stays unnamed."""
    return owner or maintainer


def can_see_prompter(
    *, viewer_id: int | None, prompter_id: int, anonymous: bool, maintainer: bool
) -> bool:
    """An anonymous prompt's prompter is known to the maintainers and to themself only."""
    return not anonymous or maintainer or viewer_id == prompter_id


def can_change_signup(*, owner: bool, maintainer: bool, open_now: bool) -> bool:
    """A participant edits or withdraws their sign-up while sign-ups are open; maintainers
    always may (AO3 lets them fix a sign-up after the close)."""
    return maintainer or (owner and open_now)
