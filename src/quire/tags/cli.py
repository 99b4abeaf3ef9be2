"""`quire tags ...`: load tag sets into the archive."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from quire.core.tagsets import TagSetError, read_tag_set
from quire.tags.loading import do_load_tag_set


def run_tags_command(args: argparse.Namespace) -> int:
    if args.tags_command == "load":
        return _load(args)
    raise SystemExit(f"quire tags: unknown command {args.tags_command}")


def _load(args: argparse.Namespace) -> int:
    """Each file is loaded whole or not at all; a bad file doesn't stop the others."""
    failed = 0
    for path in args.files:
        try:
            entries = read_tag_set(path.read_bytes(), str(path))
        except OSError as error:
            print(f"quire: {path}: cannot read the file ({error.strerror})", file=sys.stderr)
            failed += 1
            continue
        except TagSetError as error:
            print(f"quire: {error}", file=sys.stderr)
            failed += 1
            continue
        counts, problems = do_load_tag_set(entries)
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        print(f"{path}: {len(entries)} tags read; {_summary(counts)}.")
    return 1 if failed else 0


def _summary(counts: Counter[str]) -> str:
    order = ("new tags", "made canonical", "synonyms", "fandom links", "meta tags")
    return ", ".join(f"{counts[key]} {key}" for key in order)
