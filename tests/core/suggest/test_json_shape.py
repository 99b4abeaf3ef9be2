"""The JSON a caller gets, and where the evidence says it was found."""

from __future__ import annotations

import json

from quire.core.suggest import Evidence, Lexicon, Suggestion, Suggestions, suggest, text_of_html

STORY = (
    "Buffy walked through Sunnydale with Willow.\n\n"
    "Willow talked about the Hellmouth. Buffy listened.\n\n"
    "At the Bronze, Giles was waiting for Buffy and Willow."
)
KEYS = ["fandoms", "characters", "relationships", "rating", "warnings", "freeforms"]


def test_json_has_the_six_keys_and_item_shape(starters: Lexicon) -> None:
    data = suggest(STORY, starters).to_json()
    assert list(data) == KEYS
    json.dumps(data)  # JSON-ready
    assert len(data["rating"]) == 1
    for items in data.values():
        for item in items:
            assert set(item) == {"name", "score", "evidence"}
            assert 0 <= item["score"] <= 1
            for evidence in item["evidence"]:
                assert set(evidence) == {"words", "count", "where"}
                assert isinstance(evidence["count"], int)


def test_lists_are_sorted_by_score(starters: Lexicon) -> None:
    found = suggest(STORY, starters)
    for key in KEYS:
        scores = [item.score for item in getattr(found, key)]
        assert scores == sorted(scores, reverse=True)


def test_where_names_paragraphs(starters: Lexicon) -> None:
    found = suggest(STORY, starters)
    buffy = next(item for item in found.characters if item.name == "Buffy Summers")
    assert buffy.evidence == [Evidence("Buffy", 3, "paragraphs 1, 2, 3")]
    assert found.fandoms[0].name == "Buffy the Vampire Slayer (TV)"


def test_where_in_a_single_paragraph_is_a_character_position(starters: Lexicon) -> None:
    text = "It was late. " + STORY.replace("\n\n", " ")
    buffy = next(
        item for item in suggest(text, starters).characters if item.name == "Buffy Summers"
    )
    assert buffy.evidence[0].where == "first at character 14"
    long_text = "x " * 700 + text
    buffy = next(
        item for item in suggest(long_text, starters).characters if item.name == "Buffy Summers"
    )
    assert buffy.evidence[0].where == "first at character 1,414"


def test_suggestion_objects_serialise() -> None:
    found = Suggestions(rating=[Suggestion("General Audiences", 0.87654, [])])
    assert found.to_json()["rating"] == [
        {"name": "General Audiences", "score": 0.877, "evidence": []}
    ]
    assert found.names("rating") == ["General Audiences"]


def test_text_of_html_makes_paragraphs() -> None:
    html = (
        "<html><head><title>Not text</title><style>p {}</style></head><body>"
        "<p>Buffy <i>said</i><!-- a comment -->, hello.</p><p>Two<br>lines</p>"
        "<script>alert(1)</script><blockquote>Three &amp; four</blockquote></body></html>"
    )
    assert text_of_html(html) == "Buffy said, hello.\n\nTwo\nlines\n\nThree & four"
    assert text_of_html("") == ""
    assert text_of_html("just words") == "just words"


def test_html_chapter_gives_the_same_suggestions(starters: Lexicon) -> None:
    html = "".join(f"<p>{paragraph}</p>" for paragraph in STORY.split("\n\n"))
    assert suggest(text_of_html(html), starters).to_json() == suggest(STORY, starters).to_json()
