"""Rating and archive warnings from the words of the text.

Counts are compared with thresholds that grow with length (so many words per 1,000),
with a floor for short texts, because one "damn" in a novel is not one in a drabble.

Rating, strongest first:
- Explicit: several explicit sexual terms.
- Mature: an explicit term, or repeated sexual content, graphic violence, or heavy
  strong language.
- Teen And Up Audiences: some sexual content, graphic words, violence, any strong
  language, or repeated mild swearing.
- General Audiences: none of that (suggested with no evidence), unless a warning
  was found, which makes it Teen.

Warnings:
- Graphic Depictions Of Violence: graphic violence terms above a density.
- Major Character Death: a suggested character's death said in so many words ("Tara
  died", "Tara was dead", "Tara's funeral", "killed Tara", "mourned Tara"), not
  negated ("Tara wasn't dead"), twice, or once with grief around it.
- No Archive Warnings Apply when neither is found, with a low score: AO3 asks every
  work for a warning choice, and "nothing found" is a reasonable default that a
  person can change; it never outranks a found warning.
Rape/Non-Con and Underage Sex are never suggested: words alone cannot tell them
apart from consensual scenes or from adults, and a wrong suggestion there is harmful.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Final

from quire.core.suggest.cues import Cue, CueHit
from quire.core.suggest.layout import TextLayout
from quire.core.suggest.mentions import Mention
from quire.core.suggest.model import Evidence, Suggestion, by_score
from quire.core.tags import (
    EXPLICIT,
    GENERAL_AUDIENCES,
    GRAPHIC_VIOLENCE,
    MAJOR_CHARACTER_DEATH,
    MATURE,
    NO_WARNINGS_APPLY,
    TEEN_AND_UP,
)

__all__ = ["needed", "score_rating", "score_warnings"]

_RATING_CUES: Final = (
    Cue.EXPLICIT,
    Cue.SEXUAL,
    Cue.GRAPHIC,
    Cue.STRONG_LANGUAGE,
    Cue.VIOLENCE,
    Cue.MILD_LANGUAGE,
)


def needed(words: int, floor: float, per_thousand: float) -> float:
    """A threshold: ``floor`` hits, or ``per_thousand`` per 1,000 words if that is more."""
    return max(floor, per_thousand * words / 1000)


def cue_evidence(layout: TextLayout, hits: Iterable[CueHit], limit: int = 8) -> list[Evidence]:
    """The cue words among ``hits``, most frequent first, with where they are."""
    offsets: dict[str, list[int]] = defaultdict(list)
    for hit in hits:
        offsets[hit.words].append(layout.starts[hit.start])
    ranked = sorted(offsets.items(), key=lambda item: (-len(item[1]), item[0]))[:limit]
    return [Evidence(words, len(found), layout.where(found)) for words, found in ranked]


def score_rating(
    layout: TextLayout, hits: list[CueHit], warnings: list[Suggestion] | None = None
) -> Suggestion:
    """The one rating the text's words call for, with the words that decided it.

    A work with a suggested warning (a character's death, graphic violence) is rated
    at least Teen And Up Audiences, as such works nearly always are on AO3.
    """
    words = layout.word_count
    count = Counter(hit.cue for hit in hits)
    by_cue: dict[Cue, list[CueHit]] = defaultdict(list)
    for hit in hits:
        by_cue[hit.cue].append(hit)

    def ratio(cue: Cue, floor: float, per_thousand: float) -> float:
        return count[cue] / needed(words, floor, per_thousand)

    explicit = max(
        ratio(Cue.EXPLICIT, 3, 0.1),
        min(ratio(Cue.EXPLICIT, 2, 0.05), ratio(Cue.SEXUAL, 3, 0.5)),
    )
    mature = max(
        ratio(Cue.EXPLICIT, 1, 0.02),
        ratio(Cue.SEXUAL, 3, 0.5),
        ratio(Cue.GRAPHIC, 3, 1.0),
        ratio(Cue.STRONG_LANGUAGE, 6, 4.0),
    )
    teen = max(
        ratio(Cue.SEXUAL, 1, 0.2),
        ratio(Cue.GRAPHIC, 1, 0.1),
        ratio(Cue.VIOLENCE, 3, 3.0),
        ratio(Cue.STRONG_LANGUAGE, 1, 0.1),
        ratio(Cue.MILD_LANGUAGE, 2, 2.0),
    )
    cues: tuple[Cue, ...]
    if explicit >= 1:
        name, strength, cues = EXPLICIT, explicit, (Cue.EXPLICIT, Cue.SEXUAL)
    elif mature >= 1:
        name, strength = MATURE, mature
        cues = (Cue.EXPLICIT, Cue.SEXUAL, Cue.GRAPHIC, Cue.STRONG_LANGUAGE)
    elif teen >= 1:
        name, strength, cues = TEEN_AND_UP, teen, _RATING_CUES
    else:
        serious = [item for item in warnings or () if item.name != NO_WARNINGS_APPLY]
        if serious:
            evidence = [Evidence(item.name, 1, "archive warning") for item in serious]
            return Suggestion(TEEN_AND_UP, 0.6, evidence)
        # Nothing crossed a line; the closer something came, the less sure.
        return Suggestion(GENERAL_AUDIENCES, 0.9 - 0.4 * min(teen, 1.0), [])
    score = 0.5 + 0.5 * (1 - 0.5**strength)
    chosen = [hit for cue in cues for hit in by_cue[cue]]
    return Suggestion(name, score, cue_evidence(layout, chosen))


def _death_spans(
    layout: TextLayout, hits: list[CueHit], mentions: list[Mention], characters: set[int]
) -> list[tuple[int, int]]:
    """Token spans where a character's death is stated."""
    by_end = {mention.end: mention for mention in mentions if mention.tag in characters}
    by_start = {mention.start: mention for mention in mentions if mention.tag in characters}
    negated = {hit.start for hit in hits if hit.cue == Cue.NEGATION}
    lower = layout.lower
    spans: list[tuple[int, int]] = []
    for hit in hits:
        if hit.cue == Cue.DEATH_AFTER:
            for back in range(4):
                mention = by_end.get(hit.start - back)
                if mention is None:
                    continue
                same_sentence = layout.sentence_of(mention.offset) == layout.sentence_of(
                    layout.starts[hit.start]
                )
                if same_sentence and not any(
                    step in negated for step in range(mention.end, hit.start)
                ):
                    spans.append((mention.start, hit.end))
                break
        elif hit.cue == Cue.DEATH_OWNED:
            mention = by_end.get(hit.start - 1)
            if mention is not None and lower[hit.start - 1] == "s":
                spans.append((mention.start, hit.end))
        elif hit.cue == Cue.DEATH_BEFORE:
            for ahead in range(3):
                mention = by_start.get(hit.end + ahead)
                if mention is not None:
                    spans.append((hit.start, mention.end))
                    break
    return spans


def score_warnings(
    layout: TextLayout, hits: list[CueHit], mentions: list[Mention], characters: set[int]
) -> list[Suggestion]:
    """Graphic violence and major character death when found, else No Archive Warnings Apply."""
    words = layout.word_count
    graphic = [hit for hit in hits if hit.cue == Cue.GRAPHIC]
    suggestions: list[Suggestion] = []
    graphic_needed = needed(words, 3, 1.0)
    if len(graphic) >= graphic_needed:
        score = 1 - 0.5 ** (len(graphic) / graphic_needed)
        suggestions.append(Suggestion(GRAPHIC_VIOLENCE, score, cue_evidence(layout, graphic)))

    deaths = _death_spans(layout, hits, mentions, characters)
    grief = [hit for hit in hits if hit.cue == Cue.GRIEF]
    if len(deaths) >= 2 or (deaths and len(grief) >= 2):
        offsets: dict[str, list[int]] = defaultdict(list)
        for start, end in deaths:
            phrase = layout.text[layout.starts[start] : layout.ends[end - 1]]
            offsets[" ".join(phrase.split())].append(layout.starts[start])
        evidence = [
            Evidence(phrase, len(found), layout.where(found)) for phrase, found in offsets.items()
        ]
        evidence.extend(cue_evidence(layout, grief, limit=4))
        score = 1 - 0.5 ** (len(deaths) + len(grief) / 2)
        suggestions.append(Suggestion(MAJOR_CHARACTER_DEATH, score, evidence))

    if not suggestions:
        suggestions.append(Suggestion(NO_WARNINGS_APPLY, 0.3, []))
    return by_score(suggestions)
