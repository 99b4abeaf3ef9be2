"""How many words per second Quire reads (inspect) and imports into the embedded archive.

Generates a corpus of fic files (plain-text posts with header blocks, and HTML
pages) with word counts drawn like AO3's (median ~1,900, mean ~6,200), then:
  inspect: parse every file with the importer registry (no database);
  import:  `quire import` into a fresh embedded archive (SQLite + data dir).
Prints a table and one JSON line. Run: .venv/bin/python bench/import_speed.py [--words N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VOCABULARY = (
    "the rain fell on the quiet street and she walked home alone thinking of him "
    "lantern letter window kitchen tea morning river bridge promise shadow garden "
    "whispered laughed remembered carefully never always softly under over through "
    "don't couldn't arm-rest well-known café naïve déjà vu"
).split()


def _paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(words)).capitalize() + "."


def _story_words(rng: random.Random) -> int:
    """Lognormal with AO3's median (~1,900) and mean (~6,200) words."""
    return max(100, min(200_000, int(rng.lognormvariate(7.55, 1.54))))


def generate(folder: Path, total_words: int, seed: int = 7) -> tuple[int, int]:
    rng = random.Random(seed)
    written = files = 0
    while written < total_words:
        words = _story_words(rng)
        paragraphs = [_paragraph(rng, 60) for _ in range(max(1, words // 60))]
        title = f"Story {files}"
        if files % 2:
            body = "\n\n".join(paragraphs)
            text = (
                f"Title: {title}\nAuthor: writer{files % 97}\nFandom: Bench Fandom\n"
                f"Rating: PG-13\nSummary: A generated story.\n\n{body}\n\nTHE END\n"
            )
            (folder / f"story{files:06}.txt").write_text(text, encoding="utf-8")
        else:
            body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
            page = (
                f"<!DOCTYPE html><html><head><title>{title}</title>"
                f'<meta name="author" content="writer{files % 97}"></head>'
                f"<body><h1>{title}</h1>{body}</body></html>"
            )
            (folder / f"story{files:06}.html").write_text(page, encoding="utf-8")
        written += len(paragraphs) * 60
        files += 1
    return written, files


def measure_inspect(folder: Path) -> tuple[float, int]:
    from quire.core.importers import ImportProblem, default_registry
    from quire.core.wordcount import count_words

    registry = default_registry()
    from quire.core.importers.sources import iter_sources

    started = time.perf_counter()
    words = 0
    for source in iter_sources([folder]):
        if isinstance(source, ImportProblem):
            continue
        for work in registry.parse(source):
            words += sum(count_words(chapter.content) for chapter in work.chapters)
    return time.perf_counter() - started, words


def measure_import(folder: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="quire-bench-archive-") as data_dir:
        env = {key: value for key, value in os.environ.items() if not key.startswith("QUIRE_")}
        command = [sys.executable, "-m", "quire", "--data-dir", data_dir, "migrate"]
        subprocess.run(command, check=True, env=env, capture_output=True)
        command = [sys.executable, "-m", "quire", "--data-dir", data_dir, "import", "--quiet"]
        command.append(str(folder))
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if result.returncode:
            raise SystemExit(f"import failed:\n{result.stdout}\n{result.stderr}")
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=5_000_000, help="corpus size in words")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="quire-bench-corpus-") as corpus:
        folder = Path(corpus)
        generated, files = generate(folder, args.words)
        inspect_s, counted = measure_inspect(folder)
        import_s = measure_import(folder)
    figures = {
        "files": files,
        "words": counted,
        "generated_words": generated,
        "inspect_s": round(inspect_s, 3),
        "inspect_words_per_s": round(counted / inspect_s),
        "import_s": round(import_s, 3),
        "import_words_per_s": round(counted / import_s),
    }
    print(f"corpus: {files:,} files, {counted:,} words")
    print(f"inspect: {inspect_s:8.2f} s  {figures['inspect_words_per_s']:>12,} words/s")
    print(f"import:  {import_s:8.2f} s  {figures['import_words_per_s']:>12,} words/s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
