from __future__ import annotations

from pathlib import Path

import pytest

from quire.core.tags import TagType
from quire.core.tagsets import read_tag_set
from quire.tags.actions import find_or_create_tags
from quire.tags.loading import do_load_tag_set
from quire.tags.models import Tag

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parents[1] / "core" / "fixtures" / "tagsets"


def load(name: str):
    return do_load_tag_set(read_tag_set((FIXTURES / name).read_bytes(), name))


def test_a_quire_csv_becomes_wrangled_tags() -> None:
    counts, problems = load("quire.csv")
    assert problems == ['"Mara Quill/Tobin Reyes": no fandom tag named "Other Fandom"']
    mara = Tag.objects.get(name="Mara Quill")
    assert mara.canonical
    assert set(mara.synonyms.values_list("name", flat=True)) == {
        "Captain Quill",
        "The Keeper",
        "Quill",
    }
    assert list(mara.parents.values_list("name", flat=True)) == ["Lighthouse Keepers (TV)"]
    assert counts["made canonical"] == 4
    again, _ = load("quire.csv")
    assert again["new tags"] == 0
    assert again["made canonical"] == 0


def test_meta_tags_and_aliases_from_json() -> None:
    _, problems = load("quire.json")
    assert problems == []
    angst = Tag.objects.get(name="Angst")
    assert list(angst.sub_tags.values_list("name", flat=True)) == ["Angst with a Happy Ending"]
    assert set(angst.synonyms.values_list("name", flat=True)) == {"angsty", "Sad"}


def test_ao3_dump() -> None:
    _, problems = load("ao3-dump.csv")
    assert problems == []
    assert Tag.objects.get(name="LK").merger.name == "Lighthouse Keepers (TV)"
    assert Tag.objects.get(name="Mara").merger.name == "Mara Quill"


def test_a_name_used_by_another_type_is_reported_not_changed() -> None:
    find_or_create_tags(TagType.FREEFORM, ["Storms"])
    Tag.objects.filter(name="Storms").update(type=TagType.CHARACTER)
    _, problems = load("quire.csv")
    assert problems[0] == (
        'tag "Storms" is already a Character tag, so it cannot be used as an Additional Tags tag'
    )
    assert Tag.objects.get(name="Storms").type == TagType.CHARACTER
