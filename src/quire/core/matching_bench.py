"""`quire bench matching`: Quire's matching beside AO3's greedy method, on one exchange.

The exchange is generated in the shape of a big multi-fandom exchange such as
Yuletide: about two fandoms for every three sign-ups, all of them small, their
popularity long-tailed (the k-th most requested fandom has weight 1/(k + 20); offers
follow a flatter curve, as people offer rarer fandoms than they ask for), 2–4
requests and 2–4 offers per sign-up, each in a different fandom; a request names 1–3
of its fandom's 3–8 characters (or "any" character, one in ten), an offer 2–5 (or
"any", two in five); both may add optional additional tags (tropes) from a pool of
forty; one participant in a hundred signs up twice (two pseuds). The rules are the
usual ones: a request and an offer must share their fandom; characters require
nothing and only count towards quality; one request of the recipient must be matched.

Both methods get the same sign-ups and rules, and are timed from the sign-ups to the
assignment: compatibility plus assignment.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate, count

from quire.core.matching import (
    MatchRules,
    PotentialMatch,
    Prompt,
    SignUp,
    assign,
    garbage_collection_paused,
    potential_matches,
)
from quire.core.tags import TagType

TROPES = 40
"""Size of the pool of additional tags prompts may add as optional."""

RULES = MatchRules(required={TagType.FANDOM: 1, TagType.CHARACTER: 0}, prompts_required=1)

GreedyCompatibility = Callable[[Sequence[SignUp], MatchRules], list[PotentialMatch]]
GreedyAssignment = Callable[[Sequence[SignUp], Sequence[PotentialMatch], int], list[PotentialMatch]]


@dataclass(frozen=True, slots=True)
class Exchange:
    signups: list[SignUp]
    rules: MatchRules
    fandoms: int


def generate_exchange(signups: int, seed: int) -> Exchange:
    """A Yuletide-shaped exchange of ``signups`` sign-ups, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    fandoms = max(10, round(signups * 2 / 3))
    request_weights = list(accumulate(1 / (rank + 20) for rank in range(fandoms)))
    offer_weights = list(accumulate(1 / (rank + 20) ** 0.8 for rank in range(fandoms)))
    tag_ids = count(1)
    fandom_ids = [next(tag_ids) for _ in range(fandoms)]
    characters = [[next(tag_ids) for _ in range(rng.randint(3, 8))] for _ in range(fandoms)]
    tropes = [next(tag_ids) for _ in range(TROPES)]

    def prompt(fandom: int, cast_named: tuple[int, int], any_share: float) -> Prompt:
        optional = frozenset(rng.sample(tropes, rng.randint(0, 3)))
        cast = characters[fandom]
        if rng.random() < any_share:
            chosen: frozenset[int] = frozenset()
            any_types = frozenset({TagType.CHARACTER})
        else:
            chosen = frozenset(rng.sample(cast, min(len(cast), rng.randint(*cast_named))))
            any_types = frozenset()
        return Prompt(
            tags={TagType.FANDOM: frozenset({fandom_ids[fandom]}), TagType.CHARACTER: chosen},
            optional_tags={TagType.FREEFORM: optional} if optional else {},
            any_types=any_types,
        )

    def distinct_fandoms(weights: list[float]) -> list[int]:
        wanted = rng.randint(2, 4)
        chosen: dict[int, None] = {}
        while len(chosen) < wanted:
            chosen.update(dict.fromkeys(rng.choices(range(fandoms), cum_weights=weights)))
        return list(chosen)

    people: list[int] = []
    made: list[SignUp] = []
    for signup_id in range(1, signups + 1):
        twice = bool(people) and rng.random() < 0.01
        participant = rng.choice(people) if twice else signup_id
        people.append(participant)
        requests = tuple(
            prompt(fandom, (1, 3), 0.1) for fandom in distinct_fandoms(request_weights)
        )
        offers = tuple(prompt(fandom, (2, 5), 0.4) for fandom in distinct_fandoms(offer_weights))
        made.append(SignUp(signup_id, participant, requests, offers))
    return Exchange(made, RULES, fandoms)


