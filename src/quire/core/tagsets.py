"""Tag sets from files: Quire's CSV and JSON, and AO3's public tag dump.

A tag set says which tags exist, which are canonical, what is a synonym of
what, and which fandoms a character or relationship belongs to. Reading is
separate from storing (quire.tags.loading), so every format is tested here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from quire.core.tags import TagType


class TagSetError(ValueError):
    """A tag set file that cannot be read; says where and why."""


@dataclass(frozen=True, slots=True)
class TagSetEntry:
    type: TagType
    name: str
    canonical: bool = False
    synonym_of: str = ""
    fandoms: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    """Other names for the tag: stored as its synonyms."""
    meta: tuple[str, ...] = ()


_TYPE_NAMES = {tag_type.value: tag_type for tag_type in TagType} | {
    "archivewarning": TagType.WARNING,
    "archive warning": TagType.WARNING,
    "warnings": TagType.WARNING,
    "additional tags": TagType.FREEFORM,
    "additional tag": TagType.FREEFORM,
    "additionaltag": TagType.FREEFORM,
    "ratings": TagType.RATING,
    "categories": TagType.CATEGORY,
    "fandoms": TagType.FANDOM,
    "relationships": TagType.RELATIONSHIP,
    "characters": TagType.CHARACTER,
    "freeforms": TagType.FREEFORM,
}
AO3_DUMP_COLUMNS = ("id", "type", "name", "canonical", "cached_count", "merger_id")
_AO3_SKIPPED_TYPES = frozenset({"media", "banned", "unsortedtag"})
"""AO3 tag types with no place in Quire's filters."""


def tag_type_named(name: str, where: str) -> TagType:
    try:
        return _TYPE_NAMES[name.strip().lower()]
    except KeyError:
        raise TagSetError(f"{where}: unknown tag type {name!r}") from None


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "t", "yes", "y"}


def _names(value: Any) -> tuple[str, ...]:
    """A list in JSON, or "a|b" / "a; b" in CSV."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).replace(";", "|").split("|")
    return tuple(" ".join(str(item).split()) for item in items if str(item).strip())


def _entry(row: dict[str, Any], where: str) -> TagSetEntry:
    name = " ".join(str(row.get("name") or "").split())
    if not name:
        raise TagSetError(f"{where}: the tag has no name")
    synonym_of = " ".join(str(row.get("synonym_of") or "").split())
    return TagSetEntry(
        type=tag_type_named(str(row.get("type") or ""), where),
        name=name[:150],
        canonical=_truthy(row.get("canonical", False)) and not synonym_of,
        synonym_of=synonym_of,
        fandoms=_names(row.get("fandoms")),
        aliases=_names(row.get("aliases")),
        meta=_names(row.get("meta") or row.get("meta_tags")),
    )


def read_tag_set(data: bytes, name: str) -> list[TagSetEntry]:
    """Read a tag set in any supported format, recognized by its content."""
    text = data.decode("utf-8-sig", errors="replace")
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        return _from_json(stripped, name)
    header = next(csv.reader(io.StringIO(stripped)), [])
    columns = tuple(column.strip().lower() for column in header)
    if columns[: len(AO3_DUMP_COLUMNS)] == AO3_DUMP_COLUMNS:
        return list(_from_ao3_dump(stripped, name))
    if {"type", "name"} <= set(columns):
        return [
            _entry(row, f"{name} line {number}")
            for number, row in enumerate(_csv_rows(stripped), start=2)
        ]
    raise TagSetError(
        f"{name}: not a tag set (expected JSON, a CSV with type and name columns, "
        "or AO3's tag dump with id,type,name,canonical,cached_count,merger_id)"
    )


def _csv_rows(text: str) -> Iterator[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    reader.fieldnames = [field.strip().lower() for field in reader.fieldnames or []]
    yield from reader


def _from_json(text: str, name: str) -> list[TagSetEntry]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TagSetError(f"{name}: not valid JSON ({error.msg} at line {error.lineno})") from None
    rows = document.get("tags") if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise TagSetError(f'{name}: expected a list of tags, or an object with a "tags" list')
    entries = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise TagSetError(f"{name}: tag {number} is not an object")
        entries.append(_entry(row, f"{name} tag {number}"))
    return entries


def _from_ao3_dump(text: str, name: str) -> Iterator[TagSetEntry]:
    """AO3's dump names mergers by id; resolved here to names, within the file."""
    rows = list(_csv_rows(text))
    names_by_id = {row["id"]: " ".join(str(row["name"] or "").split()) for row in rows}
    for number, row in enumerate(rows, start=2):
        kind = str(row.get("type") or "").strip().lower()
        if kind in _AO3_SKIPPED_TYPES:
            continue
        merger = names_by_id.get(str(row.get("merger_id") or "").strip(), "")
        yield _entry(
            {
                "type": kind,
                "name": row.get("name"),
                "canonical": row.get("canonical"),
                "synonym_of": merger,
            },
            f"{name} line {number}",
        )
