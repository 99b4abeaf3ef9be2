"""`quire bench matching`, run as a user would run it, on a small exchange."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import quire


def test_matching_bench_reports_both_methods_and_makes_no_archive(tmp_path: Path) -> None:
    data_dir = tmp_path / "archive"
    result = quire("--data-dir", str(data_dir), "bench", "matching", "--signups", "200", "--json")
    assert result.returncode == 0, result.stderr
    *lines, last = result.stdout.strip().splitlines()
    report = json.loads(last)
    assert {"signups", "quire_s", "quire_matched", "greedy_s", "greedy_matched"} <= report.keys()
    assert report["signups"] == 200
    assert 0 < report["greedy_matched"] <= report["quire_matched"] <= 200
    assert any(line.startswith("quire ") for line in lines)
    assert any(line.startswith("greedy ") for line in lines)
    assert not data_dir.exists()
