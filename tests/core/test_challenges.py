"""The pure rules of gift exchanges and prompt memes (quire.core.challenges)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from quire.core.challenges import (
    GIFT_EXCHANGE_DEFAULTS,
    AssignmentState,
    ChallengeRules,
    PromptEntry,
    PromptTags,
    Side,
    TagRule,
    assignment_state,
    can_change_signup,
    can_see_prompter,
    can_see_signup,
    can_see_summary,
    is_overdue,
    needs_reminder,
    prompt_label,
    prompt_problems,
    rules_problems,
    signup_problems,
    signups_open,
    summarize,
)
from quire.core.matching import ALL
from quire.core.tags import TagType

FANDOM, CHARACTER, RELATIONSHIP = TagType.FANDOM, TagType.CHARACTER, TagType.RELATIONSHIP
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

RULES = ChallengeRules(
    tag_rules={
        FANDOM: TagRule(1, 1, 1, 2, match_required=1),
        CHARACTER: TagRule(1, 2, 0, 3, any_allowed=True, optional_allowed=True),
    },
    requests_min=1,
    requests_max=2,
    offers_min=1,
    offers_max=3,
)


def request(number: int = 1, **fields: object) -> PromptEntry:
    fields.setdefault("tags", {FANDOM: ["Sherlock"], CHARACTER: ["John Watson"]})
    return PromptEntry(Side.REQUEST, number, **fields)  # type: ignore[arg-type]


def offer(number: int = 1, **fields: object) -> PromptEntry:
    fields.setdefault("tags", {FANDOM: ["Sherlock"]})
    return PromptEntry(Side.OFFER, number, **fields)  # type: ignore[arg-type]


def messages(entry: PromptEntry, rules: ChallengeRules = RULES) -> list[str]:
    return [problem.message for problem in prompt_problems(entry, rules)]


def test_a_prompt_within_the_limits_has_no_problems() -> None:
    assert messages(request()) == []
    assert messages(offer()) == []


def test_too_few_and_too_many_tags_name_the_prompt_and_the_type() -> None:
    assert messages(request(2, tags={FANDOM: ["Sherlock"]})) == [
        "Request 2: choose at least 1 character."
    ]
    assert messages(request(tags={FANDOM: ["A", "B"], CHARACTER: ["C"]})) == [
        "Request 1: choose at most 1 fandom."
    ]
    found = prompt_problems(request(tags={FANDOM: ["Sherlock"]}), RULES)
    assert [(problem.side, problem.number, problem.field) for problem in found] == [
        (Side.REQUEST, 1, "character")
    ]


def test_any_stands_in_for_the_required_tags_only_where_allowed() -> None:
    assert messages(request(tags={FANDOM: ["Sherlock"]}, any_types=frozenset({CHARACTER}))) == []
    assert messages(request(tags={FANDOM: []}, any_types=frozenset({FANDOM, CHARACTER}))) == [
        'Request 1: "Any" is not allowed for fandoms.'
    ]
    assert messages(
        request(tags={FANDOM: ["S"], CHARACTER: ["J"]}, any_types=frozenset({CHARACTER}))
    ) == ['Request 1: choose characters or "Any", not both.']


def test_types_outside_the_challenge_and_optional_tags_are_refused() -> None:
    no_optional = ChallengeRules(tag_rules={FANDOM: TagRule(1, 1, 1, 1)})
    entry = request(
        tags={FANDOM: ["Sherlock"], RELATIONSHIP: ["John/Sherlock"]},
        optional_tags={FANDOM: ["Elementary"]},
    )
    assert messages(entry, no_optional) == [
        "Request 1: optional fandoms are not allowed.",
        "Request 1: relationships are not part of this challenge.",
    ]
    welcome = request(optional_tags={CHARACTER: ["Mrs Hudson"]})
    assert messages(welcome) == []


def test_the_tag_set_limits_the_names_without_regard_to_case() -> None:
    limited = ChallengeRules(
        tag_rules=RULES.tag_rules, tag_set={FANDOM: frozenset({"sherlock", "elementary"})}
    )
    assert messages(request(tags={FANDOM: ["SHERLOCK"], CHARACTER: ["Joan"]}), limited) == []
    assert messages(request(tags={FANDOM: ["Bones"], CHARACTER: ["Joan"]}), limited) == [
        'Request 1: "Bones" is not in this challenge\'s tag set.'
    ]


def test_a_signup_needs_the_right_number_of_requests_and_offers() -> None:
    assert signup_problems([request()], [offer()], RULES) == []
    found = [
        problem.message
        for problem in signup_problems([request(1), request(2), request(3)], [], RULES)
    ]
    assert found == ["Give at most 2 requests.", "Give at least 1 offer."]


def test_a_prompt_meme_calls_its_requests_prompts_and_takes_no_offers() -> None:
    meme = ChallengeRules(tag_rules={FANDOM: TagRule(1, 2)}, requests_max=3, offers_taken=False)
    assert prompt_label(Side.REQUEST, 2, offers_taken=False) == "Prompt 2"
    assert [p.message for p in signup_problems([], [], meme)] == ["Give at least 1 prompt."]
    assert [p.message for p in signup_problems([request(1, tags={})], [], meme)] == [
        "Prompt 1: choose at least 1 fandom."
    ]
    assert meme.prompt_range(Side.OFFER) == (0, 0)


def test_allowing_fewer_tags_than_required_allows_the_required_number() -> None:
    assert TagRule(request_required=2, request_allowed=1).allowed(Side.REQUEST) == 2
    assert RULES.used_types(Side.REQUEST) == [FANDOM, CHARACTER]


def test_contradictory_settings_are_named() -> None:
    broken = ChallengeRules(
        tag_rules={
            RELATIONSHIP: TagRule(0, 0, 0, 1, match_required=1),
            FANDOM: TagRule(1, 1, 1, 1),
        },
        prompts_required=3,
        requests_max=2,
    )
    assert rules_problems(broken) == [
        "Matches cannot share relationships: requests carry none. Allow some in requests or "
        "require none to match.",
        "Matching 3 prompts needs at least that many requests per sign-up.",
    ]
    too_many = ChallengeRules(tag_rules={CHARACTER: TagRule(0, 2, 0, 2, match_required=3)})
    assert rules_problems(too_many) == [
        "A match cannot share 3 characters: a request may carry only 2."
    ]
    everything = ChallengeRules(tag_rules={FANDOM: TagRule(1, 2, 1, 2, match_required=ALL)})
    assert rules_problems(everything) == []
    assert rules_problems(ChallengeRules(tag_rules=GIFT_EXCHANGE_DEFAULTS)) == []


def test_the_summary_lists_requested_tags_the_least_offered_first() -> None:
    prompts = [
        PromptTags(Side.REQUEST, frozenset({1})),
        PromptTags(Side.REQUEST, frozenset({1, 2})),
        PromptTags(Side.REQUEST, frozenset({3})),
        PromptTags(Side.OFFER, frozenset({2})),
        PromptTags(Side.OFFER, frozenset({2, 3})),
        PromptTags(Side.OFFER, frozenset({4})),
        PromptTags(Side.OFFER, frozenset(), any=True),
    ]
    summary = summarize(prompts, signups=3, name_of={1: "A", 2: "B", 3: "C", 4: "D"})
    assert [(line.tag_id, line.requests, line.offers) for line in summary.lines] == [
        (1, 2, 0),
        (3, 1, 1),
        (2, 1, 2),
    ]
    assert [line.short for line in summary.lines] == [True, False, False]
    assert summary.any_offers == 1
    assert summary.signups == 3


def test_signups_are_open_between_their_dates_once_opened() -> None:
    day = timedelta(days=1)
    assert signups_open(open_flag=True, opens_at=None, closes_at=None, now=NOW)
    assert not signups_open(open_flag=False, opens_at=None, closes_at=None, now=NOW)
    assert not signups_open(open_flag=True, opens_at=NOW + day, closes_at=None, now=NOW)
    assert not signups_open(open_flag=True, opens_at=None, closes_at=NOW, now=NOW)
    assert signups_open(open_flag=True, opens_at=NOW - day, closes_at=NOW + day, now=NOW)


@pytest.mark.parametrize(
    ("flags", "state"),
    [
        ({"sent": False, "fulfilled": True, "defaulted": False, "covered": False}, "draft"),
        ({"sent": True, "fulfilled": False, "defaulted": False, "covered": False}, "open"),
        ({"sent": True, "fulfilled": True, "defaulted": True, "covered": False}, "fulfilled"),
        ({"sent": True, "fulfilled": False, "defaulted": True, "covered": False}, "defaulted"),
        ({"sent": True, "fulfilled": False, "defaulted": True, "covered": True}, "covered"),
    ],
)
def test_the_state_of_an_assignment(flags: dict[str, bool], state: str) -> None:
    assert assignment_state(**flags) == AssignmentState(state)


def test_only_open_assignments_past_their_date_are_overdue() -> None:
    past, future = NOW - timedelta(hours=1), NOW + timedelta(hours=1)
    assert is_overdue(AssignmentState.OPEN, due_at=past, now=NOW)
    assert not is_overdue(AssignmentState.OPEN, due_at=future, now=NOW)
    assert not is_overdue(AssignmentState.OPEN, due_at=None, now=NOW)
    assert not is_overdue(AssignmentState.FULFILLED, due_at=past, now=NOW)
    assert not is_overdue(AssignmentState.DEFAULTED, due_at=past, now=NOW)


def test_reminders_go_near_the_due_date_at_most_once_a_day() -> None:
    def remind(state: AssignmentState, due: datetime | None, reminded: date | None) -> bool:
        return needs_reminder(state, due_at=due, now=NOW, days_before=3, reminded_on=reminded)

    soon, later, overdue = NOW + timedelta(days=2), NOW + timedelta(days=4), NOW - timedelta(1)
    assert remind(AssignmentState.OPEN, soon, None)
    assert remind(AssignmentState.OPEN, overdue, NOW.date() - timedelta(days=1))
    assert not remind(AssignmentState.OPEN, soon, NOW.date())
    assert not remind(AssignmentState.OPEN, later, None)
    assert not remind(AssignmentState.OPEN, None, None)
    assert not remind(AssignmentState.FULFILLED, soon, None)
    assert not remind(AssignmentState.DEFAULTED, soon, None)
    assert not remind(AssignmentState.DRAFT, soon, None)


def test_what_a_participant_may_see() -> None:
    assert can_see_summary(maintainer=True, summary_public=False)
    assert can_see_summary(maintainer=False, summary_public=True)
    assert not can_see_summary(maintainer=False, summary_public=False)
    assert can_see_signup(owner=True, maintainer=False)
    assert can_see_signup(owner=False, maintainer=True)
    assert not can_see_signup(owner=False, maintainer=False)
    assert can_see_prompter(viewer_id=None, prompter_id=5, anonymous=False, maintainer=False)
    assert not can_see_prompter(viewer_id=6, prompter_id=5, anonymous=True, maintainer=False)
    assert can_see_prompter(viewer_id=5, prompter_id=5, anonymous=True, maintainer=False)
    assert can_see_prompter(viewer_id=6, prompter_id=5, anonymous=True, maintainer=True)
    assert can_change_signup(owner=True, maintainer=False, open_now=True)
    assert not can_change_signup(owner=True, maintainer=False, open_now=False)
    assert not can_change_signup(owner=False, maintainer=False, open_now=True)
    assert can_change_signup(owner=False, maintainer=True, open_now=False)
