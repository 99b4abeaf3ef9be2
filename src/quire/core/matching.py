"""Gift-exchange matching: who can give to whom, and who is assigned to whom.

AO3 compares sign-ups pair by pair (its own words: "asymptotically quadratic") and
then hands out givers greedily, fewest options first, which can leave people without
a gift when a complete assignment exists. Here compatible pairs come from an inverted
index from tags to offers, and the assignment is a maximum matching of the
compatibility graph: first as many recipients as any assignment can match, then the
greatest total quality among those assignments.

Compatibility follows AO3's potential match settings (MatchRules):

* a request and an offer match when, for every tag type with a requirement, they share
  at least the required number of tags, or every tag the request names of that type
  is offered (so a request that names none of a type asks for nothing there), or
  either side ticked "any" for the type; ALL asks for every tag of the request;
* a giver is compatible with a recipient when at least ``prompts_required`` of the
  recipient's requests are each matched by some offer of the giver (ALL: every one).
  AO3 counts matching request/offer pairs here, so one request matched by two offers
  counted twice; Quire counts requests, which is what the setting's name promises;
* nobody is compatible with themself: two sign-ups of the same participant never
  match (AO3 lets a person sign up once per pseud).

Optional tags never decide compatibility; they only raise the quality. The quality of
a pair (``PotentialMatch.score``) is, summed over the recipient's requests the giver
can fulfil: REQUEST_POINTS for the request, plus the number of tags (optional ones
included) that the giver's best offer for it shares with it. A further request
fulfilled is therefore worth more than a few more tags in common.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from typing import Final

from quire.core.tags import TagType

ALL: Final = -1
"""In MatchRules: every tag of the request (per type), or every request (prompts)."""

REQUEST_POINTS: Final = 3
"""Quality of fulfilling one request, before the tags its best offer shares with it."""

_NO_TAGS: Final[frozenset[int]] = frozenset()


@dataclass(frozen=True, slots=True)
class Prompt:
    """One request or one offer of a sign-up, as tag ids per tag type."""

    tags: Mapping[TagType, frozenset[int]]
    optional_tags: Mapping[TagType, frozenset[int]] = field(default_factory=dict)
    """Tags the participant would like without asking for them: they raise the quality only."""
    any_types: frozenset[TagType] = frozenset()
    """Types where the participant ticked "any": every tag of the type matches."""


@dataclass(frozen=True, slots=True)
class SignUp:
    """A participant's sign-up to an exchange: what they would like and what they can give."""

    id: int
    participant: int
    """The person behind the sign-up (user id): nobody is assigned to give to themself."""
    requests: tuple[Prompt, ...]
    offers: tuple[Prompt, ...]


@dataclass(frozen=True, slots=True)
class MatchRules:
    """AO3's "potential match settings" of an exchange."""

    required: Mapping[TagType, int]
    """Per tag type, how many tags a request and an offer must share (0: no requirement,
    ALL: every tag of the request); a type left out requires nothing."""
    prompts_required: int = 1
    """How many of the recipient's requests the giver must be able to fulfil (ALL: all)."""

    def __post_init__(self) -> None:
        for tag_type, count in self.required.items():
            if count < ALL:
                raise ValueError(f"{tag_type} tags required: {count} is neither a count nor ALL")
        if self.prompts_required == 0 or self.prompts_required < ALL:
            raise ValueError(f"prompts required: {self.prompts_required} is not 1 or more, or ALL")

    @property
    def restricting_types(self) -> tuple[TagType, ...]:
        """The tag types whose requirement can rule a pair of prompts out."""
        return tuple(tag_type for tag_type, count in self.required.items() if count != 0)


@dataclass(frozen=True, slots=True)
class PromptMatch:
    """Why a request and an offer match: what they have in common."""

    shared: Mapping[TagType, frozenset[int]]
    """Tags both name, per type (types with none left out)."""
    optional_shared: Mapping[TagType, frozenset[int]]
    """Further tags in common once either side's optional tags are counted."""
    any_types: frozenset[TagType]
    """Types where the request or the offer ticked "any"."""

    @property
    def tag_count(self) -> int:
        """How many tags the two have in common, optional ones included."""
        return sum(map(len, self.shared.values())) + sum(map(len, self.optional_shared.values()))


