"""From names found in a text to the characters and fandoms it is about.

Three decisions are made here, each with the whole text in view:

1. A name that is also a common word ("Will", "Faith", "Dawn") is doubted at the
   start of a sentence, where everything is capitalised. It is dropped outright when
   followed by a pronoun or article ("Will you…", "Faith the…"), believed when
   possessive ("Will's"), and otherwise kept only if the same character is named
   somewhere mid-sentence too.
2. A name several tags answer to ("Jim": Kirk in Star Trek, Moriarty in BBC
   Sherlock) goes to the tag whose fandoms the unambiguous names and vocabulary of
   the text support most; with no difference, it names no one.
3. Fandoms are weighed from what was found: characters, pairing names, vocabulary
   and the fandom's own name. A tag linked to several fandoms (Sherlock Holmes is in
   BBC Sherlock and in Doyle's stories) splits its weight in proportion to what
   the text says about each fandom on its own. A fandom needs two separate pieces
   of evidence (a lone "Angel" or "Will" is not one), someone named (vocabulary
   alone is not enough), and enough weight for the length of the text. When two
   fandoms are supported only by the same shared tags, the one with more tags in
   the lexicon is suggested rather than both.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from quire.core.suggest.layout import TextLayout
from quire.core.suggest.model import Evidence, Suggestion, by_score
from quire.core.suggest.names import Candidate, Form, Kind, NameIndex, RawMatch
from quire.core.tags import TagType

__all__ = [
    "FandomResult",
    "Mention",
    "character_threshold",
    "fandom_threshold",
    "resolve",
    "score_characters",
    "score_fandoms",
]

# After a sentence-initial "Will", "Hope", "Faith": the word is a verb or a noun.
_NOT_A_NAME_AFTER: Final = frozenset(
    {
        "you", "he", "she", "it", "we", "they", "i", "there", "this", "that", "the", "a",
        "an", "your", "his", "her", "my", "our", "their", "of", "in", "and", "or", "to",
        "for", "not",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention of a tag: tokens ``start``..``end`` (exclusive), at character ``offset``."""

    tag: int
    start: int
    end: int
    offset: int
    surface: str
    kind: Kind
    doubtful: bool = False  # the name is also an everyday word ("Will", "Angel")


def _weight(index: NameIndex, tag: int, kind: Kind) -> float:
    tag_type = index.tags[tag].type
    if tag_type == TagType.FANDOM:
        return 3.0
    if tag_type == TagType.RELATIONSHIP:
        return 2.0
    if tag_type == TagType.FREEFORM:
        return 1.5
    return 0.8 if kind == Kind.PART else 1.0


def resolve(layout: TextLayout, index: NameIndex, matches: list[RawMatch]) -> list[Mention]:
    """Decide which tag, if any, each found name stands for."""
    present = set(layout.tokens)
    evidence: dict[str, float] = defaultdict(float)
    kept: list[tuple[RawMatch, bool]] = []
    doubtful: set[int] = set()
    for match in matches:
        form = match.form
        shaky = False
        if (
            len(form.tokens) == 1
            and not form.folded
            and (form.common_word or form.tokens[0].lower() in present)
        ):
            doubtful.add(match.start)
        if match.start in doubtful and layout.starts_sentence(match.start):
            following = layout.lower[match.end] if match.end < len(layout.lower) else ""
            if following in _NOT_A_NAME_AFTER:
                continue
            # "Will's", "Spike's": verbs and most nouns do not take a possessive here.
            shaky = not (following == "s" and layout.gap(match.end - 1) == "'")
        kept.append((match, shaky))
        if not shaky and len(form.candidates) == 1:
            only = form.candidates[0]
            fandoms = index.evidence_fandoms[only.tag]
            for fandom in fandoms:
                evidence[fandom] += _weight(index, only.tag, only.kind) / len(fandoms)

    def support(tag: int) -> float:
        return max((evidence[fandom] for fandom in index.evidence_fandoms[tag]), default=0.0)

    def choose(form: Form) -> Candidate | None:
        if len(form.candidates) == 1:
            return form.candidates[0]
        ranked = sorted(form.candidates, key=lambda c: (-support(c.tag), c.kind))
        best, runner_up = ranked[0], ranked[1]
        if (support(best.tag), best.kind) == (support(runner_up.tag), runner_up.kind):
            return None
        return best

    # The choice depends only on the form and the whole text's evidence: decide once.
    choices: dict[int, Candidate | None] = {}
    chosen: list[tuple[RawMatch, bool, int, Kind]] = []
    for match, shaky in kept:
        key = id(match.form)
        if key not in choices:
            choices[key] = choose(match.form)
        choice = choices[key]
        if choice is not None:
            chosen.append((match, shaky, choice.tag, choice.kind))

    steady = {tag for _, shaky, tag, _ in chosen if not shaky}
    mentions: list[Mention] = []
    for match, shaky, tag, kind in chosen:
        if shaky and tag not in steady:
            continue
        start_offset = layout.starts[match.start]
        surface = layout.text[start_offset : layout.ends[match.end - 1]]
        mentions.append(
            Mention(
                tag, match.start, match.end, start_offset, surface, kind, match.start in doubtful
            )
        )
    return mentions


