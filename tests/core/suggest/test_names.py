"""Finding characters by name: case, sentence starts, possessives, nicknames, ambiguity."""

from __future__ import annotations

from quire.core.suggest import Lexicon, LexiconTag, suggest
from quire.core.suggest.layout import TextLayout
from quire.core.suggest.mentions import resolve
from quire.core.tags import TagType

HANNIBAL = "Hannibal (TV)"


def _hannibal() -> Lexicon:
    return Lexicon.from_tags(
        [
            LexiconTag(HANNIBAL, TagType.FANDOM),
            LexiconTag("Will Graham", TagType.CHARACTER, fandoms=(HANNIBAL,)),
            LexiconTag("Hannibal Lecter", TagType.CHARACTER, fandoms=(HANNIBAL,)),
        ]
    )


def _mentions(text: str, lexicon: Lexicon) -> list[str]:
    """The canonical tag names of every mention found, in text order."""
    layout = TextLayout(text)
    index = lexicon.index
    return [index.tags[mention.tag].name for mention in resolve(layout, index, index.scan(layout))]


def _surfaces(text: str, lexicon: Lexicon) -> list[str]:
    layout = TextLayout(text)
    index = lexicon.index
    return [mention.surface for mention in resolve(layout, index, index.scan(layout))]


def test_will_the_verb_is_not_will_the_name() -> None:
    text = "Will you pass the salt? I will not. Hannibal watched Will eat. Will smiled at him."
    names = _mentions(text, _hannibal())
    assert names.count("Will Graham") == 2  # "Will eat" and the "Will smiled" it vouches for
    assert names.count("Hannibal Lecter") == 1


def test_sentence_start_will_alone_is_not_believed() -> None:
    text = "Will you come to dinner? Will it rain tomorrow? Will nobody answer me? I will wait."
    assert "Will Graham" not in _mentions(text, _hannibal())


def test_willow_nicknamed_will_mid_sentence(starters: Lexicon) -> None:
    text = 'Xander grinned. "Come on, Will, the Bronze is calling." Willow rolled her eyes.'
    assert _mentions(text, starters).count("Willow Rosenberg") == 2


def test_faith_the_noun_is_not_faith_the_slayer(starters: Lexicon) -> None:
    text = "Buffy had faith in her friends. Faith is a strange thing to lose. Buffy sighed."
    assert "Faith Lehane" not in _mentions(text, starters)


def test_faith_the_slayer_mid_sentence(starters: Lexicon) -> None:
    text = "Buffy looked up when Faith walked in. Faith grinned. Nobody had faith in her."
    assert _mentions(text, starters).count("Faith Lehane") == 2


def test_possessives_count_as_mentions(starters: Lexicon) -> None:
    text = "Buffy's jacket was torn. Spike’s coat was not. Willow's spell worked."
    assert _mentions(text, starters) == [
        "Buffy Summers",
        "Spike (Buffy the Vampire Slayer)",
        "Willow Rosenberg",
    ]
    assert _surfaces(text, starters)[1] == "Spike"


def test_nicknames_and_aliases(starters: Lexicon) -> None:
    text = "William the Bloody had been Spike for a century. Angelus remembered Liam."
    assert _mentions(text, starters) == [
        "Spike (Buffy the Vampire Slayer)",
        "Spike (Buffy the Vampire Slayer)",
        "Angel (Buffy the Vampire Slayer)",
        "Angel (Buffy the Vampire Slayer)",
    ]


def test_longest_name_wins(starters: Lexicon) -> None:
    assert _surfaces("Buffy Summers and Willow Rosenberg", starters) == [
        "Buffy Summers",
        "Willow Rosenberg",
    ]


def test_a_full_stop_does_not_join_a_name(starters: Lexicon) -> None:
    # "Buffy. Summers" is two sentences; "Mrs. Hudson" and "Mrs Hudson" are one name.
    assert _surfaces("It was Buffy. Summers came later.", starters) == ["Buffy"]
    assert _mentions("Mrs. Hudson and Mrs Hudson", starters) == ["Mrs. Hudson", "Mrs. Hudson"]


def test_curly_apostrophes_in_names(starters: Lexicon) -> None:
    assert _mentions("Chief O’Brien fixed it. O'Brien swore.", starters) == [
        "Miles O'Brien",
        "Miles O'Brien",
    ]


def test_shouted_names(starters: Lexicon) -> None:
    assert _mentions('"BUFFY!" Willow screamed.', starters) == [
        "Buffy Summers",
        "Willow Rosenberg",
    ]


