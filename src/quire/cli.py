"""The `quire` command: serve, import, inspect and convert documents, load the demo, manage.

The data directory is settled before Django starts, because the settings
read it: `quire --data-dir D serve` and `quire serve --data-dir D` both work.
`quire inspect` and `quire convert` need no archive and never start Django.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from quire import __version__, config


def _data_dir_option(parser: argparse.ArgumentParser, *, default: object) -> None:
    parser.add_argument(
        "--data-dir",
        default=default,
        type=Path,
        help=f"where the archive keeps everything (default: ${config.DATA_DIR_ENV} or "
        f"./{config.DEFAULT_DATA_DIR})",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quire", description="Quire, a self-hosted fan fiction archive."
    )
    parser.add_argument("--version", action="version", version=f"quire {__version__}")
    _data_dir_option(parser, default=None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _data_dir_option(sub, default=argparse.SUPPRESS)
        return sub

    serve = command("serve", "create or upgrade the archive and serve it")
    serve.add_argument("--demo", action="store_true", help="load the sample works first")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--threads", type=int, default=8, help="request threads (default 8)")

    inspect = command("inspect", "print what Quire reads from a document (no archive needed)")
    inspect.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="files, folders or zips"
    )
    inspect.add_argument(
        "--json", action="store_true", help="one JSON object per work, one per line"
    )

    converter = command(
        "convert", "make downloads (EPUB, HTML, text, PDF) from documents (no archive needed)"
    )
    converter.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="files, folders or zips"
    )
    converter.add_argument(
        "--to", required=True, metavar="FORMAT", help="the download format: epub, html, txt, pdf"
    )
    converter.add_argument(
        "-o",
        "--out",
        type=Path,
        metavar="OUT",
        help="one document: the file to write (default: beside it); several: a folder "
        "(default: the current folder)",
    )
    converter.add_argument("--quiet", action="store_true", help="no progress bar")

    importer = command("import", "import files, folders or zips into the archive")
    importer.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="files, folders or zips"
    )
    importer.add_argument("--quiet", action="store_true", help="no progress bar")

    tags = command("tags", "tag data: load tag sets, suggest tags for a file, measure suggestions")
    tag_commands = tags.add_subparsers(dest="tags_command", required=True, metavar="TAGS_COMMAND")
    load = tag_commands.add_parser("load", help="load tag sets (Quire CSV/JSON, AO3's tag dump)")
    load.add_argument("files", nargs="*", type=Path, metavar="FILE")
    load.add_argument("--starters", action="store_true", help="also load Quire's starter sets")
    suggest = tag_commands.add_parser(
        "suggest", help="suggest tags for a document, the archive's tags as lexicon"
    )
    suggest.add_argument("path", type=Path, metavar="PATH")
    suggest.add_argument("--json", action="store_true", help="one JSON object per work")
    evaluate = tag_commands.add_parser(
        "evaluate", help="leave-one-out precision and recall of suggestions on the archive"
    )
    evaluate.add_argument("--json", action="store_true", help="the report as JSON")

    reindex = command("reindex", "rebuild the search index from the database")
    reindex.add_argument("--quiet", action="store_true", help="no progress bar")
    searcher = command("search", "search the archive as a signed-out reader")
    searcher.add_argument("text", metavar="QUERY", help='words, "phrases", prefix*, -word, OR')
    searcher.add_argument("--json", action="store_true", help="the results as JSON")
    searcher.add_argument("--limit", type=int, default=20, help="results to show (default 20)")

    bench = command("bench", "measure Quire on generated archives")
    benches = bench.add_subparsers(dest="bench_command", required=True, metavar="BENCHMARK")
    search_bench = benches.add_parser(
        "search", help="index build, size and query latency of every search backend"
    )
    search_bench.add_argument("--works", type=int, default=1_000_000, help="archive size")
    search_bench.add_argument("--json", action="store_true", help="end with one JSON line")
    search_bench.add_argument(
        "--backends",
        default="tantivy,postgres,sqlite-fts5",
        help="comma-separated: tantivy, postgres, sqlite-fts5 (default all three)",
    )
    search_bench.add_argument(
        "--body-words", type=int, default=300, help="words of text indexed per work (default 300)"
    )
    search_bench.add_argument("--queries", type=int, default=200, help="queries of each kind")
    search_bench.add_argument("--seed", type=int, default=7, help="generator seed")
    matching_bench = benches.add_parser(
        "matching", help="gift-exchange matching: Quire's optimal one beside AO3's greedy one"
    )
    matching_bench.add_argument(
        "--signups", type=int, default=3_000, help="sign-ups in the exchange (default 3000)"
    )
    matching_bench.add_argument("--json", action="store_true", help="end with one JSON line")
    matching_bench.add_argument("--seed", type=int, default=7, help="generator seed")

    digest = command("digest", "email subscribers their unread updates since their last digest")
    digest.add_argument(
        "--site-url",
        metavar="URL",
        help="the archive's public address, for the links (default: the SITE_URL setting)",
    )

    command("reveal", "reveal the collections whose reveal dates have passed")
    reminders = command(
        "reminders", "email givers whose gift-exchange assignments are due soon or overdue"
    )
    reminders.add_argument(
        "--site-url",
        metavar="URL",
        help="the archive's public address, for the links (default: the SITE_URL setting)",
    )

    worker = command(
        "worker", "run background work (filter tags, indexing, due reveals) until stopped"
    )
    worker.add_argument("--batch", action="store_true", help="do what is queued, then exit")

    command("demo", "load the sample works into the archive")
    command("migrate", "create or upgrade the archive's database")
    command("createsuperuser", "create an admin account (options go to Django's command)")
    command("manage", "run a Django management command: quire manage COMMAND [OPTIONS]")
    return parser


PASS_THROUGH = {"createsuperuser", "manage"}
"""Commands whose unknown options belong to Django, not to us."""


def _start_django(data_dir: Path | None) -> Path:
    if data_dir is not None:
        os.environ[config.DATA_DIR_ENV] = str(data_dir)
    path = config.prepare_data_dir(config.data_dir())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quire.site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return path


def _inspect(args: argparse.Namespace, _extra: list[str]) -> int:
    from quire.core.importers import ImportProblem, default_registry
    from quire.core.importers.report import describe, work_to_json
    from quire.core.importers.sources import iter_sources

    failed = 0
    for source in iter_sources(args.paths):
        try:
            if isinstance(source, ImportProblem):
                raise source
            works = default_registry().parse(source)
        except ImportProblem as problem:
            print(f"quire: {problem}", file=sys.stderr)
            failed += 1
            continue
        for work in works:
            report = work_to_json(work)
            if args.json:
                print(json.dumps(report, ensure_ascii=False))
            else:
                print(f"== {source.name}\n{describe(report)}\n")
    return 1 if failed else 0


def _convert(args: argparse.Namespace, _extra: list[str]) -> int:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from tqdm import tqdm

    from quire.core.exporters import default_registry
    from quire.core.exporters.convert import Conversion

    try:
        exporter = default_registry().get(args.to)
    except KeyError as error:
        print(f"quire: {error.args[0]}", file=sys.stderr)
        return 2
    conversion = Conversion(args.paths, exporter, args.out, _language_names())
    # Batches are converted in one worker process per core ("spawn" keeps them lean);
    # a single document never starts any.
    workers = ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=get_context("spawn"))
    with workers:
        quiet = args.quiet or not sys.stderr.isatty()
        progress = tqdm(conversion.run(workers), unit="file", disable=quiet, file=sys.stderr)
        for report in progress:
            for failure in report.failures:
                progress.write(f"failed: {failure}", file=sys.stderr)
    print(conversion.summary())
    return 1 if conversion.failed else 0


def _language_names() -> dict[str, str]:
    """Languages' own names by code, from Django's table (a plain dict: Django is not set up)."""
    from django.conf.locale import LANG_INFO

    names = {
        code: str(info["name_local"]) for code, info in LANG_INFO.items() if "name_local" in info
    }
    for code, info in LANG_INFO.items():
        fallbacks = info.get("fallback") or []
        if code not in names and fallbacks and fallbacks[0] in names:
            names[code] = names[fallbacks[0]]
    return names


def _import(args: argparse.Namespace, _extra: list[str]) -> int:
    from quire.imports.cli import run_import

    return run_import(args.paths, quiet=args.quiet)


def _serve(args: argparse.Namespace, _extra: list[str]) -> int:
    from django.core.management import call_command

    from quire.server import WorkerSupervisor, serve

    if args.demo:
        _demo(args, _extra)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Data directory: {config.data_dir()}", flush=True)
    # The background worker runs beside the web server, as its own process, so
    # one command is all a laptop archive needs; bigger sites run `quire worker`
    # on as many machines as they like instead.
    # Stopped by a service manager (SIGTERM), still stop the worker on the way out.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    worker = WorkerSupervisor(
        [sys.executable, "-m", "quire", "--data-dir", str(config.data_dir()), "worker"]
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            serve(host=args.host, port=args.port, threads=args.threads)
    finally:
        worker.stop()
    return 0


def _tags(args: argparse.Namespace, _extra: list[str]) -> int:
    from quire.tags.cli import run_tags_command

    return run_tags_command(args)


def _reindex(args: argparse.Namespace, _extra: list[str]) -> int:
    from quire.search.cli import run_reindex

    return run_reindex(quiet=args.quiet)


def _search(args: argparse.Namespace, _extra: list[str]) -> int:
    from quire.search.cli import run_search

    return run_search(args.text, as_json=args.json, limit=args.limit)


def _bench(args: argparse.Namespace, _extra: list[str]) -> int:
    if args.bench_command == "matching":
        return _bench_matching(args)
    from quire.search.bench import run_search_bench

    return run_search_bench(
        works=args.works,
        as_json=args.json,
        backends=[name.strip() for name in args.backends.split(",") if name.strip()],
        body_words=args.body_words,
        queries=args.queries,
        seed=args.seed,
    )


GREEDY_MATCHING = Path(__file__).resolve().parents[2] / "bench" / "matching_greedy.py"
"""AO3's greedy matching, rebuilt as a baseline: it belongs to the benchmarks, not to Quire."""