def character_threshold(words: int) -> float:
    """Mentions a character needs to be suggested: 2 in a short story, more in a long one."""
    return max(2.0, 0.6 * math.sqrt(words / 100))


def fandom_threshold(words: int) -> float:
    """Evidence weight a fandom needs: 3 in a short story, more in a long one."""
    return max(3.0, 0.5 * math.sqrt(words / 100))


@dataclass(slots=True)
class FandomResult:
    suggestions: list[Suggestion]
    names: set[str]


# Vocabulary and fandom names repeat a lot in some texts ("Starfleet"); only the
# first few mentions of each add weight.
_TERM_CAP: Final = 5


def score_fandoms(layout: TextLayout, index: NameIndex, mentions: list[Mention]) -> FandomResult:
    """Weigh the fandoms by what was found, and keep those with enough varied evidence."""
    per_tag: dict[int, list[Mention]] = defaultdict(list)
    for mention in mentions:
        if index.evidence_fandoms[mention.tag]:
            per_tag[mention.tag].append(mention)
    weights: dict[int, float] = {}
    for tag, found in per_tag.items():
        tag_type = index.tags[tag].type
        capped = found if tag_type == TagType.CHARACTER else found[:_TERM_CAP]
        weights[tag] = sum(_weight(index, tag, mention.kind) for mention in capped)
    own: dict[str, float] = defaultdict(float)
    for tag, weight in weights.items():
        fandoms = index.evidence_fandoms[tag]
        if len(fandoms) == 1:
            own[fandoms[0]] += weight
    total: dict[str, float] = defaultdict(float, own)
    sources: dict[str, dict[int, float]] = defaultdict(dict)
    for tag, weight in weights.items():
        fandoms = index.evidence_fandoms[tag]
        known = sum(own[fandom] for fandom in fandoms)
        for fandom in fandoms:
            share = own[fandom] / known if known > 0 else 1 / len(fandoms)
            if share <= 0:
                continue
            if len(fandoms) > 1:
                total[fandom] += weight * share
            sources[fandom][tag] = weight * share
    if not total:
        return FandomResult([], set())
    top = max(total.values())
    needed = fandom_threshold(layout.word_count)

    def distinct(tag: int) -> bool:
        """Whether a tag is evidence of its own: not a lone "Angel" or "Will"."""
        found = per_tag[tag]
        if index.tags[tag].type != TagType.CHARACTER:
            return True
        return len(found) >= 2 or any(not mention.doubtful for mention in found)

    passing = [
        fandom
        for fandom, weight in total.items()
        if weight >= needed
        and weight >= 0.25 * top
        and sum(distinct(tag) for tag in sources[fandom]) >= 2
        # Vocabulary alone does not make a story part of a fandom: someone must be named.
        and any(index.tags[tag].type != TagType.FREEFORM for tag in sources[fandom])
    ]
    # Fandoms the text cannot tell apart (the same shared characters, nothing of their
    # own): keep the one the lexicon knows best, rather than call it a crossover.
    rank = {fandom: (own[fandom], index.fandom_sizes[fandom], fandom) for fandom in passing}
    chosen = [
        fandom
        for fandom in passing
        if own[fandom] > 0
        or not any(
            other != fandom
            and sources[fandom].keys() <= sources[other].keys()
            and rank[other] > rank[fandom]
            for other in passing
        )
    ]
    suggestions: list[Suggestion] = []
    for fandom in chosen:
        weight = total[fandom]
        score = (1 - 0.5 ** (weight / needed)) * math.sqrt(weight / top)
        evidence = [
            Evidence(
                index.tags[tag].name,
                len(per_tag[tag]),
                layout.where([mention.offset for mention in per_tag[tag]]),
            )
            for tag, _ in sorted(sources[fandom].items(), key=lambda item: -item[1])[:8]
        ]
        suggestions.append(Suggestion(fandom, score, evidence))
    suggestions = by_score(suggestions)
    return FandomResult(suggestions, {suggestion.name for suggestion in suggestions})


def score_characters(
    layout: TextLayout, index: NameIndex, mentions: list[Mention], fandoms: set[str]
) -> list[Suggestion]:
    """Characters named often enough for the length of the text, in a suggested fandom."""
    per_tag: dict[int, list[Mention]] = defaultdict(list)
    for mention in mentions:
        if index.tags[mention.tag].type == TagType.CHARACTER:
            per_tag[mention.tag].append(mention)
    needed = character_threshold(layout.word_count)
    suggestions: list[Suggestion] = []
    for tag, found in per_tag.items():
        tag_fandoms = index.tags[tag].fandoms
        if len(found) < needed or (tag_fandoms and not fandoms.intersection(tag_fandoms)):
            continue
        by_surface: dict[str, list[int]] = defaultdict(list)
        for mention in found:
            by_surface[mention.surface].append(mention.offset)
        evidence = [
            Evidence(surface, len(offsets), layout.where(offsets))
            for surface, offsets in sorted(by_surface.items(), key=lambda item: -len(item[1]))
        ]
        score = 1 - 0.5 ** (len(found) / needed)
        suggestions.append(Suggestion(index.tags[tag].name, score, evidence))
    return by_score(suggestions)
