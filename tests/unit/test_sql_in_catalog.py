"""SQL lives in gphotos_tui/catalog/: no other module of the package holds an SQL statement.

The check reads every string literal (f-string parts included) of every module outside ``catalog/`` and
looks for the shape of a statement (``SELECT ... FROM``, ``INSERT INTO``, ``UPDATE ... SET``,
``DELETE FROM``, ``CREATE TABLE``/``INDEX``, ``PRAGMA``). Keywords are matched in upper case, as the
project writes SQL, so prose that says "select" or "update" is not mistaken for a statement.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import gphotos_tui

PACKAGE = Path(gphotos_tui.__file__).parent

STATEMENT = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\bCREATE\s+(TEMP\s+|TEMPORARY\s+|UNIQUE\s+)?(TABLE|INDEX|VIEW|TRIGGER)\b|\bPRAGMA\s+\w+|\bWHERE\s+\w+(\.\w+)?\s*(=|IN\b|IS\b)"
)

# Modules allowed to hold SQL outside catalog/, each with its reason. Keep this short; never add to it.
ALLOWED: dict[str, str] = {
    "analysis/stats.py": "the SQL definition of every stats aggregate, which the array path is tested against",
    "analysis/stats_filters.py": "stats filters as SQL conditions composed into those definitions",
    "analysis/stats_cache.py": "the stats cache's change stamp of the catalog (to move with the stats definitions)",
    "analysis/stats_snapshot.py": "the snapshot's id bounds read on its own connection (to move with the stats definitions)",
    "analysis/stats_arrays.py": "SQLite's LIKE on an in-memory database, to match the SQL path's case folding",
    "analysis/duplicates/store.py": "the duplicates tables' reads and writes, which build analysis types (to move)",
    "backup/status.py": "backup status queries (backup/ is being reworked on another branch; moves then)",
    "backup/run.py": "the backup plan's queries (backup/ is being reworked on another branch; moves then)",
}
ALLOWED_PREFIXES: dict[str, str] = {
    "ui/": "the screens' queries move into catalog/ with the screens' rework (issue 12, ui branch)",
}


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every string literal but docstrings; an f-string's values become '?'."""
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    inside_fstrings = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    found = []
    for node in ast.walk(tree):
        if id(node) in docstrings or id(node) in inside_fstrings:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "?" for v in node.values)
            found.append((node.lineno, text))
    return found


def sql_outside_catalog() -> list[str]:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("catalog/") or rel in ALLOWED or any(rel.startswith(p) for p in ALLOWED_PREFIXES):
            continue
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            if STATEMENT.search(text):
                offenders.append(f"{rel}:{line}: {text.strip()[:80]!r}")
    return offenders


def test_the_allow_list_names_modules_that_exist():
    for rel in ALLOWED:
        assert (PACKAGE / rel).is_file(), f"{rel} is allowed SQL but no longer exists: drop it from ALLOWED"


def test_no_sql_outside_the_catalog_package():
    offenders = sql_outside_catalog()
    assert not offenders, "SQL belongs in gphotos_tui/catalog/; move these statements there:\n" + "\n".join(offenders)


def test_the_check_finds_a_statement():
    tree = ast.parse('q = "SELECT id FROM items WHERE x = ?"\nf"INSERT INTO t VALUES ({v})"\n"select the best copy"')
    hits = [t for _, t in _strings(tree) if STATEMENT.search(t)]
    assert len(hits) == 2
