"""`quire bench search` on a tiny archive: it runs every backend and reports in the agreed shape.

Only the shape is checked; the figures come from real runs (docs/performance.md).
PostgreSQL joins in when the tests run on it (QUIRE_DATABASE_URL=postgresql://…):
the benchmark makes and drops its own database on the same server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from psycopg.conninfo import make_conninfo
from pytest_django import DjangoDbBlocker

from quire.search.bench import run_search_bench

KEYS = {
    "backend",
    "build_s",
    "index_mb",
    "filter_p50_ms",
    "filter_p99_ms",
    "fulltext_p50_ms",
    "fulltext_p99_ms",
    "fulltext_facets_p50_ms",
    "fulltext_facets_p99_ms",
}


@pytest.fixture
def backends(django_db_blocker: DjangoDbBlocker) -> Iterator[tuple[str, ...]]:
    if connection.vendor != "postgresql":
        yield ("tantivy", "sqlite-fts5")
        return
    with django_db_blocker.unblock():
        yield ("tantivy", "sqlite-fts5", "postgres")


def _server_url() -> str:
    settings = connection.settings_dict
    return make_conninfo(
        "",
        host=settings["HOST"] or "127.0.0.1",
        port=str(settings["PORT"] or 5432),
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or None,
        dbname="postgres",
    )


def test_json_line_has_one_object_per_backend(
    backends: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    url = _server_url() if "postgres" in backends else None
    assert run_search_bench(works=300, as_json=True, backends=backends, postgres_url=url) == 0

    output = capsys.readouterr().out.splitlines()
    report = json.loads(output[-1])
    assert set(report) == {"works", "backends"}
    assert report["works"] == 300
    assert [row["backend"] for row in report["backends"]] == list(backends)
    for row in report["backends"]:
        assert set(row) == KEYS
        for key in KEYS - {"backend"}:
            assert isinstance(row[key], int | float) and row[key] >= 0, (row["backend"], key)
        assert row["index_mb"] > 0
        assert row["filter_p50_ms"] <= row["filter_p99_ms"]
        assert row["fulltext_p50_ms"] <= row["fulltext_p99_ms"]
        assert row["fulltext_facets_p50_ms"] <= row["fulltext_facets_p99_ms"]
    # The table comes first, one line per backend, and the backends were compared.
    header = next(line for line in output if line.startswith("backend"))
    assert "filter_p50_ms" in header
    assert any(line.startswith("sqlite-fts5: ") and "totals equal" in line for line in output)


def test_without_json_only_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_search_bench(works=50, backends=("sqlite-fts5",), queries=5, warmup=1) == 0
    output = capsys.readouterr().out
    assert "sqlite-fts5" in output
    assert not any(line.startswith("{") for line in output.splitlines())


def test_without_the_corpus_it_says_so_and_uses_built_in_parameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_search_bench(
        works=50, as_json=True, backends=("sqlite-fts5",), corpus=tmp_path, queries=5, warmup=1
    )
    assert code == 0
    output = capsys.readouterr().out
    assert "Corpus not found" in output and "built-in parameters" in output
    assert json.loads(output.splitlines()[-1])["works"] == 50


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown search backend"):
        run_search_bench(works=10, backends=("elasticsearch",))