@dataclass(frozen=True, slots=True)
class MatchedRequest:
    """One of the recipient's requests and the giver's offer that fulfils it best."""

    request_index: int
    """Position in the recipient's ``requests``."""
    offer_index: int
    """Position in the giver's ``offers``."""
    request: Prompt
    offer: Prompt
    tag_count: int
    """How many tags the two have in common, optional ones included."""

    @property
    def match(self) -> PromptMatch:
        """What the two have in common, worked out when asked: most potential matches are
        never shown to anyone, and an exchange has hundreds of thousands of them."""
        return _common_ground(self.request, self.offer)


@dataclass(frozen=True, slots=True)
class PotentialMatch:
    """A giver who could be assigned to a recipient, and how well the two fit."""

    giver: int
    """The giver's sign-up id."""
    recipient: int
    """The recipient's sign-up id."""
    score: int
    """The pair's quality (see the module's docstring)."""
    matched: tuple[MatchedRequest, ...]
    """Each request of the recipient the giver can fulfil, in the recipient's order."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an assignment was made, as data the pages render with tag names."""

    matched: tuple[MatchedRequest, ...]
    """The recipient's requests the giver can fulfil; empty when a moderator set a pair
    that the rules would not have matched."""
    score: int
    fixed: bool
    """Set by a moderator rather than by the matching."""

    @property
    def any_types(self) -> frozenset[TagType]:
        """Types matched through "any" in any of the matched requests."""
        return frozenset(chain.from_iterable(item.match.any_types for item in self.matched))

    def sentence(self, tag_name: Callable[[int], str]) -> str:
        """The explanation in plain words, e.g. for a moderator checking the assignments.

        "Request 1 matches offer 2 (Fandom: Hamlet; Character: Ophelia; optional
        Character: Horatio; any Relationship). Score 6."
        """
        parts = ["Set by a moderator."] if self.fixed else []
        parts.extend(_describe(item, tag_name) for item in self.matched)
        if not self.matched:
            parts.append("No request matches an offer under the exchange's rules.")
        parts.append(f"Score {self.score}.")
        return " ".join(parts)


def _describe(item: MatchedRequest, tag_name: Callable[[int], str]) -> str:
    match = item.match

    def names(tags: frozenset[int]) -> str:
        return ", ".join(sorted(map(tag_name, tags)))

    details = [f"{t.label}: {names(match.shared[t])}" for t in TagType if t in match.shared]
    details += [
        f"optional {t.label}: {names(match.optional_shared[t])}"
        for t in TagType
        if t in match.optional_shared
    ]
    details += [f"any {t.label}" for t in TagType if t in match.any_types]
    reasons = f" ({'; '.join(details)})" if details else ""
    return f"Request {item.request_index + 1} matches offer {item.offer_index + 1}{reasons}."


@dataclass(frozen=True, slots=True)
class Assignment:
    """One giver assigned to one recipient (sign-up ids)."""

    giver: int
    recipient: int
    explanation: Explanation

    @property
    def score(self) -> int:
        return self.explanation.score

    @property
    def fixed(self) -> bool:
        return self.explanation.fixed


@dataclass(frozen=True, slots=True)
class Matching:
    """The result of ``assign``."""

    assignments: list[Assignment]
    """Ordered by recipient sign-up id."""
    unmatched_givers: list[int]
    """Sign-ups that give to nobody, in the order they were given."""
    unmatched_recipients: list[int]
    """Sign-ups that receive from nobody, in the order they were given."""
    potential_count: int
    """How many (giver, recipient) pairs were compatible."""

    @property
    def total_score(self) -> int:
        return sum(assignment.score for assignment in self.assignments)


def prompt_match(request: Prompt, offer: Prompt, rules: MatchRules) -> PromptMatch | None:
    """What the request and the offer have in common, or None when the rules rule them out."""
    return _common_ground(request, offer) if _compatible(request, offer, rules) else None


