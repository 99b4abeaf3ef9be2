"""Additional tags ("freeforms") that AO3 authors use most, from cue words and the other findings.

Which freeforms to offer was chosen from how often AO3's canonical freeforms were used
(Fluff, Angst, Romance, Hurt/Comfort, Humor, Established Relationship, Friendship,
Drabble, First Kiss, Character Death, Smut… lead that list); only those a text's
words can support are here. Each rule says what it needs:

- Fluff / Angst / Humor / Family: their cue words often enough per 1,000 words,
  Fluff only when angst, violence and death are low.
- Hurt/Comfort: injury or illness words and comfort words, both.
- Romance: a romantic relationship suggested, with romantic cues.
- First Kiss: a "first kiss" phrase with a romantic pair. Established Relationship:
  husband/wife/anniversary-type words with a romantic pair.
- Friendship: friendship words with a platonic pair (or many of them), and no
  romantic pair.
- Smut: an Explicit rating with many explicit terms.
- Character Death and Angst: with the Major Character Death warning.
  Grief/Mourning: grief words. Violence: with Graphic Depictions Of Violence.
- Christmas, Halloween, Alternate Universe - Coffee Shops & Cafés, Alternate
  Universe, Post-Canon: their own phrases, at least twice (three times for cafés,
  which stories visit without being coffee-shop AUs; once for "alternate
  universe", which authors only write on purpose).
- Crossover: two or more fandoms suggested.
- Drabble: at most 110 words (drabbles are 100 by convention; counts differ a
  little between tools). Ficlet: at most 1,000 words, with a modest score.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Final

from quire.core.suggest.cues import Cue, CueHit
from quire.core.suggest.layout import TextLayout
from quire.core.suggest.model import Evidence, Suggestion, by_score
from quire.core.suggest.rating import cue_evidence
from quire.core.tags import EXPLICIT, GRAPHIC_VIOLENCE, MAJOR_CHARACTER_DEATH

__all__ = ["score_freeforms"]

DRABBLE_MAX_WORDS: Final = 110
FICLET_MAX_WORDS: Final = 1000

# (tag, cue, hits at least, hits per 1,000 words at least)
_DENSITY_TAGS: Final = (
    ("Angst", Cue.ANGST, 4, 14.0),
    ("Humor", Cue.HUMOR, 3, 9.0),
    ("Family", Cue.FAMILY, 4, 12.0),
)
_PHRASE_TAGS: Final = (
    ("Christmas", Cue.CHRISTMAS, 2),
    ("Halloween", Cue.HALLOWEEN, 2),
    ("Alternate Universe - Coffee Shops & Cafés", Cue.COFFEE_SHOP, 3),
    ("Alternate Universe", Cue.AU, 1),
    ("Post-Canon", Cue.POST_CANON, 2),
)


def _density(count: int, words: int) -> float:
    return count * 1000 / max(words, 1)


def _strength(ratio: float) -> float:
    """A score from how far past its threshold (ratio 1) a finding is: 0.5 at the threshold."""
    return 1 - math.pow(0.5, ratio)


def score_freeforms(
    layout: TextLayout,
    hits: list[CueHit],
    *,
    rating: str,
    warnings: list[str],
    relationships: list[Suggestion],
    fandom_count: int,
) -> list[Suggestion]:
    words = layout.word_count
    count = Counter(hit.cue for hit in hits)
    by_cue: dict[Cue, list[CueHit]] = defaultdict(list)
    for hit in hits:
        by_cue[hit.cue].append(hit)
    romantic = [item for item in relationships if "/" in item.name]
    found: list[Suggestion] = []

    def add(name: str, score: float, *cues: Cue, limit: int = 6) -> None:
        chosen = [hit for cue in cues for hit in by_cue[cue]]
        found.append(Suggestion(name, min(score, 0.99), cue_evidence(layout, chosen, limit)))

    for name, cue, floor, per_thousand in _DENSITY_TAGS:
        density = _density(count[cue], words)
        if count[cue] >= floor and density >= per_thousand:
            add(name, _strength(density / per_thousand), cue)

    fluff = _density(count[Cue.FLUFF], words)
    troubles = _density(count[Cue.ANGST] + count[Cue.GRAPHIC] + count[Cue.VIOLENCE], words)
    calm = troubles < 0.6 * fluff and MAJOR_CHARACTER_DEATH not in warnings
    if count[Cue.FLUFF] >= 4 and fluff >= 20 and calm:
        add("Fluff", _strength(fluff / 20) * (1 - troubles / fluff), Cue.FLUFF)

    hurt, comfort = count[Cue.HURT], count[Cue.COMFORT]
    if hurt >= 2 and comfort >= 2 and _density(hurt + comfort, words) >= 10:
        add(
            "Hurt/Comfort",
            _strength(_density(hurt + comfort, words) / 10),
            Cue.HURT,
            Cue.COMFORT,
        )

    romance = sum(hit.weight for hit in by_cue[Cue.ROMANCE])
    if romantic and romance >= 1.5:
        add("Romance", _strength(romance / 1.5) * 0.9, Cue.ROMANCE)
    if romantic and count[Cue.FIRST_KISS]:
        add("First Kiss", _strength(1 + count[Cue.FIRST_KISS]), Cue.FIRST_KISS)
    if romantic and count[Cue.ESTABLISHED] >= 2:
        add("Established Relationship", _strength(count[Cue.ESTABLISHED] / 2), Cue.ESTABLISHED)
    friendship = _density(count[Cue.FRIEND], words)
    friends = [item for item in relationships if " & " in item.name]
    if not romantic and count[Cue.FRIEND] >= 2 and (friends or friendship >= 5):
        add("Friendship", _strength(friendship / 5) * 0.9, Cue.FRIEND)

    if rating == EXPLICIT and count[Cue.EXPLICIT] >= max(4, 3 * words / 1000):
        add("Smut", _strength(count[Cue.EXPLICIT] / 4), Cue.EXPLICIT)
    grief = _density(count[Cue.GRIEF], words)
    if MAJOR_CHARACTER_DEATH in warnings:
        add("Character Death", 0.8, Cue.DEATH_AFTER, Cue.DEATH_BEFORE, Cue.GRIEF)
        if not any(item.name == "Angst" for item in found):
            add("Angst", 0.6, Cue.ANGST, Cue.GRIEF)
    if count[Cue.GRIEF] >= 2 and grief >= 5:
        add("Grief/Mourning", _strength(grief / 5), Cue.GRIEF)
    if GRAPHIC_VIOLENCE in warnings:
        add("Violence", 0.7, Cue.GRAPHIC, Cue.VIOLENCE)

    for name, cue, floor in _PHRASE_TAGS:
        if count[cue] >= floor:
            add(name, _strength(count[cue] / floor), cue)

    if fandom_count >= 2:
        found.append(Suggestion("Crossover", 0.7, []))
    length = Evidence(f"{words:,} words", words, "whole text")
    if 0 < words <= DRABBLE_MAX_WORDS:
        found.append(Suggestion("Drabble", 0.9 if 95 <= words <= 105 else 0.7, [length]))
    elif DRABBLE_MAX_WORDS < words <= FICLET_MAX_WORDS:
        found.append(Suggestion("Ficlet", 0.5, [length]))
    return by_score(found)
