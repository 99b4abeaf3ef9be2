"""Relationships: pairing names from the lexicon, and pairs the text brings together.

A pairing name or relationship tag written in the text ("Spuffy") is taken at its
word. Otherwise a pair of suggested characters is proposed:

- romantic ("A/B") only when romantic cues add up to a kiss's worth (a kiss or
  "in love" counts 1, "married" 0.75, holding hands or a head on a shoulder 0.5, a
  kiss on the forehead 0.25). Each cue is credited to the two characters named
  nearest to it (within some 80 words before and 40 after, preferring names in the
  cue's own sentence, and looking further back when only one is near: "he took her
  hand"), so a third person in the room does not get paired. A character's other
  romances must reach about a third of their strongest one, so that in a long story a
  few friendly hugs do not make a second couple;
- platonic ("A & B") only when the two share a good part of their scenes,
  friendship words (or, at half weight, family words) are near both, and there is
  no romance between them.

Characters with the same surname (Buffy and Dawn Summers) are never paired by cues
unless the lexicon knows them as a couple (Keiko and Miles O'Brien).

Names: the lexicon's relationship tag for the pair when there is one; otherwise
"A/B" (or "A & B") with the two canonical character names in alphabetical order.
AO3 keeps the order the wrangler wrote, which varies; alphabetical is predictable,
and the same pair always gets the same name.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Final

from quire.core.suggest.cues import Cue, CueHit
from quire.core.suggest.layout import TextLayout
from quire.core.suggest.lexicon import base_name
from quire.core.suggest.mentions import Mention
from quire.core.suggest.model import Evidence, Suggestion, by_score
from quire.core.suggest.names import NameIndex
from quire.core.tags import TagType

__all__ = ["relationship_name", "score_relationships"]

ROMANCE_NEEDED: Final = 1.0
FRIENDSHIP_NEEDED: Final = 1.5
RIVAL_SHARE: Final = 0.35  # of the strongest romance either character has
# A cue is credited to characters named up to this many words before or after it:
# a scene names its people once and then says "he" and "she" for a while.
BEFORE: Final = 80
AFTER: Final = 40
OTHER_SENTENCE: Final = 40  # extra distance for a name outside the cue's sentence
FAR: Final = 250  # how far back to look for the other person when only one is near
TOGETHER: Final = 2  # sentences apart that still count as "together"
# Cues credited to the nearest pair, and what a platonic cue is worth: family words
# ("sister", "Dad") count for a platonic bond, half as much as friendship words.
_CREDITED: Final = {Cue.ROMANCE: 1.0, Cue.FRIEND: 1.0, Cue.FAMILY: 0.5}


def relationship_name(first: str, second: str, *, platonic: bool) -> str:
    """The constructed name of a pair: canonical names in alphabetical order."""
    one, two = sorted((first, second))
    return f"{one} & {two}" if platonic else f"{one}/{two}"


@dataclass(slots=True)
class _Pair:
    romance: float = 0.0
    friendship: float = 0.0
    romance_words: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    friend_words: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _credit(
    layout: TextLayout,
    hits: list[CueHit],
    named: list[Mention],
    pairs: dict[tuple[int, int], _Pair],
) -> None:
    """Credit each romance or friendship cue to the two characters named nearest to it."""
    positions = [mention.start for mention in named]
    for hit in hits:
        if hit.cue not in _CREDITED:
            continue
        low = bisect_left(positions, hit.start - BEFORE)
        high = bisect_right(positions, hit.end + AFTER)
        sentence = layout.sentence_of(layout.starts[hit.start])
        nearest: dict[int, int] = {}
        for mention in named[low:high]:
            # People named in the cue's own sentence are its likeliest subjects.
            distance = abs(mention.start - hit.start)
            if layout.sentence_of(mention.offset) != sentence:
                distance += OTHER_SENTENCE
            if distance < nearest.get(mention.tag, 1 << 62):
                nearest[mention.tag] = distance
        if len(nearest) == 1:
            # "He took her hand": the other person was named further back.
            (only,) = nearest
            for mention in reversed(named[bisect_left(positions, hit.start - FAR) : low]):
                if mention.tag != only:
                    nearest[mention.tag] = hit.start - mention.start
                    break
        if len(nearest) < 2:
            continue
        first, second = sorted(nearest, key=lambda tag: (nearest[tag], tag))[:2]
        pair = pairs[(min(first, second), max(first, second))]
        offset = layout.starts[hit.start]
        if hit.cue == Cue.ROMANCE:
            pair.romance += hit.weight
            pair.romance_words[hit.words].append(offset)
        else:
            pair.friendship += _CREDITED[hit.cue]
            pair.friend_words[hit.words].append(offset)


def _together(sentences: dict[int, set[int]], first: int, second: int) -> list[int]:
    """Sentences naming ``first`` with ``second`` named in it or next to it."""
    others = sentences[second]
    return sorted(
        number
        for number in sentences[first]
        if any(number + step in others for step in range(-TOGETHER, TOGETHER + 1))
    )


def score_relationships(
    layout: TextLayout,
    index: NameIndex,
    mentions: list[Mention],
    hits: list[CueHit],
    characters: set[int],
    fandoms: set[str],
) -> list[Suggestion]:
    """Relationship suggestions from pairing names and from cues near pairs of characters."""
    found: dict[str, Suggestion] = {}

    named: dict[int, list[Mention]] = defaultdict(list)
    for mention in mentions:
        tag = index.tags[mention.tag]
        if tag.type == TagType.RELATIONSHIP and (
            not tag.fandoms or fandoms.intersection(tag.fandoms)
        ):
            named[mention.tag].append(mention)
    for tag_number, tag_mentions in named.items():
        by_surface: dict[str, list[int]] = defaultdict(list)
        for mention in tag_mentions:
            by_surface[mention.surface].append(mention.offset)
        evidence = [
            Evidence(surface, len(offsets), layout.where(offsets))
            for surface, offsets in by_surface.items()
        ]
        name = index.tags[tag_number].name
        found[name] = Suggestion(name, 1 - 0.5 ** (len(tag_mentions) + 1), evidence)

    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    sentences: dict[int, set[int]] = defaultdict(set)
    for mention in mentions:
        if mention.tag in characters:
            number = layout.sentence_of(mention.offset)
            by_sentence[number].append(mention)
            sentences[mention.tag].add(number)
    pairs: dict[tuple[int, int], _Pair] = defaultdict(_Pair)
    named_characters = sorted(
        (mention for mention in mentions if mention.tag in characters),
        key=lambda mention: mention.start,
    )
    _credit(layout, hits, named_characters, pairs)

    # A character's main romance sets the bar for their others: in a long story, a few
    # friendly hugs must not add up to a second couple.
    best: dict[int, float] = defaultdict(float)
    for (first, second), pair in pairs.items():
        best[first] = max(best[first], pair.romance)
        best[second] = max(best[second], pair.romance)

    for first, second in combinations(sorted(characters), 2):
        pair = pairs.get((first, second), _Pair())
        together = _together(sentences, first, second)
        if not together:
            continue
        romantic = pair.romance >= max(ROMANCE_NEEDED, RIVAL_SHARE * max(best[first], best[second]))
        platonic = (
            not romantic
            and pair.romance < 0.5
            and pair.friendship >= FRIENDSHIP_NEEDED
            and len(together) >= 0.3 * min(len(sentences[first]), len(sentences[second]))
        )
        if not (romantic or platonic):
            continue
        known = index.relationship_for.get((frozenset((first, second)), platonic))
        if known is None and romantic and _same_family(index, first, second):
            continue
        if known is not None:
            name = index.tags[known].name
        else:
            name = relationship_name(
                index.tags[first].name, index.tags[second].name, platonic=platonic
            )
        words = pair.friend_words if platonic else pair.romance_words
        evidence = [
            Evidence(cue_words, len(offsets), layout.where(offsets))
            for cue_words, offsets in sorted(words.items(), key=lambda item: -len(item[1]))[:6]
        ]
        co_offsets = [
            mention.offset
            for number in together
            for mention in by_sentence[number]
            if mention.tag == first
        ]
        evidence.append(
            Evidence(
                f"{_short(index, first)} and {_short(index, second)} together",
                len(together),
                layout.where(co_offsets),
            )
        )
        if platonic:
            score = 0.5 + 0.25 * (1 - 0.5 ** (pair.friendship / 4))
        else:
            score = 1 - 0.5 ** (pair.romance / ROMANCE_NEEDED)
        previous = found.get(name)
        if previous is not None:
            previous.score = 1 - (1 - previous.score) * (1 - score)
            previous.evidence.extend(evidence)
        else:
            found[name] = Suggestion(name, score, evidence)
    return by_score(list(found.values()))


def _short(index: NameIndex, tag: int) -> str:
    return base_name(index.tags[tag].name)


def _same_family(index: NameIndex, first: int, second: int) -> bool:
    one = index.surnames.get(first)
    return one is not None and one == index.surnames.get(second)
