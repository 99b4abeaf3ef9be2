"""Quality of tag suggestions: leave-one-out precision and recall (issue 4).

Two measurements, printed as tables and one JSON line:
  labelled: the 30 original labelled stories in tests/core/fixtures/suggest/labelled,
            with Quire's starter sets as the lexicon;
  corpus:   every document in ../shared/corpus imported into a fresh archive with the
            starter sets loaded, evaluated as `quire tags evaluate` does, first as
            imported, then after wrangling the corpus's own tag names
            (bench/corpus-wrangling.csv: "Buffy" is a synonym of "Buffy Summers"...).
Run: .venv/bin/python bench/tagging_quality.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from quire.core.suggest import LabelledWork, evaluate, starter_lexicon

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "core" / "fixtures" / "suggest" / "labelled"
WRANGLING = ROOT / "bench" / "corpus-wrangling.csv"


def labelled_report() -> dict[str, object]:
    works = [
        LabelledWork.from_json(json.loads(path.read_text()), path.stem)
        for path in sorted(LABELLED.glob("*.json"))
    ]
    report = evaluate(works, lambda _: starter_lexicon())
    print(f"== labelled set ({len(works)} original stories, starter lexicon)")
    print(report.to_text())
    return report.to_json()


def quire(data_dir: str, *args: str) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUIRE_")}
    command = [sys.executable, "-m", "quire", "--data-dir", data_dir, *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False).stdout


def corpus_reports(corpus: Path) -> dict[str, object]:
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="quire-tagging-") as data_dir:
        quire(data_dir, "tags", "load", "--starters")
        quire(data_dir, "import", "--quiet", str(corpus))
        for stage in ("as imported", "after wrangling"):
            if stage == "after wrangling":
                quire(data_dir, "tags", "load", str(WRANGLING))
                quire(data_dir, "worker", "--batch")
            print(f"== corpus, {stage}")
            print(quire(data_dir, "tags", "evaluate"))
            results[stage] = json.loads(quire(data_dir, "tags", "evaluate", "--json"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    figures = {"labelled": labelled_report()}
    if args.corpus.exists():
        figures["corpus"] = corpus_reports(args.corpus)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
