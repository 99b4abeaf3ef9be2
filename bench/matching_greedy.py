"""AO3's gift-exchange matching, rebuilt from otwarchive's code: the baseline Quire must beat.

Compatibility (otwarchive's PotentialMatcherConstrained and PromptBatch): the sign-ups
are cut into batches of a hundred, and every batch of givers meets every batch of
recipients, which is what AO3 calls "asymptotically quadratic in the number of
signups". Within a pair of batches the givers' offers are indexed on the first tag
type with a requirement, and each request is tried against the offers that share one
of its tags of that type or ticked "any" for it (against all of them when the request
ticked "any" or names none). Requests and offers are judged by Quire's rules
(quire.core.matching.prompt_match), so that both methods face the same compatible
pairs and only the assignment differs.

Assignment (ChallengeAssignment.delayed_generate): each sign-up goes into a bucket by
how many potential matches it has as a recipient, and into another by how many it has
as a giver. From the smallest count up: the recipients of that count, in random order,
each take the best-ranked giver who is not giving yet; then the givers of that count,
in random order, each take the best-ranked recipient who is not receiving yet. A
sign-up is done once its turn has come, even when nobody was left for it. A pair that
would close a circle of two (A gives to B, B to A) is taken only when nothing else is
left. Potential matches rank by how many of the recipient's requests they fulfil (AO3
counts matching request/offer pairs), then by the most tags one request and its offer
share (AO3's max_tags_matched, whose "all" is counted here as the number of tags),
then by order of discovery (AO3's row id; its list is sorted and reversed, so the
latest found comes first among equals).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence

from quire.core.matching import MatchRules, OfferIndex, PotentialMatch, SignUp

BATCH_SIZE = 100
"""Sign-ups per batch, AO3's default."""


def ao3_potential_matches(signups: Sequence[SignUp], rules: MatchRules) -> list[PotentialMatch]:
    """Every compatible pair, found batch against batch as AO3 does."""
    index_types = rules.restricting_types[:1]
    found: list[PotentialMatch] = []
    for start in range(0, len(signups), BATCH_SIZE):
        givers = OfferIndex(signups[start : start + BATCH_SIZE], index_types)
        for recipient in signups:
            found.extend(givers.matches_for(recipient, rules))
    return found


def ao3_assign(
    signups: Sequence[SignUp], potential: Sequence[PotentialMatch], seed: int
) -> list[PotentialMatch]:
    """The pairs AO3's greedy assignment makes, fewest options first."""
    rng = random.Random(seed)
    ranked = [
        match
        for _, match in sorted(
            enumerate(potential),
            key=lambda found: (
                len(found[1].matched),
                max(item.tag_count for item in found[1].matched),
                found[0],
            ),
            reverse=True,
        )
    ]
    recipients = _Side(signups, ranked, lambda match: match.recipient, lambda match: match.giver)
    givers = _Side(signups, ranked, lambda match: match.giver, lambda match: match.recipient)
    chosen: list[PotentialMatch] = []
    for options in sorted(recipients.buckets.keys() | givers.buckets.keys()):
        for side, other in ((recipients, givers), (givers, recipients)):
            for signup in _shuffled(side.buckets.get(options, []), rng):
                if signup.id in side.partner:
                    continue
                match = side.take_turn(signup.id, other)
                if match:
                    recipients.partner[match.recipient] = match.giver
                    givers.partner[match.giver] = match.recipient
                    chosen.append(match)
    return chosen


class _Side:
    """The recipients' side of the exchange, or the givers'."""

    def __init__(
        self,
        signups: Sequence[SignUp],
        ranked: Sequence[PotentialMatch],
        own_end: Callable[[PotentialMatch], int],
        other_end: Callable[[PotentialMatch], int],
    ) -> None:
        self.other_end = other_end
        self.options: dict[int, list[PotentialMatch]] = defaultdict(list)
        """Per sign-up, its potential matches on this side, best first."""
        for match in ranked:
            self.options[own_end(match)].append(match)
        self.buckets: dict[int, list[SignUp]] = defaultdict(list)
        """Sign-ups by how many potential matches they have on this side."""
        for signup in signups:
            self.buckets[len(self.options[signup.id])].append(signup)
        self.partner: dict[int, int | None] = {}
        """Sign-ups whose turn has come or who were taken, and their partner, if any."""

    def take_turn(self, signup_id: int, other: _Side) -> PotentialMatch | None:
        """The sign-up's best option still free on the other side; one that would close a
        circle of two (its partner already paired with it the other way) only as a last resort."""
        self.partner[signup_id] = None
        last_resort = None
        for match in self.options[signup_id]:
            partner = self.other_end(match)
            if partner in other.partner:
                continue
            if self.partner.get(partner) != signup_id:
                return match
            last_resort = last_resort or match
        return last_resort


def _shuffled(signups: list[SignUp], rng: random.Random) -> list[SignUp]:
    shuffled = list(signups)
    rng.shuffle(shuffled)
    return shuffled
