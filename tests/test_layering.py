"""Dependencies point one way: callbacks → layouts and metrics → the query layer; SQL lives in one place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _calls_execute(path: Path) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr in ("execute", "executemany")
               for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("folder", ["callbacks", "layouts"])
def test_pages_never_run_sql(folder):
    offenders = [p.name for p in (ROOT / folder).glob("*.py") if _calls_execute(p)]
    assert offenders == []
    assert not _calls_execute(ROOT / "chiiki_cli.py")


def test_layouts_never_import_callbacks():
    offenders = [p.name for p in (ROOT / "layouts").glob("*.py")
                 if any(m == "callbacks" or m.startswith("callbacks.") for m in _imports(p))]
    assert offenders == []


@pytest.mark.parametrize("folder", ["metrics", "loaders", "loaders/importers"])
def test_metrics_and_loaders_never_import_dash(folder):
    offenders = [p.name for p in (ROOT / folder).glob("*.py")
                 if any(m == "dash" or m.startswith(("dash.", "flask")) for m in _imports(p))]
    assert offenders == []


def test_checker_sees_an_execute_call(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(cur):\n    return cur.execute('SELECT 1')\n", encoding="utf-8")
    assert _calls_execute(bad)


def _imports_metrics(path: Path) -> bool:
    return any(m == "metrics" or m.startswith("metrics.") for m in _imports(path))


def test_loaders_never_import_metrics():
    # metrics → loaders only: a loader importing metrics would make the build depend on the analysis
    # (and invite import cycles through metrics.service).
    offenders = [p.relative_to(ROOT).as_posix() for p in (ROOT / "loaders").rglob("*.py") if _imports_metrics(p)]
    assert offenders == []


def test_layering_checker_sees_a_metrics_import(tmp_path):
    for line in ("from metrics.peer_types import classify\n", "import metrics.lq\n", "from metrics import lq\n"):
        bad = tmp_path / "bad.py"
        bad.write_text(f"def f():\n    {line}", encoding="utf-8")
        assert _imports_metrics(bad), line
