from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quire.core import tags
from quire.core.tags import TagType


def test_fixed_tags_use_ao3_names() -> None:
    assert tags.FIXED_TAGS[TagType.RATING] == (
        "Not Rated",
        "General Audiences",
        "Teen And Up Audiences",
        "Mature",
        "Explicit",
    )
    assert "Choose Not To Use Archive Warnings" in tags.FIXED_TAGS[TagType.WARNING]
    assert len(tags.FIXED_TAGS[TagType.WARNING]) == 6
    assert tags.FIXED_TAGS[TagType.CATEGORY] == ("Gen", "F/M", "M/M", "F/F", "Multi", "Other")


def test_choose_not_to_warn_is_shown_under_ao3s_display_name() -> None:
    assert (
        tags.display_name("Choose Not To Use Archive Warnings")
        == "Creator Chose Not To Use Archive Warnings"
    )
    assert tags.display_name("Major Character Death") == "Major Character Death"


def test_adult_ratings_are_not_rated_mature_and_explicit() -> None:
    assert tags.is_adult_rating({"Explicit"})
    assert tags.is_adult_rating({"Mature"})
    assert tags.is_adult_rating({"Not Rated"})
    assert tags.is_adult_rating(set())
    assert not tags.is_adult_rating({"General Audiences"})
    assert not tags.is_adult_rating({"Teen And Up Audiences"})


def test_tag_types_have_ao3_labels_in_ao3_order() -> None:
    assert [tag_type.label for tag_type in TagType] == [
        "Rating",
        "Archive Warning",
        "Category",
        "Fandom",
        "Relationship",
        "Character",
        "Additional Tags",
    ]


def test_url_parts_follow_ao3s_starred_codes() -> None:
    assert tags.tag_to_url_part("Buffy Summers/Spike") == "Buffy Summers*s*Spike"
    assert tags.tag_to_url_part("Sherlock Holmes & John Watson") == (
        "Sherlock Holmes *a* John Watson"
    )
    assert tags.tag_to_url_part("Dr. Who?") == "Dr*d* Who*q*"
    assert tags.tag_from_url_part("Buffy Summers*s*Spike") == "Buffy Summers/Spike"


@given(st.text())
def test_url_parts_round_trip_and_never_contain_a_slash(name: str) -> None:
    part = tags.tag_to_url_part(name)
    assert "/" not in part
    assert "?" not in part
    assert "#" not in part
    assert tags.tag_from_url_part(part) == name