def _bench_matching(args: argparse.Namespace) -> int:
    import importlib.util

    from quire.core.matching_bench import run_matching_bench

    spec = importlib.util.spec_from_file_location("matching_greedy", GREEDY_MATCHING)
    if spec is None or spec.loader is None or not GREEDY_MATCHING.is_file():
        print(
            f"quire: the matching benchmark compares with AO3's method in {GREEDY_MATCHING}, "
            "which is only there in a checkout of Quire's repository: run it from one "
            "(pip install -e .)",
            file=sys.stderr,
        )
        return 2
    greedy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(greedy)
    report = run_matching_bench(
        args.signups,
        args.seed,
        greedy_compatibility=greedy.ao3_potential_matches,
        greedy_assignment=greedy.ao3_assign,
    )
    print("\n".join(report.lines()), flush=True)
    if args.json:
        print(json.dumps(report.to_json()))
    return 0


def _digest(args: argparse.Namespace, _extra: list[str]) -> int:
    from quire.community.cli import run_digest

    return run_digest(args.site_url)


def _reminders(args: argparse.Namespace, _extra: list[str]) -> int:
    from quire.challenges.cli import run_reminders

    return run_reminders(args.site_url)


def _reveal(_args: argparse.Namespace, _extra: list[str]) -> int:
    from quire.collections.cli import run_reveal

    return run_reveal()


