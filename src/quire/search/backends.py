"""The search backend the archive uses, chosen by a setting (QUIRE_SEARCH_BACKEND).

Every backend keeps the contract in quire.core.search.model; today the embedded
tantivy index is the one there is.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from quire.core.search.tantivy_index import TantivyIndex

BACKENDS = ("tantivy",)
_lock = threading.Lock()
_open: dict[Path, TantivyIndex] = {}


def search_backend() -> TantivyIndex:
    """The configured backend, opened once per process and index folder."""
    name = settings.SEARCH_BACKEND
    if name not in BACKENDS:
        raise ImproperlyConfigured(
            f"QUIRE_SEARCH_BACKEND={name!r} is not a search backend Quire has "
            f"(choose from {', '.join(BACKENDS)})"
        )
    path = Path(settings.SEARCH_INDEX_DIR)
    with _lock:
        if path not in _open:
            path.mkdir(parents=True, exist_ok=True)
            _open[path] = TantivyIndex(path, recreate_if_incompatible=True)
        return _open[path]
