"""How good are the suggestions? Compare them with the tags authors chose.

``evaluate`` is leave-one-out: for work ``i`` the caller's ``lexicon_for(i)`` must be
built without work ``i``'s own tags, so that a character only that work uses cannot
be "found" because its own label put it in the lexicon. With a fixed lexicon (the
starter sets) ``lexicon_for`` can ignore its argument.

Measures:

- characters, relationships, freeforms, warnings: precision (suggested tags the
  author also chose) and recall (author's tags that were suggested), over all works
  together (micro-averaged). "Creator Chose Not To Use Archive Warnings" is left out:
  it is a choice about the work, not something in the text.
- fandoms: a work counts as right when the suggested fandoms are exactly the
  author's fandoms that the lexicon knows (so an original work, whose fandom no
  lexicon knows, is right when no fandom is suggested).
- rating: exact, and within one step on General < Teen < Mature < Explicit; works
  rated Not Rated (or unrated) are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from quire.core.suggest.engine import suggest
from quire.core.suggest.lexicon import Lexicon
from quire.core.tags import (
    CHOOSE_NOT_TO_WARN,
    EXPLICIT,
    GENERAL_AUDIENCES,
    MATURE,
    NOT_RATED,
    TEEN_AND_UP,
)

__all__ = [
    "RATING_ORDER",
    "EvaluationReport",
    "LabelledWork",
    "TypeScore",
    "WorkResult",
    "evaluate",
]

RATING_ORDER = (GENERAL_AUDIENCES, TEEN_AND_UP, MATURE, EXPLICIT)
SCORED_TYPES = ("characters", "relationships", "freeforms", "warnings")


def _names(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{key}: expected a list of tag names")
    return tuple(value)


@dataclass(frozen=True, slots=True)
class LabelledWork:
    """A text with the tags its author chose."""

    text: str
    fandoms: tuple[str, ...] = ()
    characters: tuple[str, ...] = ()
    relationships: tuple[str, ...] = ()
    rating: str = NOT_RATED
    warnings: tuple[str, ...] = ()
    freeforms: tuple[str, ...] = ()
    name: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any], name: str = "") -> LabelledWork:
        """Read {text, fandoms, characters, relationships, rating, warnings, freeforms}."""
        text = data.get("text")
        if not isinstance(text, str):
            raise ValueError("a labelled work needs its text")
        ratings = _names(data, "rating")
        return cls(
            text=text,
            fandoms=_names(data, "fandoms"),
            characters=_names(data, "characters"),
            relationships=_names(data, "relationships"),
            rating=ratings[0] if ratings else NOT_RATED,
            warnings=_names(data, "warnings"),
            freeforms=_names(data, "freeforms"),
            name=name,
        )


@dataclass(slots=True)
class TypeScore:
    """Counts for one tag type over all works."""

    expected: int = 0
    suggested: int = 0
    correct: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct / self.suggested if self.suggested else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected if self.expected else None

    def add(self, expected: set[str], suggested: set[str]) -> None:
        self.expected += len(expected)
        self.suggested += len(suggested)
        self.correct += len(expected & suggested)

    def to_json(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "expected": self.expected,
            "suggested": self.suggested,
            "correct": self.correct,
        }


@dataclass(slots=True)
class WorkResult:
    """What one work got wrong: tags missed and tags suggested in excess, by type."""

    name: str
    missed: dict[str, list[str]]
    extra: dict[str, list[str]]
    fandoms_right: bool
    rating_expected: str
    rating_suggested: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "missed": self.missed,
            "extra": self.extra,
            "fandoms_right": self.fandoms_right,
            "rating_expected": self.rating_expected,
            "rating_suggested": self.rating_suggested,
        }


def _rate(count: int, total: int) -> float | None:
    return count / total if total else None


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


@dataclass(slots=True)
class EvaluationReport:
    works: int = 0
    scores: dict[str, TypeScore] = field(
        default_factory=lambda: {key: TypeScore() for key in SCORED_TYPES}
    )
    fandoms_right: int = 0
    fandoms_compared: int = 0
    """Works whose author named a fandom: the only ones fandom accuracy can judge."""
    ratings_compared: int = 0
    ratings_exact: int = 0
    ratings_within_one: int = 0
    results: list[WorkResult] = field(default_factory=list)

    @property
    def fandom_accuracy(self) -> float | None:
        return _rate(self.fandoms_right, self.fandoms_compared)

    @property
    def rating_exact(self) -> float | None:
        return _rate(self.ratings_exact, self.ratings_compared)

    @property
    def rating_within_one(self) -> float | None:
        return _rate(self.ratings_within_one, self.ratings_compared)

    def to_json(self) -> dict[str, Any]:
        return {
            "works": self.works,
            **{key: score.to_json() for key, score in self.scores.items()},
            "fandoms": {
                "accuracy": self.fandom_accuracy,
                "right": self.fandoms_right,
                "compared": self.fandoms_compared,
            },
            "rating": {
                "compared": self.ratings_compared,
                "exact": self.rating_exact,
                "within_one": self.rating_within_one,
            },
            "results": [result.to_json() for result in self.results],
        }

    def to_text(self) -> str:
        """A small table for people (and for pasting into a pull request)."""
        lines = [
            f"{self.works} works",
            f"{'tag type':<15} {'precision':>10} {'recall':>10} {'correct':>8} "
            f"{'suggested':>10} {'expected':>9}",
        ]
        for key, score in self.scores.items():
            lines.append(
                f"{key:<15} {_percent(score.precision):>10} {_percent(score.recall):>10} "
                f"{score.correct:>8} {score.suggested:>10} {score.expected:>9}"
            )
        lines.append(
            f"{'fandoms':<15} accuracy {_percent(self.fandom_accuracy)} "
            f"({self.fandoms_right}/{self.fandoms_compared} works whose author named a fandom)"
        )
        lines.append(
            f"{'rating':<15} exact {_percent(self.rating_exact)}, within one step "
            f"{_percent(self.rating_within_one)} ({self.ratings_compared} rated works)"
        )
        return "\n".join(lines)


def evaluate(
    works: Sequence[LabelledWork], lexicon_for: Callable[[int], Lexicon]
) -> EvaluationReport:
    """Suggest tags for each work with ``lexicon_for(i)`` and compare with its labels."""
    report = EvaluationReport()
    for number, work in enumerate(works):
        lexicon = lexicon_for(number)
        found = suggest(work.text, lexicon)
        report.works += 1
        expected_sets = {
            "characters": set(work.characters),
            "relationships": set(work.relationships),
            "freeforms": set(work.freeforms),
            "warnings": set(work.warnings) - {CHOOSE_NOT_TO_WARN},
        }
        missed: dict[str, list[str]] = {}
        extra: dict[str, list[str]] = {}
        for key in SCORED_TYPES:
            expected = expected_sets[key]
            suggested = set(found.names(key))
            report.scores[key].add(expected, suggested)
            if expected - suggested:
                missed[key] = sorted(expected - suggested)
            if suggested - expected:
                extra[key] = sorted(suggested - expected)

        known_fandoms = set(work.fandoms) & lexicon.fandom_names
        suggested_fandoms = set(found.names("fandoms"))
        fandoms_right = suggested_fandoms == known_fandoms
        if work.fandoms:
            report.fandoms_compared += 1
            report.fandoms_right += fandoms_right
        if work.fandoms and not fandoms_right:
            missed["fandoms"] = sorted(known_fandoms - suggested_fandoms)
            extra["fandoms"] = sorted(suggested_fandoms - known_fandoms)

        suggested_rating = found.rating[0].name if found.rating else NOT_RATED
        if work.rating in RATING_ORDER and suggested_rating in RATING_ORDER:
            report.ratings_compared += 1
            distance = abs(RATING_ORDER.index(work.rating) - RATING_ORDER.index(suggested_rating))
            report.ratings_exact += distance == 0
            report.ratings_within_one += distance <= 1
        report.results.append(
            WorkResult(
                work.name or f"work {number}",
                missed,
                extra,
                fandoms_right,
                work.rating,
                suggested_rating,
            )
        )
    return report