@dataclass(frozen=True, slots=True)
class MethodResult:
    total_s: float
    """From the sign-ups to the assignment."""
    compatibility_s: float
    """Finding the compatible pairs (Quire's: the same work timed in a call of its own)."""
    potential: int
    matched: int
    quality: int


@dataclass(frozen=True, slots=True)
class MatchingBenchReport:
    signups: int
    fandoms: int
    seed: int
    quire: MethodResult
    greedy: MethodResult

    def lines(self) -> list[str]:
        def line(name: str, result: MethodResult) -> str:
            return (
                f"{name:<7}{result.total_s:7.2f} s (compatibility {result.compatibility_s:.2f} s,"
                f" {result.potential:,} potential matches)  matched {result.matched:,}"
                f"  quality {result.quality:,}"
            )

        return [
            f"Gift exchange: {self.signups:,} sign-ups, {self.fandoms:,} fandoms, seed {self.seed}",
            line("quire", self.quire),
            line("greedy", self.greedy),
        ]

    def to_json(self) -> dict[str, object]:
        return {
            "signups": self.signups,
            "quire_s": round(self.quire.total_s, 3),
            "quire_matched": self.quire.matched,
            "greedy_s": round(self.greedy.total_s, 3),
            "greedy_matched": self.greedy.matched,
            "quire_quality": self.quire.quality,
            "greedy_quality": self.greedy.quality,
            "quire_compatibility_s": round(self.quire.compatibility_s, 3),
            "greedy_compatibility_s": round(self.greedy.compatibility_s, 3),
            "potential_matches": self.quire.potential,
            "fandoms": self.fandoms,
            "seed": self.seed,
        }


WARM_UP_SIGNUPS = 50
"""A small exchange matched both ways first, so that first-call costs land in neither."""


def run_matching_bench(
    signups: int,
    seed: int,
    *,
    greedy_compatibility: GreedyCompatibility,
    greedy_assignment: GreedyAssignment,
) -> MatchingBenchReport:
    """Generate one exchange and match it both ways.

    Quire's time is one ``assign`` call, which finds the compatible pairs itself; the
    share of that work is timed in a ``potential_matches`` call of its own just before.
    The greedy method runs with the garbage collector paused, as ``assign`` pauses it
    for itself, and each method's results are dropped before the other runs.
    """
    warm_up = generate_exchange(WARM_UP_SIGNUPS, seed)
    assign(warm_up.signups, warm_up.rules)
    greedy_assignment(warm_up.signups, greedy_compatibility(warm_up.signups, warm_up.rules), seed)

    exchange = generate_exchange(signups, seed)
    started = time.perf_counter()
    potential_matches(exchange.signups, exchange.rules)
    quire_compatibility = time.perf_counter() - started
    started = time.perf_counter()
    matching = assign(exchange.signups, exchange.rules)
    quire = MethodResult(
        total_s=time.perf_counter() - started,
        compatibility_s=quire_compatibility,
        potential=matching.potential_count,
        matched=len(matching.assignments),
        quality=matching.total_score,
    )
    del matching

    with garbage_collection_paused():
        started = time.perf_counter()
        greedy_compatible = greedy_compatibility(exchange.signups, exchange.rules)
        greedy_compatibility_s = time.perf_counter() - started
        chosen = greedy_assignment(exchange.signups, greedy_compatible, seed)
        greedy_total = time.perf_counter() - started
    greedy = MethodResult(
        total_s=greedy_total,
        compatibility_s=greedy_compatibility_s,
        potential=len(greedy_compatible),
        matched=len(chosen),
        quality=sum(match.score for match in chosen),
    )
    return MatchingBenchReport(signups, exchange.fandoms, seed, quire, greedy)
