"""data/issue_codes.csv is the one list of issue codes: the codes the source emits are exactly
its codes, and every issue gets its severity from it.

The emitted codes are found by walking the package's syntax trees: the code argument of every
`issue(...)` call, followed through helpers that pass their own parameter on (decode's `_info`).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

import pipeline
from pipeline.models import Issue, Severity, issue, issue_codes

PACKAGE = Path(pipeline.__file__).parent


def _name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _arg(call: ast.Call, pos: int, name: str) -> ast.expr | None:
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return call.args[pos] if len(call.args) > pos else None


class _Module:
    """One module's calls, each with the function it is in."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.calls: list[tuple[ast.Call, ast.FunctionDef | None]] = []
        self._visit(ast.parse(path.read_text(encoding="utf-8")), None)

    def _visit(self, node: ast.AST, fn: ast.FunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef) else fn
            if isinstance(child, ast.Call):
                self.calls.append((child, fn))
            self._visit(child, inner)


def _literals(expr: ast.expr | None) -> set[str] | None:
    """The strings an expression can be (a literal, or a conditional between literals)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        a, b = _literals(expr.body), _literals(expr.orelse)
        return a | b if a is not None and b is not None else None
    return None


def emitted_codes() -> dict[str, set[str]]:
    """Every issue code the package can emit -> the places (file:line) that emit it."""
    modules = [_Module(p) for p in sorted(PACKAGE.rglob("*.py"))]
    found: dict[str, set[str]] = {}
    # (module, function name, parameter position, parameter name) whose value is the code
    pending: list[tuple[_Module, str, int, str]] = [(m, "issue", 0, "code") for m in modules]
    seen: set[tuple[str, str]] = set()
    while pending:
        mod, func, pos, pname = pending.pop()
        for call, fn in mod.calls:
            if _name(call) != func or (func != "issue" and fn is not None and fn.name == func):
                continue
            where = f"{mod.path.relative_to(PACKAGE)}:{call.lineno}"
            expr = _arg(call, pos, pname)
            codes = _literals(expr)
            if codes is not None:
                for c in codes:
                    found.setdefault(c, set()).add(where)
                continue
            params = [a.arg for a in fn.args.args] if fn is not None else []
            if isinstance(expr, ast.Name) and expr.id in params and fn is not None:
                if (str(mod.path), fn.name) not in seen:  # a helper passing its parameter on
                    seen.add((str(mod.path), fn.name))
                    pending.append((mod, fn.name, params.index(expr.id), expr.id))
                continue
            raise AssertionError(f"{where}: issue code is not a string literal: {ast.unparse(expr) if expr else None}")
    return found


def test_emitted_codes_are_the_tables_codes() -> None:
    emitted = emitted_codes()
    table = set(issue_codes())
    assert not set(emitted) - table, f"codes emitted but missing from data/issue_codes.csv: {sorted(set(emitted) - table)}"
    assert not table - set(emitted), f"codes in data/issue_codes.csv that nothing emits: {sorted(table - set(emitted))}"


def test_issues_are_made_only_through_issue() -> None:
    """Every Issue outside models.py comes from `issue`, so its severity is the table's."""
    direct = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "models.py" and path.parent == PACKAGE:
            continue
        for call, _ in _Module(path).calls:
            if _name(call) == "Issue":
                direct.append(f"{path.relative_to(PACKAGE)}:{call.lineno}")
    assert direct == []


def test_table_rows() -> None:
    codes = issue_codes()
    assert len(codes) >= 35
    for c in codes.values():
        assert c.severity in get_args(Severity)
        assert c.meaning.strip().endswith("."), c.code
        assert c.code == c.code.strip().lower() and " " not in c.code


def test_severity_comes_from_the_table() -> None:
    for code, row in issue_codes().items():
        i = issue(code, "m", field="f", evidence="e")
        assert i == Issue("", None, "f", row.severity, code, "m", "e")
    assert issue_codes()["start_after_end"].severity == "error"
    assert issue_codes()["doubtful_place"].severity == "info"
    assert issue_codes()["unreadable_amount"].severity == "warning"
    located = issue("pages_disagree", "m", source_file="a.txt", project_key="k").located("b.txt", "k2")
    assert (located.source_file, located.project_key, located.severity) == ("b.txt", "k2", "warning")


def test_unknown_code_is_refused() -> None:
    with pytest.raises(KeyError):
        issue("no_such_code", "m")


def test_data_dictionary_lists_every_code() -> None:
    from pipeline.tables.data_dictionary import render

    text = render()
    for c in issue_codes().values():
        assert f"| `{c.code}` | {c.severity} | " in text
