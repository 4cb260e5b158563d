"""No module of tfbasics imports another module's underscore names.

A name with a leading underscore belongs to its module: shared plumbing has a home of its own
(`tfbasics._format`, `tfbasics._files`, `tfbasics._figures`, `tfbasics._sources`) under a
name without one. The oracle is Python's own parser (`ast`), not the code under test.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tfbasics"


def underscore_imports(source: str, module: str, package: bool = False) -> list[str]:
    """Return `module: from X import _name` for each underscore name `source` takes from
    another tfbasics module: at the top, inside functions, in parenthesised lists, and as
    `mod._name` where `mod` is a tfbasics module imported by name. `package`: the source is
    a package's __init__, so a relative import starts from the package itself."""
    found, modules = [], set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            origin = node.module or ""
            if node.level:  # a relative import: resolve it against this module's package
                parts = module.split(".")[:len(module.split(".")) + package - node.level]
                origin = ".".join(parts + ([origin] if origin else []))
            if not origin.startswith("tfbasics") or origin == module:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{module}: from {origin} import {alias.name}")
                elif origin == "tfbasics":  # `from tfbasics import plots`: a module by name
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("tfbasics") and alias.asname:
                    modules.add(alias.asname)
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            found.append(f"{module}: {node.value.id}.{node.attr}")
    return found


def module_name(path: Path) -> str:
    """Return the dotted name of a file in the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_another_modules_underscore_names():
    found = [hit for path in sorted(PACKAGE.rglob("*.py"))
             for hit in underscore_imports(path.read_text(encoding="utf-8"), module_name(path),
                                           path.name == "__init__.py")]
    assert found == []


def test_the_scanner_catches_every_form_of_underscore_import():
    # must-FAIL twin: planted imports of each form are all found, and nothing else is.
    planted = '''
from tfbasics.checks import _show, show_item
from tfbasics.plots import (
    plot_fit,
    _write_atomically,
)
from tfbasics import plots as figures, __version__


def later():
    from tfbasics.doctor import _reasons_from_function
    from .problem import _private
    return figures._save, figures.plot_fit, __version__
'''
    assert underscore_imports(planted, "tfbasics.gradcheck.verdict") == [
        "tfbasics.gradcheck.verdict: from tfbasics.checks import _show",
        "tfbasics.gradcheck.verdict: from tfbasics.plots import _write_atomically",
        "tfbasics.gradcheck.verdict: from tfbasics.doctor import _reasons_from_function",
        "tfbasics.gradcheck.verdict: from tfbasics.gradcheck.problem import _private",
        "tfbasics.gradcheck.verdict: figures._save",
    ]
    assert underscore_imports("from .verdict import _Case", "tfbasics.gradcheck", True) == [
        "tfbasics.gradcheck: from tfbasics.gradcheck.verdict import _Case"]
    # A module's own underscore names, and the standard library's, are its business.
    assert underscore_imports("from os import _exit\nimport numpy as np\nnp._x",
                              "tfbasics.checks") == []
