"""`quire tags ...`: load tag sets, suggest tags for a file, evaluate the suggestions."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from quire.core.importers import ImportProblem, SourceFile, default_registry
from quire.core.suggest import Suggestions, evaluate, starter_tags, suggest, text_of_html
from quire.core.tagsets import TagSetEntry, TagSetError, read_tag_set
from quire.tags.loading import do_load_tag_set
from quire.tags.suggestions import archive_lexicon, labelled_works


def run_tags_command(args: argparse.Namespace) -> int:
    commands = {"load": _load, "suggest": _suggest, "evaluate": _evaluate}
    return commands[args.tags_command](args)


def _load(args: argparse.Namespace) -> int:
    """Each file is loaded whole or not at all; a bad file doesn't stop the others."""
    if not args.files and not args.starters:
        print("quire tags load: name tag set files, or --starters", file=sys.stderr)
        return 2
    failed = 0
    sets: list[tuple[str, list[TagSetEntry]]] = []
    if args.starters:
        sets.append(("starter sets", _starter_entries()))
    for path in args.files:
        try:
            sets.append((str(path), read_tag_set(path.read_bytes(), str(path))))
        except OSError as error:
            print(f"quire: {path}: cannot read the file ({error.strerror})", file=sys.stderr)
            failed += 1
        except TagSetError as error:
            print(f"quire: {error}", file=sys.stderr)
            failed += 1
    for name, entries in sets:
        counts, problems = do_load_tag_set(entries)
        for problem in problems:
            print(f"{name}: {problem}", file=sys.stderr)
        print(f"{name}: {len(entries)} tags read; {_summary(counts)}.")
    return 1 if failed else 0


def _starter_entries() -> list[TagSetEntry]:
    """The starter sets as a tag set: canonical tags, their aliases as synonyms."""
    return [
        TagSetEntry(
            type=tag.type, name=tag.name, canonical=True, fandoms=tag.fandoms, aliases=tag.aliases
        )
        for tag in sorted(starter_tags(), key=lambda tag: tag.type != "fandom")
    ]


def _summary(counts: Counter[str]) -> str:
    order = ("new tags", "made canonical", "synonyms", "fandom links", "meta tags")
    return ", ".join(f"{counts[key]} {key}" for key in order)


def _suggest(args: argparse.Namespace) -> int:
    source = SourceFile(name=str(args.path), path=args.path)
    try:
        works = default_registry().parse(source)
    except ImportProblem as problem:
        print(f"quire: {problem}", file=sys.stderr)
        return 1
    lexicon = archive_lexicon()
    for work in works:
        text = "\n\n".join(text_of_html(chapter.content) for chapter in work.chapters)
        found = suggest(text, lexicon)
        if args.json:
            print(json.dumps(found.to_json(), ensure_ascii=False))
        else:
            print(f"== {work.title}\n{_describe(found)}\n")
    return 0


def _describe(found: Suggestions) -> str:
    lines = []
    for key, items in found.to_json().items():
        if not items:
            continue
        lines.append(f"{key.capitalize()}:")
        for item in items:
            lines.append(f"  {item['name']}  ({item['score']:.2f})")
            for evidence in item["evidence"][:3]:
                lines.append(
                    f"      {evidence['words']!r} ×{evidence['count']} — {evidence['where']}"
                )
    return "\n".join(lines) or "No suggestions."


def _evaluate(args: argparse.Namespace) -> int:
    works, lexicon_for = labelled_works()
    if not works:
        print("quire tags evaluate: the archive has no posted works to evaluate", file=sys.stderr)
        return 1
    report = evaluate(works, lexicon_for)
    print(json.dumps(report.to_json(), ensure_ascii=False) if args.json else report.to_text())
    return 0
