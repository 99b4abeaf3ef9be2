"""Rating and archive warnings: the words that decide them, shown as evidence."""

from __future__ import annotations

from quire.core.suggest import Lexicon, suggest
from quire.core.tags import (
    EXPLICIT,
    GENERAL_AUDIENCES,
    GRAPHIC_VIOLENCE,
    MAJOR_CHARACTER_DEATH,
    MATURE,
    NO_WARNINGS_APPLY,
    TEEN_AND_UP,
)

CALM = (
    "Willow and Tara spent the afternoon in the Magic Box, sorting crystals by colour. "
    "Willow hummed. Tara laughed at a joke about Giles and his tea.\n\n"
)


def test_a_calm_story_is_general_with_no_warnings(starters: Lexicon) -> None:
    found = suggest(CALM * 3, starters)
    assert [item.name for item in found.rating] == [GENERAL_AUDIENCES]
    assert found.rating[0].evidence == []
    assert [item.name for item in found.warnings] == [NO_WARNINGS_APPLY]
    assert found.warnings[0].score < 0.5


def test_swearing_makes_it_teen_with_the_words_as_evidence(starters: Lexicon) -> None:
    text = CALM + '"Damn it," Willow said. "Oh, shit."\n\n' + CALM
    found = suggest(text, starters)
    assert found.rating[0].name == TEEN_AND_UP
    words = {item.words: item for item in found.rating[0].evidence}
    assert words["damn"].count == 1
    assert words["shit"].where == "paragraph 2"


def test_one_strong_word_makes_it_teen(starters: Lexicon) -> None:
    found = suggest(CALM + '"Fuck," Tara whispered.', starters)
    assert found.rating[0].name == TEEN_AND_UP


GORE = (
    "The demon tore into the vampire and the blood sprayed across the crypt wall. "
    "Entrails spilled onto the floor. Buffy swung the axe and the severed head rolled "
    "through a pool of blood, and Faith laughed amid the carnage and the gore.\n\n"
)


def test_graphic_violence_is_mature_and_warned(starters: Lexicon) -> None:
    found = suggest(CALM + GORE + CALM, starters)
    assert found.rating[0].name == MATURE
    assert found.warnings[0].name == GRAPHIC_VIOLENCE
    words = {item.words for item in found.warnings[0].evidence}
    assert {"entrails", "severed", "pool of blood", "gore", "carnage"} <= words
    assert NO_WARNINGS_APPLY not in found.names("warnings")


def test_explicit_terms_make_it_explicit(starters: Lexicon) -> None:
    text = (
        "Spike kissed Buffy and they undressed each other in the crypt. They were naked "
        "on the blanket; his erection pressed against her thigh and she moaned. Later she "
        "reached orgasm, and so did he, and the second orgasm left them both shaking."
    )
    found = suggest(text, starters)
    assert found.rating[0].name == EXPLICIT
    assert "orgasm" in {item.words for item in found.rating[0].evidence}


def test_death_of_a_named_character_is_warned(starters: Lexicon) -> None:
    text = (
        "Tara died on a bright afternoon. Willow held her and screamed.\n\n"
        "Weeks later Willow stood at Tara's grave. Tara was dead, and the grief was a stone "
        "in her chest. At the funeral Buffy had held her hand while Willow wept.\n\n"
        "Willow did not go back to the grave for a long time."
    )
    found = suggest(text, starters)
    assert found.warnings[0].name == MAJOR_CHARACTER_DEATH
    words = {item.words for item in found.warnings[0].evidence}
    assert {"Tara died", "Tara's grave", "Tara was dead"} <= words
    assert "Character Death" in found.names("freeforms")
    assert found.rating[0].name != GENERAL_AUDIENCES  # a death makes it Teen at least


def test_denied_death_is_not_warned(starters: Lexicon) -> None:
    text = (
        "Tara wasn't dead. Willow kept saying it. Tara was not dead, Tara had never died, "
        "and Willow sat by the hospital bed until Tara woke and smiled at her."
    )
    assert MAJOR_CHARACTER_DEATH not in suggest(text, starters).names("warnings")


def test_violence_by_a_character_is_not_their_death(starters: Lexicon) -> None:
    text = (
        "Buffy killed the vampire with one stroke. Buffy killed two more before dawn. "
        "Spike watched Buffy fight and lit a cigarette. Spike was impressed."
    )
    assert MAJOR_CHARACTER_DEATH not in suggest(text, starters).names("warnings")


def test_length_scales_the_thresholds(starters: Lexicon) -> None:
    # Two mild words in a short scene make it Teen; in a long calm text they do not.
    swearing = '"Damn," Willow said. "Bloody hell," Spike said.\n\n'
    assert suggest(swearing + CALM, starters).rating[0].name == TEEN_AND_UP
    assert suggest(swearing + CALM * 60, starters).rating[0].name == GENERAL_AUDIENCES
