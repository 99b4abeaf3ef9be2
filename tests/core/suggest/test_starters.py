"""The starter sets: well-formed data, AO3-style names, every pairing resolvable."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from quire.core.suggest import Lexicon, starter_fandoms, starter_tags
from quire.core.tags import TagType

FILES = sorted(
    (
        entry
        for entry in resources.files("quire.core.suggest").joinpath("starters").iterdir()
        if entry.name.endswith(".json")
    ),
    key=lambda entry: entry.name,
)


def test_the_promised_fandoms_are_there() -> None:
    assert {
        "Buffy the Vampire Slayer (TV)",
        "Harry Potter - J. K. Rowling",
        "Sherlock (TV)",
        "Sherlock Holmes - Arthur Conan Doyle",
        "Star Trek: The Original Series",
        "Star Trek: Deep Space Nine",
        "The X-Files",
        "Marvel Cinematic Universe",
    } <= set(starter_fandoms())


@pytest.mark.parametrize("entry", FILES, ids=[entry.name for entry in FILES])
def test_each_set_is_modest_and_well_formed(entry: resources.abc.Traversable) -> None:
    data = json.loads(entry.read_text(encoding="utf-8"))
    assert 10 <= len(data["characters"]) <= 25
    assert data["relationships"]
    assert data["vocabulary"]
    names = [item["name"] for key in ("characters", "relationships") for item in data[key]]
    assert len(names) == len(set(names)), "duplicate names"


def test_buffy_names_and_nicknames() -> None:
    tags = {(tag.name, tag.type): tag for tag in starter_tags(["Buffy the Vampire Slayer (TV)"])}
    spike = tags["Spike (Buffy the Vampire Slayer)", TagType.CHARACTER]
    assert {"William the Bloody", "William Pratt"} <= set(spike.aliases)
    assert {"Angelus", "Liam"} <= set(
        tags["Angel (Buffy the Vampire Slayer)", TagType.CHARACTER].aliases
    )
    assert "Ripper" in tags["Rupert Giles", TagType.CHARACTER].aliases
    assert "Anyanka" in tags["Anya Jenkins", TagType.CHARACTER].aliases
    assert "Spuffy" in tags["Buffy Summers/Spike", TagType.RELATIONSHIP].aliases
    assert "Bangel" in tags["Angel/Buffy Summers", TagType.RELATIONSHIP].aliases
    assert "Willara" in tags["Tara Maclay/Willow Rosenberg", TagType.RELATIONSHIP].aliases
    assert ("Hellmouth", TagType.FREEFORM) in tags


def test_every_starter_relationship_resolves_to_characters(starters: Lexicon) -> None:
    index = starters.index
    unresolved = [
        tag.name
        for number, tag in enumerate(index.tags)
        if tag.type == TagType.RELATIONSHIP and number not in index.members
    ]
    assert unresolved == []


def test_shared_characters_belong_to_both_sherlock_fandoms(starters: Lexicon) -> None:
    holmes = next(
        tag for tag in starters.of_type(TagType.CHARACTER) if tag.name == "Sherlock Holmes"
    )
    assert set(holmes.fandoms) == {"Sherlock (TV)", "Sherlock Holmes - Arthur Conan Doyle"}


def test_selecting_fandoms() -> None:
    only = starter_tags(["The X-Files"])
    assert {tag.name for tag in only if tag.type == TagType.FANDOM} == {"The X-Files"}
