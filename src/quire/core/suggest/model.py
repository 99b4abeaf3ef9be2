"""What a tag suggestion is: a tag name, a confidence and the words that led to it.

Evidence is kept with every suggestion so that a person reviewing the suggestions
(an author posting, a wrangler, an importer's report) can see *why* a tag was
proposed and dismiss it quickly when the reason is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Evidence", "Suggestion", "Suggestions"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Some words found in the text, how often, and where (e.g. "paragraphs 3, 7, 12")."""

    words: str
    count: int
    where: str

    def to_json(self) -> dict[str, Any]:
        return {"words": self.words, "count": self.count, "where": self.where}


@dataclass(slots=True)
class Suggestion:
    """One suggested tag; ``score`` is a confidence between 0 and 1."""

    name: str
    score: float
    evidence: list[Evidence] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "score": round(self.score, 3),
            "evidence": [item.to_json() for item in self.evidence],
        }


_KEYS = ("fandoms", "characters", "relationships", "rating", "warnings", "freeforms")


@dataclass(slots=True)
class Suggestions:
    """Suggested tags by type, each list best first. ``rating`` holds at most one item."""

    fandoms: list[Suggestion] = field(default_factory=list)
    characters: list[Suggestion] = field(default_factory=list)
    relationships: list[Suggestion] = field(default_factory=list)
    rating: list[Suggestion] = field(default_factory=list)
    warnings: list[Suggestion] = field(default_factory=list)
    freeforms: list[Suggestion] = field(default_factory=list)

    def names(self, key: str) -> list[str]:
        """The suggested tag names under one of the JSON keys, best first."""
        return [item.name for item in self._lists()[key]]

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        """A JSON-ready dict with the six keys, each a list of {name, score, evidence}."""
        return {key: [item.to_json() for item in items] for key, items in self._lists().items()}

    def _lists(self) -> dict[str, list[Suggestion]]:
        return {key: getattr(self, key) for key in _KEYS}


def by_score(items: list[Suggestion]) -> list[Suggestion]:
    """Best first; equal scores in name order so results are stable."""
    return sorted(items, key=lambda item: (-item.score, item.name))
