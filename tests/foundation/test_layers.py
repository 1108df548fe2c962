"""Architecture rules that keep the domain core pure."""

import ast
from pathlib import Path

import stabil.core

CORE = Path(stabil.core.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_has_modules():
    assert list(CORE.glob("*.py")), "the core package must not be empty"


def test_core_never_imports_django_or_apps():
    offenders = {}
    for path in CORE.rglob("*.py"):
        bad = {n for n in _imports(path)
               if n == "django" or n.startswith("django.") or (n.startswith("stabil.") and not n.startswith("stabil.core"))}
        if bad:
            offenders[path.name] = sorted(bad)
    assert offenders == {}


def test_layer_check_catches_a_django_import(tmp_path):
    # The check above must be able to fail.
    sample = tmp_path / "x.py"
    sample.write_text("from django.db import models\nimport stabil.cases.models\n")
    assert {"django.db", "stabil.cases.models"} <= _imports(sample)
