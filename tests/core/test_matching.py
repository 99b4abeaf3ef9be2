"""Gift-exchange matching: compatibility rules, the optimal assignment, explanations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest
from bench.matching_greedy import ao3_assign, ao3_potential_matches
from hypothesis import given, settings
from hypothesis import strategies as st

from quire.core.matching import (
    ALL,
    REQUEST_POINTS,
    Assignment,
    Matching,
    MatchRules,
    Prompt,
    SignUp,
    assign,
    match_signups,
    potential_matches,
    prompt_match,
)
from quire.core.tags import TagType

FANDOM, CHARACTER, RELATIONSHIP = TagType.FANDOM, TagType.CHARACTER, TagType.RELATIONSHIP
FANDOM_ONLY = MatchRules({FANDOM: 1})


def prompt(
    fandoms: Iterable[int] = (),
    characters: Iterable[int] = (),
    *,
    optional_characters: Iterable[int] = (),
    any_of: Iterable[TagType] = (),
) -> Prompt:
    return Prompt(
        tags={FANDOM: frozenset(fandoms), CHARACTER: frozenset(characters)},
        optional_tags={CHARACTER: frozenset(optional_characters)},
        any_types=frozenset(any_of),
    )


def fandom_signup(
    signup_id: int, requests: Iterable[int], offers: Iterable[int], participant: int | None = None
) -> SignUp:
    """A sign-up asking for and offering one fandom per prompt."""
    return SignUp(
        signup_id,
        signup_id if participant is None else participant,
        tuple(prompt([fandom]) for fandom in requests),
        tuple(prompt([fandom]) for fandom in offers),
    )


def pairs(assignments: Iterable[Assignment]) -> set[tuple[int, int]]:
    return {(assignment.giver, assignment.recipient) for assignment in assignments}


# Compatibility of one request and one offer


def test_shared_tags_must_reach_the_required_count() -> None:
    request = prompt([1], [11, 12, 13])
    assert prompt_match(request, prompt([1], [11, 12]), MatchRules({CHARACTER: 2})) is not None
    assert prompt_match(request, prompt([1], [11, 12]), MatchRules({CHARACTER: 3})) is None
    assert prompt_match(request, prompt([1], [14]), MatchRules({CHARACTER: 1})) is None


def test_a_request_whose_tags_are_all_offered_needs_no_more() -> None:
    # AO3's match_rank: a subset of the offer counts as "all", whatever the number asked.
    rules = MatchRules({FANDOM: 2})
    assert prompt_match(prompt([1]), prompt([1, 5]), rules) is not None
    assert prompt_match(prompt([1, 2]), prompt([1, 5]), rules) is None


def test_all_asks_for_every_tag_of_the_request() -> None:
    rules = MatchRules({CHARACTER: ALL})
    assert prompt_match(prompt([1], [11, 12]), prompt([2], [11, 12, 13]), rules) is not None
    assert prompt_match(prompt([1], [11, 12]), prompt([2], [11]), rules) is None


def test_a_request_naming_no_tag_of_a_type_asks_for_nothing_there() -> None:
    rules = MatchRules({FANDOM: 1, CHARACTER: ALL})
    assert prompt_match(prompt([1]), prompt([1], [11]), rules) is not None


@pytest.mark.parametrize(("request_any", "offer_any"), [(True, False), (False, True), (True, True)])
def test_any_on_either_side_matches_the_whole_type(request_any: bool, offer_any: bool) -> None:
    rules = MatchRules({FANDOM: 1, CHARACTER: ALL})
    request = prompt([1], [] if request_any else [11], any_of=[CHARACTER] if request_any else [])
    offer = prompt([1], [] if offer_any else [12], any_of=[CHARACTER] if offer_any else [])
    match = prompt_match(request, offer, rules)
    assert match is not None
    assert match.any_types == {CHARACTER}
    assert match.shared == {FANDOM: {1}}
    assert prompt_match(prompt([1], [11]), prompt([1], [12]), rules) is None


def test_optional_tags_raise_quality_but_never_make_a_match() -> None:
    request = prompt([1], [11], optional_characters=[15])
    offer = prompt([1], [15], optional_characters=[11])
    assert prompt_match(request, offer, MatchRules({CHARACTER: 1})) is None
    match = prompt_match(request, offer, MatchRules({FANDOM: 1}))
    assert match is not None
    assert match.shared == {FANDOM: {1}}
    assert match.optional_shared == {CHARACTER: {11, 15}}
    assert match.tag_count == 3


def test_a_type_requiring_nothing_restricts_nothing() -> None:
    rules = MatchRules({FANDOM: 1, CHARACTER: 0})
    assert prompt_match(prompt([1], [11]), prompt([1], [12]), rules) is not None
    assert prompt_match(prompt([1], [11]), prompt([2], [11]), rules) is None


def test_rules_refuse_numbers_that_mean_nothing() -> None:
    with pytest.raises(ValueError, match="neither a count nor ALL"):
        MatchRules({FANDOM: -2})
    with pytest.raises(ValueError, match="prompts required"):
        MatchRules({FANDOM: 1}, prompts_required=0)


# Compatibility of two sign-ups


@pytest.mark.parametrize(
    ("prompts_required", "compatible_givers"), [(1, {2, 3}), (2, {2, 3}), (ALL, {3})]
)
def test_prompts_required_counts_the_recipients_requests_matched(
    prompts_required: int, compatible_givers: set[int]
) -> None:
    recipient = fandom_signup(1, requests=[1, 2, 3], offers=[9])
    two_of_three = fandom_signup(2, requests=[9], offers=[1, 2])
    all_three = fandom_signup(3, requests=[9], offers=[3, 2, 1])
    rules = MatchRules({FANDOM: 1}, prompts_required=prompts_required)
    found = potential_matches([recipient, two_of_three, all_three], rules)
    assert {m.giver for m in found if m.recipient == 1} == compatible_givers


def test_one_request_met_by_two_offers_counts_once() -> None:
    recipient = fandom_signup(1, requests=[1, 2], offers=[9])
    giver = fandom_signup(2, requests=[9], offers=[1, 1])
    assert match_signups(giver, recipient, MatchRules({FANDOM: 1}, prompts_required=2)) is None


def test_quality_counts_requests_fulfilled_and_tags_shared() -> None:
    recipient = SignUp(1, 1, (prompt([1], [11, 12]), prompt([2]), prompt([3])), ())
    giver = SignUp(2, 2, (), (prompt([2]), prompt([1], [11], optional_characters=[12])))
    match = match_signups(giver, recipient, FANDOM_ONLY)
    assert match is not None
    assert [(item.request_index, item.offer_index) for item in match.matched] == [(0, 1), (1, 0)]
    assert match.score == 2 * REQUEST_POINTS + 3 + 1


def test_nobody_is_matched_with_themself() -> None:
    # Two sign-ups of one participant (two pseuds) would suit each other perfectly.
    signups = [fandom_signup(1, [1], [2], participant=7), fandom_signup(2, [2], [1], participant=7)]
    assert potential_matches(signups, FANDOM_ONLY) == []
    matching = assign(signups, FANDOM_ONLY)
    assert matching.assignments == []
    assert matching.unmatched_givers == [1, 2]
    assert matching.unmatched_recipients == [1, 2]


def test_duplicate_signup_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="same id"):
        potential_matches([fandom_signup(1, [1], [2]), fandom_signup(1, [2], [1])], FANDOM_ONLY)


# The assignment


def test_everyone_is_matched_where_greedy_leaves_someone_out() -> None:
    """Sign-up 3 can only receive from 1. AO3 serves 3 first (fewest options), then lets 1
    and 4 (two options each) take givers 4 and 3, so 2 finds every giver taken, although
    2→1, 4→2, 1→3, 3→4 (or 4→1, 2→4, 3→2, 1→3) gives everyone a gift."""
    signups = [
        fandom_signup(1, requests=[2, 4], offers=[5]),
        fandom_signup(2, requests=[1, 5], offers=[2, 1]),
        fandom_signup(3, requests=[5], offers=[1]),
        fandom_signup(4, requests=[1], offers=[4, 1]),
    ]
    greedy = ao3_assign(signups, ao3_potential_matches(signups, FANDOM_ONLY), seed=1)
    assert len(greedy) == 3
    matching = assign(signups, FANDOM_ONLY)
    assert_is_a_valid_assignment(signups, FANDOM_ONLY, matching)
    assert (1, 3) in pairs(matching.assignments)
    assert matching.unmatched_givers == matching.unmatched_recipients == []


def test_among_complete_assignments_the_best_quality_wins() -> None:
    recipient_a = SignUp(1, 1, (prompt([1], [11]),), (prompt([1]),))
    recipient_b = SignUp(2, 2, (prompt([1], [12]),), (prompt([1]),))
    giver_c = SignUp(3, 3, (prompt([1]),), (prompt([1], [11]),))
    giver_d = SignUp(4, 4, (prompt([1]),), (prompt([1], [12]),))
    matching = assign([recipient_a, recipient_b, giver_c, giver_d], FANDOM_ONLY)
    assert {(3, 1), (4, 2)} <= pairs(matching.assignments)
    assert len(matching.assignments) == 4


def test_fixed_pairs_are_kept_even_against_the_rules() -> None:
    signups = [fandom_signup(1, [1], [2]), fandom_signup(2, [2], [1]), fandom_signup(3, [3], [3])]
    matching = assign(signups, FANDOM_ONLY, fixed=[(3, 1)])
    fixed = next(a for a in matching.assignments if a.fixed)
    assert (fixed.giver, fixed.recipient, fixed.score) == (3, 1, 0)
    assert fixed.explanation.matched == ()
    assert fixed.explanation.sentence(str).startswith("Set by a moderator. No request matches")
    assert pairs(matching.assignments) == {(3, 1), (1, 2)}
    assert matching.unmatched_givers == [2]
    assert matching.unmatched_recipients == [3]


def test_forbidden_pairs_are_never_made() -> None:
    signups = [
        fandom_signup(1, [1], [1]),
        fandom_signup(2, [1], [1]),
        fandom_signup(3, [1], [1]),
    ]
    matching = assign(signups, FANDOM_ONLY, forbidden=[(1, 2), (2, 3)])
    assert pairs(matching.assignments) == {(1, 3), (3, 2), (2, 1)}
    lonely = assign(signups[:2], FANDOM_ONLY, forbidden=[(1, 2)])
    assert pairs(lonely.assignments) == {(2, 1)}


@pytest.mark.parametrize(
    ("fixed", "forbidden", "message"),
    [
        ([(1, 9)], [], "unknown sign-up"),
        ([(1, 2), (1, 3)], [], "give more than once"),
        ([(1, 3), (2, 3)], [], "receive more than once"),
        ([(1, 2)], [(1, 2)], "also forbidden"),
        ([(3, 4)], [], "themself"),
    ],
)
def test_impossible_moderator_pairs_are_refused(
    fixed: list[tuple[int, int]], forbidden: list[tuple[int, int]], message: str
) -> None:
    signups = [
        fandom_signup(1, [1], [1]),
        fandom_signup(2, [1], [1]),
        fandom_signup(3, [1], [1], participant=30),
        fandom_signup(4, [1], [1], participant=30),
    ]
    with pytest.raises(ValueError, match=message):
        assign(signups, FANDOM_ONLY, fixed=fixed, forbidden=forbidden)


def test_the_explanation_names_the_shared_tags() -> None:
    names = {1: "Hamlet", 2: "Macbeth", 11: "Ophelia", 12: "Horatio", 13: "Lady Macbeth"}
    recipient = SignUp(
        1,
        1,
        (
            prompt([1], [11], optional_characters=[12]),
            prompt([2], [13], any_of=[RELATIONSHIP]),
        ),
        (prompt([5]),),
    )
    giver = SignUp(2, 2, (prompt([5]),), (prompt([2]), prompt([1], [11, 12])))
    other = fandom_signup(3, requests=[1], offers=[5])
    matching = assign([recipient, giver, other], FANDOM_ONLY)
    assignment = next(a for a in matching.assignments if a.recipient == 1)
    explanation = assignment.explanation
    assert (assignment.giver, explanation.fixed) == (2, False)
    first, second = explanation.matched
    assert (first.request_index, first.offer_index) == (0, 1)
    assert first.match.shared == {FANDOM: {1}, CHARACTER: {11}}
    assert first.match.optional_shared == {CHARACTER: {12}}
    assert (second.request_index, second.offer_index) == (1, 0)
    assert second.match.shared == {FANDOM: {2}}
    assert explanation.any_types == {RELATIONSHIP}
    assert assignment.score == 2 * REQUEST_POINTS + 3 + 1
    assert explanation.sentence(names.__getitem__) == (
        "Request 1 matches offer 2 (Fandom: Hamlet; Character: Ophelia; optional Character: "
        "Horatio). Request 2 matches offer 1 (Fandom: Macbeth; any Relationship). Score 10."
    )


# Properties on small random exchanges

SMALL_RULES = st.builds(
    MatchRules,
    required=st.fixed_dictionaries(
        {FANDOM: st.sampled_from([0, 1, 2, ALL]), CHARACTER: st.sampled_from([0, 1, ALL])}
    ),
    prompts_required=st.sampled_from([1, 2, ALL]),
)


@st.composite
def random_prompts(draw: st.DrawFn) -> Prompt:
    return Prompt(
        tags={
            FANDOM: draw(st.frozensets(st.integers(1, 4), max_size=2)),
            CHARACTER: draw(st.frozensets(st.integers(11, 14), max_size=2)),
        },
        optional_tags={CHARACTER: draw(st.frozensets(st.integers(11, 16), max_size=2))},
        any_types=draw(st.frozensets(st.sampled_from([FANDOM, CHARACTER]), max_size=1)),
    )


@st.composite
def exchanges(draw: st.DrawFn, most: int) -> list[SignUp]:
    count = draw(st.integers(1, most))
    side = st.lists(random_prompts(), min_size=1, max_size=3).map(tuple)
    return [
        SignUp(signup_id, draw(st.integers(1, count + 2)), draw(side), draw(side))
        for signup_id in range(1, count + 1)
    ]


PairQuality = tuple[int, tuple[tuple[int, int], ...]]
"""A pair's score, and (request index, index of the best offer for it) per request met."""


