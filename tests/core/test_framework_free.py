"""quire.core must never depend on Django: it is tested and reused without it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import quire.core

CORE_DIR = Path(quire.core.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_core_module_imports_django() -> None:
    offenders = {
        str(path.relative_to(CORE_DIR)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] == "django"
        )
        for path in sorted(CORE_DIR.rglob("*.py"))
    }
    offenders = {path: names for path, names in offenders.items() if names}
    assert offenders == {}


def test_importing_all_of_core_leaves_django_unloaded() -> None:
    modules = sorted(
        "quire.core." + path.stem for path in CORE_DIR.glob("*.py") if path.stem != "__init__"
    )
    assert "quire.core.tags" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