def _compatible(request: Prompt, offer: Prompt, rules: MatchRules) -> bool:
    for tag_type, required in rules.required.items():
        if required == 0 or tag_type in request.any_types or tag_type in offer.any_types:
            continue
        wanted = request.tags.get(tag_type, _NO_TAGS)
        shared = len(wanted & offer.tags.get(tag_type, _NO_TAGS))
        if shared < len(wanted) and (required == ALL or shared < required):
            return False
    return True


def _common_ground(request: Prompt, offer: Prompt) -> PromptMatch:
    shared = {
        tag_type: common
        for tag_type, tags in request.tags.items()
        if (common := tags & offer.tags.get(tag_type, _NO_TAGS))
    }
    offered = _all_tags(offer)
    optional_shared = {
        tag_type: extra
        for tag_type, tags in _all_tags(request).items()
        if (extra := (tags & offered.get(tag_type, _NO_TAGS)) - shared.get(tag_type, _NO_TAGS))
    }
    return PromptMatch(shared, optional_shared, request.any_types | offer.any_types)


def _all_tags(prompt: Prompt) -> dict[TagType, frozenset[int]]:
    """The prompt's tags and optional tags together, per type: what quality counts."""
    merged = dict(prompt.tags)
    for tag_type, tags in prompt.optional_tags.items():
        merged[tag_type] = merged.get(tag_type, _NO_TAGS) | tags
    return merged


def match_signups(giver: SignUp, recipient: SignUp, rules: MatchRules) -> PotentialMatch | None:
    """The pair as a potential match, every request compared with every offer, or None.

    ``potential_matches`` finds the same pairs without comparing all of them; this is
    for a single pair, such as one a moderator proposes.
    """
    return next(OfferIndex([giver], ()).matches_for(recipient, rules), None)


def potential_matches(signups: Sequence[SignUp], rules: MatchRules) -> list[PotentialMatch]:
    """Every compatible (giver, recipient) pair, with its quality, by recipient then giver.

    Each request only meets the offers that share a tag of its most selective required
    type, or ticked "any" there (a request with "any" there, or naming no tag of it,
    meets every offer). Types that require nothing narrow nothing, so with no
    requirement at all every pair is compatible and the work is quadratic by nature.
    """
    if len({signup.id for signup in signups}) != len(signups):
        raise ValueError("two sign-ups have the same id")
    with garbage_collection_paused():
        index = OfferIndex(signups, rules.restricting_types)
        return [match for recipient in signups for match in index.matches_for(recipient, rules)]


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while matching piles up small objects.

    An exchange has hundreds of thousands of compatible pairs, each a few objects, none
    of them in a reference cycle; with the collector running, each of its full passes
    walks them all again, which took half the time at 3,000 sign-ups. Reference
    counting frees everything as usual meanwhile. The collector is one per process, so
    another thread running at the same time finds it paused too.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class OfferIndex:
    """The offers of some givers, found by (tag type, tag id) or by "any" of a type.

    ``potential_matches`` indexes every sign-up on every required type; AO3's method
    (bench/matching_greedy.py) indexes batches of a hundred on the first one.
    """

    def __init__(self, givers: Sequence[SignUp], types: Sequence[TagType]) -> None:
        self._givers = givers
        self._types = types
        self._offers: list[tuple[int, int]] = []
        """(giver position, offer index), by offer number."""
        self._all_tags: list[dict[TagType, frozenset[int]]] = []
        """Each offer's tags and optional tags, by offer number."""
        self._by_tag: dict[TagType, dict[int, list[int]]] = {tag_type: {} for tag_type in types}
        self._with_any: dict[TagType, list[int]] = {tag_type: [] for tag_type in types}
        for position, giver in enumerate(givers):
            for offer_index, offer in enumerate(giver.offers):
                number = len(self._offers)
                self._offers.append((position, offer_index))
                self._all_tags.append(_all_tags(offer))
                for tag_type in types:
                    if tag_type in offer.any_types:
                        self._with_any[tag_type].append(number)
                    for tag in offer.tags.get(tag_type, _NO_TAGS):
                        self._by_tag[tag_type].setdefault(tag, []).append(number)

    def matches_for(self, recipient: SignUp, rules: MatchRules) -> Iterator[PotentialMatch]:
        """The indexed givers compatible with the recipient, in the givers' order."""
        best: dict[int, dict[int, MatchedRequest]] = {}
        """Per giver position, per request index: the offer sharing the most tags."""
        for request_index, request in enumerate(recipient.requests):
            wanted = _all_tags(request)
            for number in self._candidates(request):
                position, offer_index = self._offers[number]
                giver = self._givers[position]
                offer = giver.offers[offer_index]
                if giver.participant == recipient.participant or not _compatible(
                    request, offer, rules
                ):
                    continue
                offered = self._all_tags[number]
                tag_count = sum(
                    len(tags & offered.get(tag_type, _NO_TAGS)) for tag_type, tags in wanted.items()
                )
                per_request = best.setdefault(position, {})
                current = per_request.get(request_index)
                if current is None or tag_count > current.tag_count:
                    per_request[request_index] = MatchedRequest(
                        request_index, offer_index, request, offer, tag_count
                    )
        needed = (
            len(recipient.requests) if rules.prompts_required == ALL else rules.prompts_required
        )
        for position in sorted(best):
            per_request = best[position]
            if len(per_request) >= needed:
                matched = tuple(per_request[index] for index in sorted(per_request))
                score = sum(REQUEST_POINTS + item.tag_count for item in matched)
                yield PotentialMatch(self._givers[position].id, recipient.id, score, matched)

    def _candidates(self, request: Prompt) -> Iterable[int]:
        """The numbers of the offers that may match the request."""
        narrowest: list[Sequence[int]] | None = None
        narrowest_size = 0
        for tag_type in self._types:
            wanted = request.tags.get(tag_type, _NO_TAGS)
            if not wanted or tag_type in request.any_types:
                continue
            by_tag = self._by_tag[tag_type]
            lists: list[Sequence[int]] = [by_tag.get(tag, ()) for tag in wanted]
            lists.append(self._with_any[tag_type])
            size = sum(map(len, lists))
            if narrowest is None or size < narrowest_size:
                narrowest, narrowest_size = lists, size
        if narrowest is None:
            return range(len(self._offers))
        return sorted(set(chain.from_iterable(narrowest)))


