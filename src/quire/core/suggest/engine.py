"""suggest(): read a story's text once and propose tags of every type, with evidence.

The order matters: names first (they decide the fandoms, and fandoms decide which
names count), then cue words outside the names, then what needs both.
"""

from __future__ import annotations

from quire.core.suggest.cues import find_cues
from quire.core.suggest.freeforms import score_freeforms
from quire.core.suggest.layout import TextLayout
from quire.core.suggest.lexicon import Lexicon
from quire.core.suggest.mentions import resolve, score_characters, score_fandoms
from quire.core.suggest.model import Suggestions
from quire.core.suggest.rating import score_rating, score_warnings
from quire.core.suggest.relationships import score_relationships
from quire.core.tags import TagType

__all__ = ["suggest"]


def suggest(text: str, lexicon: Lexicon) -> Suggestions:
    """Suggest tags for a plain-text story (use text_of_html first for HTML chapters)."""
    layout = TextLayout(text)
    index = lexicon.index
    mentions = resolve(layout, index, index.scan(layout))
    covered = {step for mention in mentions for step in range(mention.start, mention.end)}
    hits = find_cues(layout, covered)

    fandoms = score_fandoms(layout, index, mentions)
    characters = score_characters(layout, index, mentions, fandoms.names)
    chosen = {item.name for item in characters}
    character_tags = {
        number
        for number, tag in enumerate(index.tags)
        if tag.type == TagType.CHARACTER and tag.name in chosen
    }
    relationships = score_relationships(
        layout, index, mentions, hits, character_tags, fandoms.names
    )
    warnings = score_warnings(layout, hits, mentions, character_tags)
    rating = score_rating(layout, hits, warnings)
    freeforms = score_freeforms(
        layout,
        hits,
        rating=rating.name,
        warnings=[item.name for item in warnings],
        relationships=relationships,
        fandom_count=len(fandoms.suggestions),
    )
    return Suggestions(
        fandoms=fandoms.suggestions,
        characters=characters,
        relationships=relationships,
        rating=[rating],
        warnings=warnings,
        freeforms=freeforms,
    )
