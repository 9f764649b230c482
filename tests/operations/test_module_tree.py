"""The operations form a tree: each module imports on its own in a fresh interpreter, and none
imports another operations module inside a function (the way an import cycle is dodged)."""
import ast
import subprocess
import sys

import pytest

from tests.conftest import repo_root

OPERATIONS = repo_root() / "app" / "operations"
MODULES = sorted(
    ".".join(path.relative_to(repo_root()).with_suffix("").parts).removesuffix(".__init__")
    for path in OPERATIONS.rglob("*.py")
)


def test_every_operations_module_is_listed():
    assert "app.operations.events" in MODULES and "app.operations.services.criminal_record" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_alone_in_a_fresh_interpreter(module):
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=repo_root(), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_no_import_inside_a_function_body():
    late = []
    for path in OPERATIONS.rglob("*.py"):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                late += [f"{path.relative_to(repo_root())}:{node.lineno}" for node in ast.walk(function)
                         if isinstance(node, ast.Import | ast.ImportFrom)]
    assert late == []