def assign(
    signups: Sequence[SignUp],
    rules: MatchRules,
    *,
    fixed: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
) -> Matching:
    """Assign givers to recipients: as many recipients as possible, then the best quality.

    ``fixed`` (giver, recipient) pairs, set by a moderator, are kept as they are, even
    when the rules would not match them; ``forbidden`` pairs, removed by a moderator,
    are never made. Everyone gives at most once and receives at most once.
    """
    by_id = {signup.id: signup for signup in signups}
    fixed_pairs = _checked_pairs(fixed, by_id, "fixed")
    forbidden_pairs = set(_checked_pairs(forbidden, by_id, "forbidden"))
    _check_fixed(fixed_pairs, forbidden_pairs, by_id)
    fixed_givers = {giver for giver, _ in fixed_pairs}
    fixed_recipients = {recipient for _, recipient in fixed_pairs}
    with garbage_collection_paused():
        potential = potential_matches(signups, rules)
        free = [
            match
            for match in potential
            if match.giver not in fixed_givers
            and match.recipient not in fixed_recipients
            and (match.giver, match.recipient) not in forbidden_pairs
        ]
        assignments = [
            Assignment(match.giver, match.recipient, Explanation(match.matched, match.score, False))
            for match in _maximum_matching(free)
        ]
    for giver, recipient in fixed_pairs:
        match = match_signups(by_id[giver], by_id[recipient], rules)
        explanation = (
            Explanation(match.matched, match.score, True) if match else Explanation((), 0, True)
        )
        assignments.append(Assignment(giver, recipient, explanation))
    assignments.sort(key=lambda assignment: assignment.recipient)
    givers = {assignment.giver for assignment in assignments}
    recipients = {assignment.recipient for assignment in assignments}
    return Matching(
        assignments=assignments,
        unmatched_givers=[signup.id for signup in signups if signup.id not in givers],
        unmatched_recipients=[signup.id for signup in signups if signup.id not in recipients],
        potential_count=len(potential),
    )