def test_a_shared_surname_names_no_one(starters: Lexicon) -> None:
    # Buffy, Dawn and Joyce are all Summers; the surname alone is nobody in particular.
    assert _mentions("Summers was late again.", starters) == []


def test_a_first_name_shared_across_fandoms_goes_to_the_fandom_with_evidence(
    starters: Lexicon,
) -> None:
    trek = "Jim sat in the captain's chair of the Enterprise. Spock raised an eyebrow at Jim."
    assert _mentions(trek, starters).count("James T. Kirk") == 2
    sherlock = "Jim smiled at Sherlock across the roof of St Bart's. Jim was waiting."
    found = _mentions(sherlock, starters)
    assert found.count("Jim Moriarty") == 2
    assert "James T. Kirk" not in found


def test_harry_in_two_fandoms(starters: Lexicon) -> None:
    hogwarts = "Harry walked to Hogwarts with Hermione. Harry was late for Quidditch."
    assert _mentions(hogwarts, starters).count("Harry Potter") == 2
    london = "John read the text from Harry. Sherlock was at Baker Street. Harry called twice."
    assert "Harry Potter" not in _mentions(london, starters)


def test_a_name_with_no_evidence_either_way_names_no_one() -> None:
    lexicon = Lexicon.from_tags(
        [
            LexiconTag("Sam Carter", TagType.CHARACTER, fandoms=("One",)),
            LexiconTag("Sam Vimes", TagType.CHARACTER, fandoms=("Two",)),
        ]
    )
    assert _mentions("Sam came home.", lexicon) == []


def test_spuffy_is_a_relationship(starters: Lexicon) -> None:
    text = (
        "A Spuffy ficlet. Buffy found Spike on the porch of the house on Revello Drive. "
        "Buffy sat down. Spike lit a cigarette. The Hellmouth was quiet in Sunnydale."
    )
    found = suggest(text, starters)
    assert found.relationships[0].name == "Buffy Summers/Spike"
    assert found.relationships[0].evidence[0].words == "Spuffy"
    lowercase = suggest(text.replace("Spuffy", "spuffy"), starters)
    assert "Buffy Summers/Spike" in lowercase.names("relationships")


def test_lexicon_merges_tags_given_twice() -> None:
    lexicon = Lexicon.from_tags(
        [
            LexiconTag("Sherlock Holmes", TagType.CHARACTER, ("Holmes",), ("Sherlock (TV)",)),
            LexiconTag("Sherlock Holmes", TagType.CHARACTER, ("Shezza",), ("Doyle",)),
            LexiconTag("Sherlock Holmes", TagType.FREEFORM, (), ()),
        ]
    )
    assert len(lexicon) == 2
    character = lexicon.of_type(TagType.CHARACTER)[0]
    assert character.aliases == ("Holmes", "Shezza")
    assert character.fandoms == ("Sherlock (TV)", "Doyle")
    assert lexicon.fandom_names == {"Sherlock (TV)", "Doyle"}


def test_lexicons_combine_with_or() -> None:
    one = Lexicon.from_tags([LexiconTag("A", TagType.CHARACTER, ("Ay",))])
    two = Lexicon.from_tags(
        [LexiconTag("A", TagType.CHARACTER, ("Eh",)), LexiconTag("B", TagType.FANDOM)]
    )
    both = one | two
    assert {tag.name for tag in both} == {"A", "B"}
    assert both.of_type(TagType.CHARACTER)[0].aliases == ("Ay", "Eh")


def test_lexicon_tags_are_checked() -> None:
    import pytest

    with pytest.raises(ValueError, match="rating"):
        LexiconTag("Explicit", TagType.RATING)
    with pytest.raises(ValueError, match="name"):
        LexiconTag("  ", TagType.CHARACTER)


def test_relationship_members_resolve_through_disambiguators(starters: Lexicon) -> None:
    index = starters.index
    names = {tag.name: number for number, tag in enumerate(index.tags)}
    members = index.members[names["Odo/Quark (Star Trek)"]]
    assert [index.tags[member].name for member in members] == [
        "Odo (Star Trek)",
        "Quark (Star Trek)",
    ]
    assert index.platonic[names["Julian Bashir & Elim Garak"]] is True


def test_fandom_vocabulary_alone_suggests_nothing(starters: Lexicon) -> None:
    text = "The phaser and the tricorder lay on the table in sickbay, next to a tribble."
    assert suggest(text, starters).fandoms == []
