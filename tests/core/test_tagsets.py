from __future__ import annotations

from pathlib import Path

import pytest

from quire.core.tags import TagType
from quire.core.tagsets import TagSetEntry, TagSetError, read_tag_set

FIXTURES = Path(__file__).parent / "fixtures" / "tagsets"


def read(name: str) -> list[TagSetEntry]:
    return read_tag_set((FIXTURES / name).read_bytes(), name)


def test_quire_csv() -> None:
    fandom, mara, quill, pairing, storms = read("quire.csv")
    assert fandom == TagSetEntry(TagType.FANDOM, "Lighthouse Keepers (TV)", canonical=True)
    assert mara.aliases == ("Captain Quill", "The Keeper")
    assert mara.fandoms == ("Lighthouse Keepers (TV)",)
    assert quill == TagSetEntry(TagType.CHARACTER, "Quill", synonym_of="Mara Quill")
    assert pairing.fandoms == ("Lighthouse Keepers (TV)", "Other Fandom")
    assert pairing.canonical
    assert storms.type is TagType.FREEFORM


def test_quire_json() -> None:
    fandom, happy, angst = read("quire.json")
    assert fandom.name == "Lighthouse Keepers (TV)"
    assert happy.meta == ("Angst",)
    assert angst.aliases == ("angsty", "Sad")


def test_ao3_dump_resolves_mergers_and_skips_media_and_unsorted() -> None:
    entries = read("ao3-dump.csv")
    assert [(entry.type, entry.name, entry.canonical, entry.synonym_of) for entry in entries] == [
        (TagType.FANDOM, "Lighthouse Keepers (TV)", True, ""),
        (TagType.FANDOM, "LK", False, "Lighthouse Keepers (TV)"),
        (TagType.CHARACTER, "Mara Quill", True, ""),
        (TagType.CHARACTER, "Mara", False, "Mara Quill"),
        (TagType.WARNING, "No Archive Warnings Apply", True, ""),
        (TagType.FREEFORM, "Redacted", False, ""),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello world", "not a tag set"),
        (b"[1, 2]", "tag 1 is not an object"),
        (b'{"tags": [{"type": "colour", "name": "Red"}]}', "unknown tag type 'colour'"),
        (b"type,name\nfandom,\n", "line 2: the tag has no name"),
        (b"{not json", "not valid JSON"),
    ],
)
def test_bad_files_say_where_and_why(data: bytes, message: str) -> None:
    with pytest.raises(TagSetError, match=message):
        read_tag_set(data, "bad.file")
