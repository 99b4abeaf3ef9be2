"""The labelled set (original stories written for these tests) and the evaluation report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quire.core.suggest import (
    EvaluationReport,
    LabelledWork,
    Lexicon,
    LexiconTag,
    evaluate,
    starter_lexicon,
)
from quire.core.tags import RATINGS, WARNINGS, TagType

LABELLED = Path(__file__).parent.parent / "fixtures" / "suggest" / "labelled"
FILES = sorted(LABELLED.glob("*.json"))


def _works() -> list[LabelledWork]:
    return [
        LabelledWork.from_json(json.loads(path.read_text(encoding="utf-8")), path.stem)
        for path in FILES
    ]


@pytest.fixture(scope="module")
def report() -> EvaluationReport:
    lexicon = starter_lexicon()
    return evaluate(_works(), lambda _: lexicon)


def test_the_labelled_set_is_what_it_says() -> None:
    works = _works()
    assert 20 <= len(works) <= 30
    fandoms = starter_lexicon().fandom_names
    for work in works:
        words = len(work.text.split())
        assert 150 <= words <= 500, (work.name, words)
        assert work.rating in RATINGS
        assert set(work.warnings) <= set(WARNINGS)
        assert set(work.fandoms) <= fandoms | {"Original Work"}, work.name
    assert sum(work.fandoms == ("Original Work",) for work in works) >= 3


def test_suggestions_agree_with_the_labels(report: EvaluationReport) -> None:
    characters = report.scores["characters"]
    assert characters.precision is not None and characters.precision >= 0.8
    assert characters.recall is not None and characters.recall >= 0.75
    assert report.fandom_accuracy is not None and report.fandom_accuracy >= 0.9
    assert report.rating_within_one is not None and report.rating_within_one >= 0.8
    # Beyond the floors the issue asked for: what this set achieves when this was written
    # (characters 100% / 92%, fandoms 100%, rating within one step 100%), with slack.
    assert characters.precision >= 0.9 and characters.recall >= 0.85
    assert report.fandom_accuracy >= 0.95 and report.rating_within_one >= 0.9
    relationships = report.scores["relationships"]
    assert relationships.precision is not None and relationships.precision >= 0.8


def test_report_text_and_json(report: EvaluationReport) -> None:
    text = report.to_text()
    assert text.splitlines()[0] == f"{len(FILES)} works"
    assert "characters" in text and "within one step" in text
    data = report.to_json()
    assert data["works"] == len(FILES)
    assert set(data) >= {"characters", "relationships", "freeforms", "fandoms", "rating"}
    json.dumps(data)
    assert len(data["results"]) == len(FILES)


def test_leave_one_out_uses_the_lexicon_for_each_work() -> None:
    """An archive lexicon built from the other works' tags cannot leak a work's own labels."""
    fandom = "Quiet Harbour (Web Series)"
    works = [
        LabelledWork(
            text="Mara Quill rowed out past the harbour wall. Mara Quill sang to the gulls.",
            fandoms=(fandom,),
            characters=("Mara Quill",),
            rating="General Audiences",
            name="only-mara",
        ),
        LabelledWork(
            text="Ned Ashby mended nets on the harbour wall. Ned Ashby hummed while he worked.",
            fandoms=(fandom,),
            characters=("Ned Ashby",),
            rating="General Audiences",
            name="only-ned",
        ),
    ]
    asked: list[int] = []

    def lexicon_for(index: int) -> Lexicon:
        asked.append(index)
        others = [work for number, work in enumerate(works) if number != index]
        return Lexicon.from_tags(
            LexiconTag(name, TagType.CHARACTER, fandoms=work.fandoms)
            for work in others
            for name in work.characters
        )

    report = evaluate(works, lexicon_for)
    assert asked == [0, 1]
    assert report.scores["characters"].recall == 0.0  # each name is only in its own work
    assert report.scores["characters"].precision is None  # and nothing else was suggested
    # The fandom is known to each lexicon, but one character is no evidence for it.
    assert report.fandom_accuracy == 0.0


def test_labelled_work_from_json_checks_its_input() -> None:
    with pytest.raises(ValueError, match="text"):
        LabelledWork.from_json({"fandoms": []})
    with pytest.raises(ValueError, match="characters"):
        LabelledWork.from_json({"text": "x", "characters": "Buffy Summers"} | {"characters": 3})
    work = LabelledWork.from_json({"text": "x", "rating": "Mature"}, "name")
    assert (work.rating, work.name, work.fandoms) == ("Mature", "name", ())


def test_not_rated_works_are_left_out_of_the_rating_score() -> None:
    work = LabelledWork(text="Nothing happens here at all.", rating="Not Rated")
    report = evaluate([work], lambda _: Lexicon())
    assert report.ratings_compared == 0 and report.rating_within_one is None
    assert report.fandom_accuracy is None  # the author named no fandom, so nothing to judge