PERIODIC_SECONDS = 60.0
"""How often `quire worker` runs its clock jobs (quire.server.Ticker)."""


def _worker(args: argparse.Namespace, _extra: list[str]) -> int:
    from django.core.management import call_command
    from django.db import connections

    from quire.challenges.tasks import tell_gift_recipients
    from quire.collections.tasks import reveal_due_now
    from quire.search.indexing import sweep_leftovers
    from quire.server import Ticker

    sweep_leftovers()
    ticker = Ticker(
        [reveal_due_now, tell_gift_recipients],
        every=PERIODIC_SECONDS,
        after_tick=connections.close_all,
    )
    if args.batch:
        ticker.tick()
    else:
        ticker.start()
    options = ["--batch"] if args.batch else []
    try:
        with contextlib.suppress(KeyboardInterrupt):
            call_command("db_worker", "--queue-name", "*", "--no-startup-delay", *options)
    finally:
        ticker.stop()
    return 0


def _demo(_args: argparse.Namespace, _extra: list[str]) -> int:
    from quire.demo.loader import load_demo

    print(load_demo(), flush=True)
    return 0


def _migrate(_args: argparse.Namespace, _extra: list[str]) -> int:
    print(f"The archive in {config.data_dir()} is up to date.")
    return 0


def _django_command(name: str) -> Callable[[argparse.Namespace, list[str]], int]:
    def run(_args: argparse.Namespace, extra: list[str]) -> int:
        from django.core.management import execute_from_command_line

        execute_from_command_line([f"quire {name}", *([name] if name != "manage" else []), *extra])
        return 0

    return run


COMMANDS: dict[str, tuple[bool, Callable[[argparse.Namespace, list[str]], int]]] = {
    "inspect": (False, _inspect),
    "convert": (False, _convert),
    "import": (True, _import),
    "serve": (True, _serve),
    "worker": (True, _worker),
    "digest": (True, _digest),
    "reminders": (True, _reminders),
    "reveal": (True, _reveal),
    "tags": (True, _tags),
    "reindex": (True, _reindex),
    "search": (True, _search),
    "bench": (True, _bench),
    "demo": (True, _demo),
    "migrate": (True, _migrate),
    "createsuperuser": (True, _django_command("createsuperuser")),
    "manage": (True, _django_command("manage")),
}
"""Each command: (needs the archive, handler)."""

ARCHIVE_FREE_BENCHMARKS = {"matching"}
"""Benchmarks that run on generated data alone, so no archive is made for them."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in PASS_THROUGH:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    needs_archive, handler = COMMANDS[args.command]
    if needs_archive and getattr(args, "bench_command", None) not in ARCHIVE_FREE_BENCHMARKS:
        _start_django(args.data_dir)
    return handler(args, extra)


if __name__ == "__main__":
    sys.exit(main())