def all_pairs(signups: Sequence[SignUp], rules: MatchRules) -> dict[tuple[int, int], PairQuality]:
    """Every compatible (giver, recipient) pair, found by comparing every pair."""
    found: dict[tuple[int, int], PairQuality] = {}
    for recipient in signups:
        needed = (
            len(recipient.requests) if rules.prompts_required == ALL else rules.prompts_required
        )
        for giver in signups:
            if giver.participant == recipient.participant:
                continue
            best: dict[int, tuple[int, int]] = {}
            for request_index, request in enumerate(recipient.requests):
                for offer_index, offer in enumerate(giver.offers):
                    match = prompt_match(request, offer, rules)
                    if match and (
                        request_index not in best or match.tag_count > best[request_index][1]
                    ):
                        best[request_index] = (offer_index, match.tag_count)
            if best and len(best) >= needed:
                score = sum(REQUEST_POINTS + tags for _, tags in best.values())
                chosen = tuple((index, best[index][0]) for index in sorted(best))
                found[(giver.id, recipient.id)] = (score, chosen)
    return found


def maximum_matching_size(edges: Iterable[tuple[int, int]]) -> int:
    """Kuhn's augmenting paths: the size of a maximum matching of givers to recipients."""
    givers_of: dict[int, list[int]] = {}
    for giver, recipient in edges:
        givers_of.setdefault(recipient, []).append(giver)
    recipient_of: dict[int, int] = {}

    def augment(recipient: int, seen: set[int]) -> bool:
        for giver in givers_of[recipient]:
            if giver in seen:
                continue
            seen.add(giver)
            if giver not in recipient_of or augment(recipient_of[giver], seen):
                recipient_of[giver] = recipient
                return True
        return False

    return sum(augment(recipient, set()) for recipient in givers_of)


