"""Serve the archive with waitress, a production WSGI server.

Waitress was chosen because it is pure Python (no compiler, runs the same on
Linux, macOS and Windows laptops), is multi-threaded with a bounded queue
and well maintained, and runs inside this process, so `quire serve` stays
one command that later also supervises background workers.
"""

from __future__ import annotations


def serve(*, host: str, port: int, threads: int = 8) -> None:
    from waitress import serve as waitress_serve

    from quire.site.wsgi import application

    shown_host = f"[{host}]" if ":" in host else host
    print(f"Quire is serving at http://{shown_host}:{port}/  (Ctrl+C stops it)", flush=True)
    waitress_serve(application, host=host, port=port, threads=threads, ident="Quire")
