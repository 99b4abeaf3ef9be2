"""Tag suggestions read from a story's text, each with the evidence for it.

    from quire.core.suggest import Lexicon, starter_lexicon, suggest, text_of_html

    lexicon = starter_lexicon() | Lexicon.from_tags(archive_tags)
    suggestions = suggest(text_of_html(chapter_html), lexicon)
    suggestions.to_json()  # {"fandoms": [{"name", "score", "evidence": [...]}], ...}

Nothing here reads settings or a database: the caller supplies the lexicon.
"""

from __future__ import annotations

from quire.core.suggest.engine import suggest
from quire.core.suggest.evaluate import EvaluationReport, LabelledWork, TypeScore, evaluate
from quire.core.suggest.layout import text_of_html
from quire.core.suggest.lexicon import Lexicon, LexiconTag
from quire.core.suggest.model import Evidence, Suggestion, Suggestions
from quire.core.suggest.starter_sets import starter_fandoms, starter_lexicon, starter_tags

__all__ = [
    "EvaluationReport",
    "Evidence",
    "LabelledWork",
    "Lexicon",
    "LexiconTag",
    "Suggestion",
    "Suggestions",
    "TypeScore",
    "evaluate",
    "starter_fandoms",
    "starter_lexicon",
    "starter_tags",
    "suggest",
    "text_of_html",
]