def best_by_brute_force(edges: dict[tuple[int, int], int]) -> tuple[int, int]:
    """(most pairs, best total score among matchings with that many), over every matching."""
    recipients = sorted({recipient for _, recipient in edges})

    def best(position: int, used: frozenset[int]) -> tuple[int, int]:
        if position == len(recipients):
            return (0, 0)
        recipient = recipients[position]
        options = [best(position + 1, used)]
        for (giver, other), score in edges.items():
            if other == recipient and giver not in used:
                pairs_after, score_after = best(position + 1, used | {giver})
                options.append((pairs_after + 1, score_after + score))
        return max(options)

    return best(0, frozenset())


def assert_is_a_valid_assignment(
    signups: Sequence[SignUp], rules: MatchRules, matching: Matching
) -> None:
    compatible = all_pairs(signups, rules)
    givers = [a.giver for a in matching.assignments]
    recipients = [a.recipient for a in matching.assignments]
    assert len(set(givers)) == len(givers)
    assert len(set(recipients)) == len(recipients)
    assert all((a.giver, a.recipient) in compatible for a in matching.assignments)
    ids = [signup.id for signup in signups]
    assert matching.unmatched_givers == [i for i in ids if i not in givers]
    assert matching.unmatched_recipients == [i for i in ids if i not in recipients]


