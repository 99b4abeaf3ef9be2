"""Suggestions never crash, and a novel-length text goes through in one pass.

No timing assertions here (the machine is shared and noisy): the 100,000-word test
only has to finish; bench/ is where the speed is measured.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quire.core.suggest import Lexicon, Suggestions, starter_lexicon, suggest, text_of_html

_PIECES = (
    "Buffy", "Spike", "Will", "will", "Faith", "faith", "Dawn", "O'Brien", "O’Brien", "Mrs.",
    "Hudson", "Sherlock", "John", "Harry", "Spuffy", "spuffy", "kissed", "died", "dead",
    "funeral", "'s", "’s", "wasn't", "blood", "fuck", "orgasm", "Hellmouth", "221B",
    "Jim", "BUFFY", "James T. Kirk", "T.", "Dr.", "/", "&", " ", "  ", ".", "!", "?", "\n",
    "\n\n", '"', "…", "-", "—", "S.H.I.E.L.D.", "Buffy Summers/Spike", "Tom Riddle | Voldemort",
)  # fmt: skip


def _check(found: Suggestions) -> None:
    assert len(found.rating) <= 1
    for items in found.to_json().values():
        for item in items:
            assert 0.0 <= item["score"] <= 1.0
            assert all(evidence["count"] >= 0 for evidence in item["evidence"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_crashes_on_arbitrary_text(text: str) -> None:
    _check(suggest(text, starter_lexicon()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=80))
def test_never_crashes_on_name_and_cue_soup(pieces: list[str]) -> None:
    _check(suggest(" ".join(pieces), starter_lexicon()))
    _check(suggest("".join(pieces), starter_lexicon()))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>/!-'\"=&;#pbidv x\nBuffy")))
def test_text_of_html_never_crashes(html: str) -> None:
    assert isinstance(text_of_html(html), str)


def test_an_empty_lexicon_suggests_only_from_cues() -> None:
    found = suggest("Buffy kissed Spike. Damn it. Damn.", Lexicon())
    assert found.fandoms == found.characters == found.relationships == []
    assert found.rating and found.warnings


def test_a_hundred_thousand_words(starters: Lexicon) -> None:
    """Novel length: must simply finish (bench/ measures it)."""
    vocabulary = [
        "the", "a", "and", "she", "he", "said", "looked", "at", "him", "her", "door", "night",
        "cold", "slowly", "into", "room", "of", "was", "had", "not", "with", "for", "they",
        "you", "it", "on", "in", "to", "smiled", "kissed", "blood", "laughed", "tears",
    ]  # fmt: skip
    names = ["Buffy", "Spike", "Willow", "Giles", "Xander", "Dawn", "Sunnydale", "Slayer"]
    paragraphs = []
    words = 0
    step = 0
    while words < 100_000:
        sentences = []
        for _ in range(2 + step % 5):
            length = 6 + (step * 7) % 13
            sentence = [vocabulary[(step * 31 + i * 17) % len(vocabulary)] for i in range(length)]
            sentence[step % length] = names[step % len(names)]
            text = " ".join(sentence)
            sentences.append(text[0].upper() + text[1:] + ".")
            words += length
            step += 1
        paragraphs.append(" ".join(sentences))
    found = suggest("\n\n".join(paragraphs), starters)
    assert found.fandoms[0].name == "Buffy the Vampire Slayer (TV)"
    assert "Buffy Summers" in found.names("characters")