def _maximum_matching(edges: Sequence[PotentialMatch]) -> list[PotentialMatch]:
    """The edges of a matching with the most pairs and, among those, the greatest score.

    SciPy's min_weight_full_bipartite_matching (LAPJVsp, sparse) wants a matching that
    covers every row, so the graph is doubled the textbook way: each giver g also gets
    a stand-in recipient "g gives nothing", each recipient r a stand-in giver "r
    receives nothing", both at a penalty P, and the two stand-ins of every edge (g, r)
    may pair up at no cost. A real edge costs CEILING - score, CEILING being one more
    than the best score. A matching of c pairs and total score S then costs a constant
    - c * (2P - CEILING) - S, and with P = (most pairs possible + 1) * CEILING one more
    pair outweighs any difference in score, so the cheapest full matching is a maximum
    one with the best score. Every weight is raised by 1, which changes no choice
    (every full matching has as many edges), because SciPy wants non-zero weights.
    """
    if not edges:
        return []
    # Imported here: they take a third of a second, and every web process imports this
    # module for its rules while only an assignment needs them.
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    by_edge = np.fromiter(
        chain.from_iterable(map(attrgetter("giver", "recipient", "score"), edges)),
        np.int64,
        3 * len(edges),
    ).reshape(-1, 3)
    giver_ids, edge_givers = np.unique(by_edge[:, 0], return_inverse=True)
    recipient_ids, edge_recipients = np.unique(by_edge[:, 1], return_inverse=True)
    scores = by_edge[:, 2]
    givers, recipients = len(giver_ids), len(recipient_ids)
    ceiling = int(scores.max()) + 1
    penalty = (min(givers, recipients) + 1) * ceiling
    every_giver, every_recipient = np.arange(givers), np.arange(recipients)
    rows = np.concatenate(
        [edge_givers, givers + edge_recipients, every_giver, givers + every_recipient]
    )
    columns = np.concatenate(
        [edge_recipients, recipients + edge_givers, recipients + every_giver, every_recipient]
    )
    weights = np.concatenate(
        [
            1 + ceiling - scores,
            np.ones(len(edges), np.int64),
            np.full(givers + recipients, 1 + penalty, np.int64),
        ]
    ).astype(np.float64)
    size = givers + recipients
    matrix = csr_matrix((weights, (rows, columns)), shape=(size, size))
    row_of, column_of = min_weight_full_bipartite_matching(matrix)
    chosen = (row_of < givers) & (column_of < recipients)
    # Back from (giver, recipient) cells to edges: each edge is the only one in its cell.
    cells = edge_givers * recipients + edge_recipients
    order = np.argsort(cells)
    wanted = row_of[chosen] * recipients + column_of[chosen]
    return [edges[index] for index in order[np.searchsorted(cells, wanted, sorter=order)].tolist()]


def _checked_pairs(
    pairs: Iterable[tuple[int, int]], by_id: Mapping[int, SignUp], kind: str
) -> list[tuple[int, int]]:
    checked = list(pairs)
    for giver, recipient in checked:
        if giver not in by_id or recipient not in by_id:
            raise ValueError(f"{kind} pair ({giver}, {recipient}) names an unknown sign-up")
    return checked


def _check_fixed(
    fixed: Sequence[tuple[int, int]],
    forbidden: set[tuple[int, int]],
    by_id: Mapping[int, SignUp],
) -> None:
    """A moderator's pairs must still leave everyone giving once and receiving once."""
    for giver, recipient in fixed:
        if by_id[giver].participant == by_id[recipient].participant:
            raise ValueError(f"fixed pair ({giver}, {recipient}): nobody gives to themself")
        if (giver, recipient) in forbidden:
            raise ValueError(f"fixed pair ({giver}, {recipient}) is also forbidden")
    if len({giver for giver, _ in fixed}) != len(fixed):
        raise ValueError("a sign-up is fixed to give more than once")
    if len({recipient for _, recipient in fixed}) != len(fixed):
        raise ValueError("a sign-up is fixed to receive more than once")