@settings(max_examples=100, deadline=None)
@given(signups=exchanges(most=8), rules=SMALL_RULES, data=st.data())
def test_as_many_are_matched_as_any_assignment_can(
    signups: list[SignUp], rules: MatchRules, data: st.DataObject
) -> None:
    compatible = sorted(all_pairs(signups, rules))
    forbidden = data.draw(
        st.lists(st.sampled_from(compatible), max_size=3) if compatible else st.just([])
    )
    matching = assign(signups, rules, forbidden=forbidden)
    assert_is_a_valid_assignment(signups, rules, matching)
    assert not pairs(matching.assignments) & set(forbidden)
    allowed = [pair for pair in compatible if pair not in forbidden]
    assert len(matching.assignments) == maximum_matching_size(allowed)


@settings(max_examples=100, deadline=None)
@given(signups=exchanges(most=5), rules=SMALL_RULES)
def test_the_quality_is_the_best_of_all_maximum_assignments(
    signups: list[SignUp], rules: MatchRules
) -> None:
    edges = {pair: score for pair, (score, _) in all_pairs(signups, rules).items()}
    matching = assign(signups, rules)
    assert (len(matching.assignments), matching.total_score) == best_by_brute_force(edges)


@settings(max_examples=100, deadline=None)
@given(signups=exchanges(most=8), rules=SMALL_RULES)
def test_the_index_finds_exactly_the_pairs_all_pairs_comparison_finds(
    signups: list[SignUp], rules: MatchRules
) -> None:
    expected = all_pairs(signups, rules)
    for found in (potential_matches(signups, rules), ao3_potential_matches(signups, rules)):
        assert {
            (m.giver, m.recipient): (
                m.score,
                tuple((item.request_index, item.offer_index) for item in m.matched),
            )
            for m in found
        } == expected
        assert all(item.tag_count == item.match.tag_count for m in found for item in m.matched)


@settings(max_examples=100, deadline=None)
@given(signups=exchanges(most=8), rules=SMALL_RULES, seed=st.integers(0, 1000))
def test_never_fewer_are_matched_than_by_the_greedy_method(
    signups: list[SignUp], rules: MatchRules, seed: int
) -> None:
    greedy = ao3_assign(signups, ao3_potential_matches(signups, rules), seed)
    assert len({m.giver for m in greedy}) == len({m.recipient for m in greedy}) == len(greedy)
    assert len(assign(signups, rules).assignments) >= len(greedy)
