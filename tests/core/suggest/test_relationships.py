"""Relationships from cues near pairs of characters, named as the lexicon names them."""

from __future__ import annotations

from quire.core.suggest import Lexicon, LexiconTag, suggest
from quire.core.suggest.relationships import relationship_name
from quire.core.tags import TagType


def test_a_kiss_between_two_named_characters(starters: Lexicon) -> None:
    text = (
        "Buffy found Spike in the crypt. Buffy told him to shut up, and kissed him. "
        "Spike kissed her back, one hand cupping her face. Sunnydale could wait."
    )
    found = suggest(text, starters)
    assert found.names("relationships") == ["Buffy Summers/Spike"]
    evidence = {item.words for item in found.relationships[0].evidence}
    assert "kissed" in evidence
    assert "Buffy Summers and Spike together" in evidence


def test_the_cue_goes_to_the_pair_named_nearest(starters: Lexicon) -> None:
    text = (
        "Xander sat in the corner of the Bronze, reading the menu. Xander ordered fries. "
        "Across the room Willow kissed Tara, and Tara kissed Willow back, holding her hand. "
        "Xander ate his fries."
    )
    assert suggest(text, starters).names("relationships") == ["Tara Maclay/Willow Rosenberg"]


def test_no_cue_no_relationship(starters: Lexicon) -> None:
    text = "Giles read a book. Buffy sharpened a stake. Giles read another book. Buffy left."
    assert suggest(text, starters).relationships == []


def test_family_is_not_paired_romantically(starters: Lexicon) -> None:
    text = (
        "Joyce kissed Dawn goodnight. Dawn kissed Joyce on the cheek and hugged her. "
        "Joyce held her close and kissed her again."
    )
    assert not any("/" in name for name in suggest(text, starters).names("relationships"))


def test_unknown_pairs_are_named_alphabetically() -> None:
    fandom = "Test Fandom"
    lexicon = Lexicon.from_tags(
        [
            LexiconTag(fandom, TagType.FANDOM),
            LexiconTag("Zoe Adams", TagType.CHARACTER, fandoms=(fandom,)),
            LexiconTag("Ann Young", TagType.CHARACTER, fandoms=(fandom,)),
        ]
    )
    text = "Zoe Adams met Ann Young at the station. Zoe kissed Ann. Ann kissed Zoe back."
    assert suggest(text, lexicon).names("relationships") == ["Ann Young/Zoe Adams"]
    assert relationship_name("Zoe", "Ann", platonic=True) == "Ann & Zoe"


def test_friends_get_an_ampersand(starters: Lexicon) -> None:
    text = (
        "Xander and Willow had been best friends since kindergarten. Xander bumped Willow's "
        "shoulder. Willow laughed at her friend. Xander grinned at Willow, his oldest friend, "
        "and Willow said he was the best friend anyone ever had."
    )
    assert suggest(text, starters).names("relationships") == ["Willow Rosenberg & Xander Harris"]
