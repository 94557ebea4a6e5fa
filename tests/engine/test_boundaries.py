"""The engine knows no web framework, broker, PDF renderer, concrete workflow or adapter.

Adapters (api/), workflow modules (workflows/) and the libraries they use depend on the engine;
never the other way round. The check reads every engine module's imports with `ast`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
FORBIDDEN = frozenset({"litestar", "dramatiq", "weasyprint", "workflows", "api"})
DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})


def forbidden_imports(source: str, filename: str = "<source>") -> list[str]:
    """Each import of a forbidden package (or any submodule), as 'file:line: statement'."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Import | ast.ImportFrom | ast.Call):
            continue
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Call) and _called_name(node.func) in DYNAMIC_IMPORTERS:
            modules = [
                a.value for a in node.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
        if any(module.split(".")[0] in FORBIDDEN for module in modules):
            found.append((node.lineno, f"{filename}:{node.lineno}: {ast.unparse(node)}"))
    return [line for _, line in sorted(found)]


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def test_no_engine_module_imports_an_adapter_a_workflow_or_their_libraries() -> None:
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) > 20  # the scan really reads the engine
    offending = [
        problem
        for path in files
        for problem in forbidden_imports(
            path.read_text(encoding="utf-8"), str(path.relative_to(ENGINE.parent))
        )
    ]
    assert offending == [], "the engine must not import these:\n" + "\n".join(offending)


def test_the_scan_finds_each_form_of_a_forbidden_import_with_its_line() -> None:
    source = "\n".join(
        [
            "from __future__ import annotations",
            "import litestar",
            "import os, dramatiq.brokers.redis as redis",
            "from weasyprint import HTML",
            "from workflows.admission import ADMISSION",
            "from api import app",
            "def later():",
            "    from api.jobs import send  # hidden inside a function",
            "    return importlib.import_module('workflows.transfer')",
        ]
    )
    assert forbidden_imports(source, "engine/bad.py") == [
        "engine/bad.py:2: import litestar",
        "engine/bad.py:3: import os, dramatiq.brokers.redis as redis",
        "engine/bad.py:4: from weasyprint import HTML",
        "engine/bad.py:5: from workflows.admission import ADMISSION",
        "engine/bad.py:6: from api import app",
        "engine/bad.py:8: from api.jobs import send",
        "engine/bad.py:9: importlib.import_module('workflows.transfer')",
    ]


def test_the_scan_leaves_lookalike_and_relative_imports_alone() -> None:
    source = "\n".join(
        [
            "import apis",
            "import api_client",
            "from sqlalchemy import api",
            "from . import api",
            "from .workflows import x",
            "from engine.registry import Registry",
            "import transitions",
        ]
    )
    assert forbidden_imports(source) == []
