"""Importer for eFiction 3.x archives, read from a MySQL dump without a MySQL server.

eFiction is the PHP software of thousands of small archives, most now dead; what
survives is a dump of its ``fanfiction_*`` tables (the prefix varies) and, beside
it, the chapter store ``<storiespath>/<uid>/<chapid>.txt`` for archives that kept
chapter text in files. Each row of the stories table becomes one work:

- creators: the story author's pen name, then its co-authors from the coauthors
  table (eFiction 3.5's stories.coauthors column is a flag there, not a list).
- rating: the ratings table's name for stories.rid (some archives stored the name
  itself in rid), mapped to AO3's ratings by name; a name with no AO3 equivalent
  leaves the work unrated and says so.
- categories: eFiction categories are whatever each archive made of them: fandoms
  ("Anime > Naruto"), sub-fandoms, or, in single-fandom archives, pairings under
  groupings ("Slash Pairings > Bill/Bob"). Each category on the path from the top
  is read by its name: a name made of pairing words ("General", "Het Pairings",
  "Threesomes, Moresomes") gives an AO3 category (Gen, F/M, M/M, F/F, Multi); a
  name with a slash between names ("Bill/Bob") is a relationship; any other name
  is a fandom, and the deepest one on the path is the work's fandom. The path
  above a fandom is reported, because "TOS" under "Star Trek" needs a person to
  name the fandom properly; so is a work whose categories name no fandom at all.
- characters from charid; classes by their class type: a type named like
  "Warnings" gives AO3 archive warnings where the name means one (otherwise an
  additional tag, reported), every other type ("Genres") additional tags.
- series from inseries (position: the story's order in the series).
- chapters by inorder (then chapid), text from the chapters table's storytext or
  from the chapter file. eFiction shows text without ``<p>``/``<br>`` markup with
  its line breaks kept, so such text gets paragraphs before being sanitized.
- declared_word_count from stories.wordcount, compared with the text.

What cannot be mapped is reported: per story on its work's problems; for the
archive as a whole (unreadable rows, orphan rows, nested series) on the first
work, each line starting "archive: ". `mapping_report` gathers both into one
list for the person running the import.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

from quire.core.documents import ParsedChapter, ParsedWork, SeriesMembership
from quire.core.importers import ImportProblem, SourceFile
from quire.core.importers.decoding import decode_text
from quire.core.importers.sqldump import SqlValue, read_dump
from quire.core.importers.vocabulary import RATING_SPELLINGS, WARNING_SPELLINGS, spellings
from quire.core.sanitize import CONTROL_CHARACTERS, sanitize_html
from quire.core.tags import (
    CHOOSE_NOT_TO_WARN,
    EXPLICIT,
    GENERAL_AUDIENCES,
    GRAPHIC_VIOLENCE,
    MAJOR_CHARACTER_DEATH,
    MATURE,
    NO_WARNINGS_APPLY,
    NON_CON,
    NOT_RATED,
    TEEN_AND_UP,
    UNDERAGE,
    TagType,
)
from quire.core.wordcount import count_words

__all__ = ["ARCHIVE_PROBLEM", "SCHEMA", "importer", "mapping_report"]

ARCHIVE_PROBLEM: Final = "archive: "
"""How a problem of the whole archive starts (it is listed on the first work only)."""

SCHEMA: Final[dict[str, tuple[str, ...]]] = {
    "authors": (
        "uid", "penname", "realname", "email", "website", "bio", "image", "date",
        "admincreated", "password",
    ),
    "categories": (
        "catid", "parentcatid", "category", "description", "image", "locked", "leveldown",
        "displayorder", "numitems",
    ),
    "chapters": (
        "chapid", "title", "inorder", "notes", "storytext", "endnotes", "validated",
        "wordcount", "rating", "reviews", "sid", "uid", "count",
    ),
    "characters": ("charid", "catid", "charname", "bio", "image"),
    "classes": ("class_id", "class_type", "class_name"),
    "classtypes": ("classtype_id", "classtype_name", "classtype_title"),
    "coauthors": ("sid", "uid"),
    "inseries": ("seriesid", "sid", "subseriesid", "confirmed", "inorder"),
    "ratings": ("rid", "rating", "ratingwarning", "warningtext"),
    "series": (
        "seriesid", "title", "summary", "uid", "isopen", "catid", "classes", "rating",
        "warnings", "genres", "characters", "reviews", "challenges", "numstories",
    ),
    "settings": (
        "sitekey", "sitename", "slogan", "url", "siteemail", "tableprefix", "skin",
        "hiddenskins", "language", "submissionsoff", "storiespath", "store", "autovalidate",
        "coauthallowed", "maxwords", "minwords", "imageupload", "imageheight", "imagewidth",
        "roundrobins", "allowseries", "tinymce", "allowed_tags", "favorites", "multiplecats",
        "newscomments", "logging", "maintenance", "debug", "captcha", "dateformat",
        "timeformat", "recentdays", "displaycolumns", "itemsperpage", "extendcats",
        "displayindex", "defaultsort", "displayprofile", "linkstyle", "linkrange",
        "reviewsallowed", "ratings", "anonreviews", "revdelete", "rateonly", "pwdsetting",
        "alertson", "disablepopups", "agestatement", "words", "version", "smtp_host",
        "smtp_username", "smtp_password",
    ),
    "stories": (
        "sid", "title", "summary", "storynotes", "catid", "classes", "charid", "rid", "date",
        "updated", "uid", "coauthors", "featured", "validated", "completed", "rr",
        "wordcount", "rating", "reviews", "count", "challenges",
    ),
}  # fmt: skip
"""eFiction 3.5's columns, in table order, for the tables this importer reads (by
name without the prefix): how rows are read from a dump that has no CREATE TABLE."""

_TABLE_SUFFIXES: Final = tuple(SCHEMA)

# Recognizing a dump: a dump tool's header or SQL statements at the start, and
# tables only eFiction has (its own prefix, or names no other software uses).
_DUMP_MARKER: Final = re.compile(
    rb"MySQL dump|phpMyAdmin SQL Dump|Sequel Pro SQL dump|Dump of table"
    rb"|^\s*(?:INSERT\s+(?:IGNORE\s+)?INTO|CREATE\s+TABLE|DROP\s+TABLE|LOCK\s+TABLES)\s",
    re.IGNORECASE | re.MULTILINE,
)
_EFICTION_TABLE: Final = re.compile(
    rb"fanfiction_(?:" + b"|".join(name.encode() for name in SCHEMA) + rb")\b"
    rb"|(?:authorfields|authorprefs|classtypes|inseries|coauthors)\b"
    rb"|(?:INSERT\s+INTO|CREATE\s+TABLE(?:\s+IF\s+NOT\s+EXISTS)?)\s+"
    rb"[`\"]?\w*(?:stories|chapters)[`\"]?\s*\(\s*[`\"]?(?:sid|chapid)\b",
    re.IGNORECASE,
)
_SNIFF_SIZE: Final = 1 << 20


def _key(name: str) -> str:
    """A name as the rating and warning tables spell it: "Non-Con" → "noncon"."""
    return re.sub(r"[^a-z0-9+/]", "", name.casefold())


_RATINGS: Final = {_key(name): rating for name, rating in RATING_SPELLINGS.items()} | spellings(
    {
        NOT_RATED: "nr none",
        GENERAL_AUDIENCES: "allages everyone u",
        TEEN_AND_UP: "k+ preteen teens 12+ 13+ p12 ab12",
        MATURE: "16+ 17+ p16 ab16",
        EXPLICIT: "adults adultonly adultsonly 18+ r18 nc18 p18 ab18",
    }
)
"""eFiction rating names (as `_key` writes them) → AO3 ratings: the shared spellings and
the age ratings archives use (German ones rated "P12"/"ab 16"). A name between two AO3
ratings ("Pre-Teen", FanFiction.net's K+) gets the more restrictive one."""

_WARNINGS: Final = {_key(name): warning for name, warning in WARNING_SPELLINGS.items()} | spellings(
    {
        MAJOR_CHARACTER_DEATH: "characterdeath maincharacterdeath death mcd",
        GRAPHIC_VIOLENCE: "graphicviolence violence extremeviolence",
        NON_CON: "rapenoncon rape noncon nonconsensual nonconsensualsex nonconsensualsexacts",
        UNDERAGE: "underage underagesexacts",
        NO_WARNINGS_APPLY: "nowarningsapply",
        CHOOSE_NOT_TO_WARN: "creatorchosenottousearchivewarnings choosenottowarn chosenottowarn"
        " authorchosenottowarn",
    }
)
"""Warning class names (as `_key` writes them) → AO3 archive warnings."""

_PAIRING_WORDS: Final = spellings(
    {
        "Multi": "threesome threesomes moresome moresomes multi multiple poly polyamory ot3 group",
        "F/F": "femslash yuri f/f",
        "M/M": "slash yaoi m/m",
        "F/M": "het f/m m/f",
        "Gen": "gen general",
    }
)
"""Words naming a kind of pairing → AO3 category, most specific kind first (a
"Multiple Slash Pairings" category is Multi)."""
_FILLER_WORDS: Final = frozenset(
    {"pairing", "pairings", "relationship", "relationships", "fic", "fics", "fiction"}
    | {"stories", "story", "other", "others", "misc", "and", "&"}
)
_CATEGORY_PRIORITY: Final = tuple(dict.fromkeys(_PAIRING_WORDS.values()))
_WORD: Final = re.compile(r"[a-z0-9&]+(?:[/+-][a-z0-9]+)*")

_NUMBER_WORDS: Final = {
    word: number
    for number, word in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen", "twenty"),
        start=1,
    )
}  # fmt: skip
_NUMBERED_CHAPTER: Final = re.compile(
    r"(?:chapter|ch\.)\s*(\d{1,4}|[a-z]+)\s*(?:[:.\-–—]\s*(.*))?", re.IGNORECASE | re.DOTALL
)
_LINE_BREAK_MARKUP: Final = re.compile(r"<(?:p|br|div)\b", re.IGNORECASE)
_BLANK_LINES: Final = re.compile(r"\n[^\S\n]*\n\s*")
_BLOCK_ELEMENT: Final = re.compile(
    r"<(?:hr|blockquote|center|ul|ol|dl|table|h[1-6]|pre|address|details|figure)\b", re.IGNORECASE
)
_TAG: Final = re.compile(r"<[^<>]*>")
_LANGUAGE: Final = re.compile(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?")


class _EFictionImporter:
    format_name = "efiction"
    priority = 60

    def recognizes(self, source: SourceFile) -> bool:
        return bool(
            _DUMP_MARKER.search(source.head()) and _EFICTION_TABLE.search(source.head(_SNIFF_SIZE))
        )

    def parse(self, source: SourceFile) -> list[ParsedWork]:
        dump = read_dump(source.data, keep=lambda table: table.endswith(_TABLE_SUFFIXES))
        prefix, other_prefixes = _table_prefix(dump.table_names())
        if prefix is None:
            raise ImportProblem(source.name, "no eFiction stories table in this SQL dump")
        problems = list(dump.problems)
        problems += [
            f"tables with the prefix {other!r} were not imported (one archive per dump)"
            for other in other_prefixes
        ]
        rows: dict[str, list[dict[str, SqlValue]]] = {}
        for table, columns in SCHEMA.items():
            records, table_problems = dump.records(prefix + table, columns)
            empty = dict.fromkeys(columns)  # a dump may leave out columns it has no value for
            rows[table] = [empty | record for record in records]
            problems += table_problems
        folder = source.path.parent if source.path is not None else None
        archive = _Archive(rows, folder, problems)
        works = archive.works()
        if not works and archive.problems:
            raise ImportProblem(source.name, "no story could be read: " + archive.problems[0])
        if works:
            works[0].problems += [ARCHIVE_PROBLEM + problem for problem in archive.problems]
        return works


importer = _EFictionImporter()


def mapping_report(works: Iterable[ParsedWork]) -> list[str]:
    """Every distinct problem of an import once: the archive's first, then each
    story problem with the stories it concerns ("… (stories 3, 51)")."""
    stories: dict[str, list[str]] = {}
    for work in works:
        story = work.source_id.removeprefix("efiction:")
        for problem in work.problems:
            stories.setdefault(problem, []).append(story)
    archive = [
        problem.removeprefix(ARCHIVE_PROBLEM)
        for problem in stories
        if problem.startswith(ARCHIVE_PROBLEM)
    ]
    per_story = [
        f"{problem} ({'story' if len(ids) == 1 else 'stories'} {', '.join(ids)})"
        for problem, ids in stories.items()
        if not problem.startswith(ARCHIVE_PROBLEM)
    ]
    return archive + per_story


def _table_prefix(tables: list[str]) -> tuple[str | None, list[str]]:
    """The prefix of the archive's tables ("fanfiction_"), and other archives' prefixes."""
    prefixes = [table.removesuffix("stories") for table in tables if table.endswith("stories")]
    found = {prefix: sum(prefix + suffix in tables for suffix in SCHEMA) for prefix in prefixes}
    ranked = sorted(found, key=lambda prefix: -found[prefix])
    if not ranked:
        return None, []
    return ranked[0], [prefix for prefix in ranked[1:] if found[prefix] >= 2]


@dataclass(slots=True)
class _Category:
    parent: int | None
    name: str


@dataclass(slots=True)
class _Tags:
    """A story's tags by type as they are found, without repeats."""

    by_type: dict[TagType, dict[str, None]] = field(default_factory=dict)

    def add(self, tag_type: TagType, name: str) -> None:
        if name:
            self.by_type.setdefault(tag_type, {})[name] = None

    def as_lists(self) -> dict[TagType, list[str]]:
        return {tag_type: list(names) for tag_type, names in self.by_type.items() if names}


class _Archive:
    """The dump's rows as lookups, and how each story row becomes a work."""

    def __init__(
        self, rows: dict[str, list[dict[str, SqlValue]]], folder: Path | None, problems: list[str]
    ) -> None:
        self.problems = problems
        self.stories = rows["stories"]
        self.authors = {_int(row["uid"]): _plain(row["penname"]) for row in rows["authors"]}
        self.categories = {
            _int(row["catid"]): _Category(_int(row["parentcatid"]), _plain(row["category"]))
            for row in rows["categories"]
        }
        self.characters = {
            _int(row["charid"]): _plain(row["charname"]) for row in rows["characters"]
        }
        class_types: dict[int | None, str] = {}  # type id → its name and title
        for row in rows["classtypes"]:
            name, title = _text(row["classtype_name"]), _text(row["classtype_title"])
            class_types[_int(row["classtype_id"])] = f"{name} {title}"
        self.classes: dict[int | None, tuple[str | None, str]] = {
            _int(row["class_id"]): (
                class_types.get(_int(row["class_type"])),
                _plain(row["class_name"]),
            )
            for row in rows["classes"]
        }
        """class id → (its type's name and title, None for an unknown type; its name)"""
        self.ratings = {_text(row["rid"]).strip(): _plain(row["rating"]) for row in rows["ratings"]}
        self.series = {_int(row["seriesid"]): _plain(row["title"]) for row in rows["series"]}
        settings = rows["settings"][0] if rows["settings"] else {}
        language = _text(settings.get("language")).strip()
        self.language = language if _LANGUAGE.fullmatch(language) else "und" if language else "en"
        url = _text(settings.get("url")).strip().rstrip("/")
        self.site_url = url if url.startswith(("http://", "https://")) else ""
        folder_names = [
            name
            for name in (Path(_text(settings.get("storiespath"))).name, "stories")
            if name not in ("", "..")
        ]
        self.chapter_folder_name = folder_names[0]
        self.chapter_folders = (
            []
            if folder is None
            else [folder / name for name in dict.fromkeys(folder_names) if (folder / name).is_dir()]
        )

        story_ids = {_int(row["sid"]) for row in self.stories}
        self.chapters: dict[int | None, list[dict[str, SqlValue]]] = {}
        for row in rows["chapters"]:
            self.chapters.setdefault(_int(row["sid"]), []).append(row)
        self._orphans("chapters", [sid for sid in self.chapters if sid not in story_ids])
        self.coauthors: dict[int | None, list[int | None]] = {}
        for row in rows["coauthors"]:
            self.coauthors.setdefault(_int(row["sid"]), []).append(_int(row["uid"]))
        self._orphans("co-author rows", [sid for sid in self.coauthors if sid not in story_ids])
        self.memberships: dict[int | None, list[tuple[int | None, int]]] = {}
        self._read_series(rows["inseries"], story_ids)

    def _orphans(self, what: str, story_ids: list[int | None]) -> None:
        if story_ids:
            listed = ", ".join(str(sid) for sid in story_ids)
            self.problems.append(f"{what} for stories that are not in the dump: {listed}")

    def _read_series(self, rows: list[dict[str, SqlValue]], story_ids: set[int | None]) -> None:
        """Each story's (series, position); a story's place counts from 1 in series order."""
        members: dict[int | None, list[tuple[int, int | None]]] = {}
        for row in rows:
            series_id, sid = _int(row["seriesid"]), _int(row["sid"])
            subseries = _int(row["subseriesid"])
            if subseries:
                title = self.series.get(subseries, str(subseries))
                self.problems.append(
                    f"series {title!r} is part of series {self.series.get(series_id)!r}: "
                    "series in series are not kept"
                )
            elif sid in story_ids:
                members.setdefault(series_id, []).append((_int(row["inorder"]) or 0, sid))
            else:
                self.problems.append(f"series {series_id} lists story {sid}, not in the dump")
        for series_id, stories in members.items():
            for rank, (order, sid) in enumerate(sorted(stories, key=_sort_key), start=1):
                self.memberships.setdefault(sid, []).append((series_id, order or rank))

    def works(self) -> list[ParsedWork]:
        stories = []
        for row in self.stories:
            sid = _int(row["sid"])
            if sid is None:
                self.problems.append(
                    f"a story row without a story id was skipped: {row['title']!r}"
                )
            else:
                stories.append((sid, row))
        return [self._work(sid, row) for sid, row in sorted(stories, key=lambda item: item[0])]

    def _work(self, sid: int, story: dict[str, SqlValue]) -> ParsedWork:
        problems: list[str] = []
        title = _plain(story["title"])
        if not title:
            problems.append("the story has no title")
        if _text(story["validated"]).strip() == "0":
            problems.append("the story was never validated (approved) on the archive")
        creators = self._creators(sid, story, problems)
        tags = _Tags()
        self._rating(story, tags, problems)
        self._categories(story, tags, problems)
        for charid in _ids(story["charid"]):
            if charid in self.characters:
                tags.add(TagType.CHARACTER, self.characters[charid])
            else:
                problems.append(f"unknown character id {charid}")
        self._classes(story, tags, problems)
        series = self._series(sid, problems)
        chapters, chapter_rows = self._chapters(sid, story, problems)
        complete = {"1": True, "0": False}.get(_text(story["completed"]).strip())
        declared = _int(story["wordcount"])
        counted = sum(count_words(chapter.content) for chapter in chapters)
        if declared is not None and declared != counted:
            problems.append(f"declared {declared:,} words but the text has {counted:,}")
        return ParsedWork(
            title=title or "Untitled",
            chapters=chapters,
            creators=creators,
            summary=_html(story["summary"]),
            notes=_html(story["storynotes"]),
            language=self.language,
            tags=tags.as_lists(),
            expected_chapters=chapter_rows if complete and chapter_rows else None,
            complete=complete,
            published=_date(story["date"]),
            updated=_date(story["updated"]),
            series=series,
            source_url=f"{self.site_url}/viewstory.php?sid={sid}" if self.site_url else "",
            source_id=f"efiction:{sid}",
            declared_word_count=declared,
            problems=problems,
        )

    def _creators(self, sid: int, story: dict[str, SqlValue], problems: list[str]) -> list[str]:
        creators: dict[str, None] = {}
        for uid in [_int(story["uid"]), *self.coauthors.get(sid, [])]:
            if uid in self.authors:
                creators[self.authors[uid]] = None
            elif uid is None:
                problems.append("the story names no author")
            else:
                problems.append(f"author id {uid} is not in the authors table")
        return list(creators)

    def _rating(self, story: dict[str, SqlValue], tags: _Tags, problems: list[str]) -> None:
        rids = [
            rid.strip() for rid in _text(story["rid"]).split(",") if rid.strip() not in ("", "0")
        ]
        if not rids:
            problems.append("the story has no rating")
            return
        if len(rids) > 1:
            problems.append(f"the story has several ratings ({', '.join(rids)}): used the first")
        rid = rids[0]
        if rid in self.ratings:
            name = self.ratings[rid]
        elif rid.isdigit():
            problems.append(f"unknown rating id {rid}")
            return
        else:  # archives that stored the rating's name in rid
            name = _plain(rid)
        rating = _RATINGS.get(_key(name))
        if rating is None:
            problems.append(f"rating {name!r} has no AO3 equivalent: the work is left unrated")
        else:
            tags.add(TagType.RATING, rating)

    def _categories(self, story: dict[str, SqlValue], tags: _Tags, problems: list[str]) -> None:
        paths = []
        for catid in _ids(story["catid"]):
            path = self._category_path(catid)
            if not path:
                problems.append(f"unknown category id {catid}")
                continue
            paths.append(" > ".join(path))
            fandoms = []
            for name in path:
                category = _pairing_category(name)
                if category is not None:
                    tags.add(TagType.CATEGORY, category)
                elif _is_pairing(name):
                    tags.add(TagType.RELATIONSHIP, name)
                else:
                    fandoms.append(name)
            if fandoms:
                tags.add(TagType.FANDOM, fandoms[-1])
                if len(fandoms) > 1:
                    problems.append(
                        f"fandom {fandoms[-1]!r} is filed under {' > '.join(fandoms[:-1])!r}"
                    )
        if not tags.by_type.get(TagType.FANDOM):
            problems.append(
                f"no fandom: the story's categories ({'; '.join(paths)}) name none"
                if paths
                else "no fandom: the story has no category"
            )

    def _category_path(self, catid: int) -> list[str]:
        """Category names from the top of the tree down to `catid` (empty when unknown)."""
        path: list[str] = []
        seen: set[int | None] = set()
        current: int | None = catid
        while current in self.categories and current not in seen:  # a broken tree may loop
            seen.add(current)
            category = self.categories[current]
            path.insert(0, category.name)
            current = category.parent
        return path

    def _classes(self, story: dict[str, SqlValue], tags: _Tags, problems: list[str]) -> None:
        for class_id in _ids(story["classes"]):
            if class_id not in self.classes:
                problems.append(f"unknown class id {class_id}")
                continue
            class_type, name = self.classes[class_id]
            if class_type is None:
                problems.append(f"class {name!r} has an unknown type: kept as an additional tag")
            elif "warning" in class_type.casefold():
                warning = _WARNINGS.get(_key(name))
                if warning is not None:
                    tags.add(TagType.WARNING, warning)
                    continue
                problems.append(
                    f"warning {name!r} is not an AO3 archive warning: kept as an additional tag"
                )
            tags.add(TagType.FREEFORM, name)

    def _series(self, sid: int, problems: list[str]) -> list[SeriesMembership]:
        series = []
        for series_id, position in self.memberships.get(sid, []):
            if series_id in self.series:
                series.append(SeriesMembership(self.series[series_id], position))
            else:
                problems.append(f"series id {series_id} is not in the series table")
        return series

    def _chapters(
        self, sid: int, story: dict[str, SqlValue], problems: list[str]
    ) -> tuple[list[ParsedChapter], int]:
        """The chapters in reading order, and how many chapter rows the story has."""
        rows = sorted(
            self.chapters.get(sid, []),
            key=lambda row: _sort_key((_int(row["inorder"]) or 0, _int(row["chapid"]))),
        )
        chapters = []
        seen_orders: dict[int | None, int | None] = {}
        for position, row in enumerate(rows, start=1):
            chapid, order = _int(row["chapid"]), _int(row["inorder"])
            if order in seen_orders:
                problems.append(
                    f"chapters {seen_orders[order]} and {chapid} both have position {order}: "
                    "ordered by chapter id"
                )
            seen_orders.setdefault(order, chapid)
            text = _text(row["storytext"])
            if not text.strip():
                found = self._chapter_file(row, story, position, problems)
                if found is None:
                    continue
                text = found
            if _text(row["validated"]).strip() == "0":
                problems.append(f"chapter {position} was never validated on the archive")
            chapters.append(
                ParsedChapter(
                    content=_html(text, keep_classes=True),
                    title=_chapter_title(_plain(row["title"]), position),
                    notes=_html(row["notes"]),
                    end_notes=_html(row["endnotes"]),
                )
            )
        if sid not in self.chapters:
            problems.append("the story has no chapters")
        return chapters, len(rows)

    def _chapter_file(
        self,
        row: dict[str, SqlValue],
        story: dict[str, SqlValue],
        position: int,
        problems: list[str],
    ) -> str | None:
        """The text of a chapter kept in a file: <storiespath>/<uid>/<chapid>.txt."""
        chapid = _int(row["chapid"])
        uids = list(dict.fromkeys(uid for uid in (_int(row["uid"]), _int(story["uid"])) if uid))
        for folder in self.chapter_folders:
            for uid in uids:
                path = folder / str(uid) / f"{chapid}.txt"
                try:
                    return decode_text(path.read_bytes()).text
                except OSError:
                    continue
        where = f"{self.chapter_folder_name}/{uids[0] if uids else '?'}/{chapid}.txt"
        problems.append(f"chapter {position} text not found at {where}: the chapter was skipped")
        return None


def _text(value: SqlValue) -> str:
    """A value as text, without the control characters HTML cannot hold (\\0, \\Z…)."""
    return CONTROL_CHARACTERS.sub("", value) if value else ""


def _int(value: SqlValue) -> int | None:
    try:
        return int(_text(value).strip())
    except ValueError:
        return None


def _ids(value: SqlValue) -> list[int]:
    """A comma-separated id list ("2,1,4"); 0 and -1 mean none in eFiction."""
    ids = (_int(part) for part in _text(value).split(","))
    return list(dict.fromkeys(number for number in ids if number is not None and number > 0))


def _sort_key(item: tuple[int, int | None]) -> tuple[int, int]:
    return item[0], item[1] if item[1] is not None else 0


def _date(value: SqlValue) -> date | None:
    """The day of a DATETIME; MySQL's zero date ("0000-00-00 …") is no date."""
    try:
        return date.fromisoformat(_text(value).strip()[:10])
    except ValueError:
        return None


def _plain(value: SqlValue) -> str:
    """A name or title as plain text: markup dropped, entities decoded, spaces collapsed."""
    text = _text(value)
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


def _pairing_category(name: str) -> str | None:
    """The AO3 category a category named only with pairing words means ("Het Pairings")."""
    words = _WORD.findall(name.casefold())
    if not words or any(word not in _PAIRING_WORDS and word not in _FILLER_WORDS for word in words):
        return None
    found = {_PAIRING_WORDS[word] for word in words if word in _PAIRING_WORDS}
    return next((category for category in _CATEGORY_PRIORITY if category in found), None)


def _is_pairing(name: str) -> bool:
    """A relationship's name: names with slashes between them ("Bill/Bob", "A / B / C")."""
    names = name.split("/")
    return len(names) > 1 and all(part.strip() for part in names)


def _chapter_title(title: str, position: int) -> str:
    """The chapter's own title: "Chapter 2: Return" at position 2 is "Return", "Chapter 2" none."""
    numbered = _NUMBERED_CHAPTER.fullmatch(title)
    if numbered is None:
        return title
    number = numbered.group(1).casefold()
    if (int(number) if number.isdigit() else _NUMBER_WORDS.get(number)) != position:
        return title
    return (numbered.group(2) or "").strip()


def _html(value: SqlValue, *, keep_classes: bool = False) -> str:
    """Sanitized HTML of a text field as eFiction showed it.

    eFiction keeps the writer's line breaks (nl2br) when the text has no paragraph
    or line-break markup, so such text is given paragraphs first, keeping whatever
    inline markup it has; a block that is already an element (a lone ``<hr>``)
    stays as it is.
    """
    text = _text(value).strip()
    if not text:
        return ""
    if _LINE_BREAK_MARKUP.search(text) is None:
        text = "\n".join(map(_paragraph, _BLANK_LINES.split(text)))
    return sanitize_html(text, keep_classes=keep_classes).strip()


def _paragraph(block: str) -> str:
    lines = "<br />".join(line.strip() for line in block.split("\n") if line.strip())
    return lines if _BLOCK_ELEMENT.match(lines) else f"<p>{lines}</p>"
