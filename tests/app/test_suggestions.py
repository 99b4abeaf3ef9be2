"""Suggestions offered on a work, from the archive's lexicon; evaluation over the archive."""

from __future__ import annotations

import pytest

from quire.core.suggest import evaluate
from quire.core.tags import TagType
from quire.tags.actions import do_make_canonical, do_merge_tag, find_or_create_tags
from quire.tags.suggestions import archive_lexicon, labelled_works

pytestmark = pytest.mark.django_db

STORY = (
    "Buffy checked the crossbow twice. Spike leaned against the crypt door, smirking. "
    "'Slayer,' he said. Buffy rolled her eyes at Spike and kept walking through Sunnydale. "
) * 6


def test_the_archive_lexicon_knows_canonical_tags_and_their_synonyms() -> None:
    keeper, nickname = find_or_create_tags(TagType.CHARACTER, ["Mara Quill", "The Keeper"])
    do_make_canonical(keeper)
    do_merge_tag(nickname, keeper)
    (tag,) = [entry for entry in archive_lexicon() if entry.name == "Mara Quill"]
    assert tag.aliases == ("The Keeper",)
    assert any(entry.name == "Buffy Summers" for entry in archive_lexicon())  # starter sets


def test_creators_are_offered_suggestions_and_choose_what_to_add(
    client, make_work, author, make_user
) -> None:
    work = make_work("Patrol", chapters=[STORY])
    url = f"/works/{work.pk}/suggested-tags/"
    client.force_login(make_user("stranger"))
    assert client.get(url).status_code == 403
    client.force_login(author)
    page = client.get(url).content.decode()
    assert "Buffy Summers" in page
    assert "Spike (Buffy the Vampire Slayer)" in page
    assert "Buffy the Vampire Slayer (TV)" in page
    assert not work.tags.filter(name="Buffy Summers").exists()  # offered, not applied
    client.post(url, {"characters": ["Buffy Summers"], "fandoms": []})
    assert work.tags.filter(name="Buffy Summers", type="character").exists()
    assert not work.tags.filter(name="Spike (Buffy the Vampire Slayer)").exists()


def test_evaluation_runs_leave_one_out_over_the_archive(make_work) -> None:
    make_work(
        "Patrol",
        chapters=[STORY],
        tags={
            TagType.FANDOM: ["Buffy the Vampire Slayer (TV)"],
            TagType.CHARACTER: ["Buffy Summers", "Spike (Buffy the Vampire Slayer)"],
        },
    )
    make_work("Other", chapters=["Nothing to see in this quiet text at all."])
    works, lexicon_for = labelled_works()
    assert [work.name for work in works] == ["Patrol", "Other"]
    assert set(works[0].characters) == {"Buffy Summers", "Spike (Buffy the Vampire Slayer)"}
    report = evaluate(works, lexicon_for).to_json()
    assert report["works"] == 2
    assert report["fandoms"] == {"accuracy": 1.0, "right": 2, "compared": 2}
