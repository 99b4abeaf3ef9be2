"""The `quire` command: serve the archive, load the demo, create admins, manage.

The data directory is settled before Django starts, because the settings
read it: `quire --data-dir D serve` and `quire serve --data-dir D` both work.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
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

    serve = commands.add_parser("serve", help="create or upgrade the archive and serve it")
    _data_dir_option(serve, default=argparse.SUPPRESS)
    serve.add_argument("--demo", action="store_true", help="load the sample works first")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--threads", type=int, default=8, help="request threads (default 8)")

    demo = commands.add_parser("demo", help="load the sample works into the archive")
    _data_dir_option(demo, default=argparse.SUPPRESS)

    migrate = commands.add_parser("migrate", help="create or upgrade the archive's database")
    _data_dir_option(migrate, default=argparse.SUPPRESS)

    superuser = commands.add_parser(
        "createsuperuser", help="create an admin account (options go to Django's command)"
    )
    _data_dir_option(superuser, default=argparse.SUPPRESS)

    manage = commands.add_parser(
        "manage", help="run a Django management command: quire manage COMMAND [OPTIONS]"
    )
    _data_dir_option(manage, default=argparse.SUPPRESS)
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
    return path


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def _load_demo() -> None:
    from quire.demo.loader import load_demo

    report = load_demo()
    print(report, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, django_args = parser.parse_known_args(argv)
    if django_args and args.command not in PASS_THROUGH:
        parser.error(f"unrecognized arguments: {' '.join(django_args)}")
    data_dir = _start_django(args.data_dir)
    from django.core.management import execute_from_command_line

    if args.command == "manage":
        execute_from_command_line(["quire manage", *django_args])
        return 0
    if args.command == "createsuperuser":
        _migrate()
        execute_from_command_line(["quire", "createsuperuser", *django_args])
        return 0
    _migrate()
    if args.command == "migrate":
        print(f"The archive in {data_dir} is up to date.")
        return 0
    if args.command == "demo" or getattr(args, "demo", False):
        _load_demo()
    if args.command == "serve":
        from quire.server import serve

        _collect_static()
        print(f"Data directory: {data_dir}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            serve(host=args.host, port=args.port, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
