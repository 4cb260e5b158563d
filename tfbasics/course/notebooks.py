"""Export each lesson as a Jupyter notebook, read from its source (TensorFlow not imported).

A notebook follows its lesson: the introduction, a first cell of ordinary imports (TF's C++
start-up lines hidden by `tfbasics.import_tensorflow_quietly`), then per example its
explanation as Markdown, its code at the top level of a cell (the code a student types, so
`w`, `tape` and `L` stay there to inspect, and what it prints shows below it), and a cell
that shows its verified claims. Definitions the examples share come as code cells where the
lesson defines them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tfbasics._files import write_atomically
from tfbasics.course import lesson as lessons

QUIET = """\
# TF prints C++ start-up lines before its logging starts; this hides them
# (set TF_CPP_MIN_LOG_LEVEL yourself to see them). The ; keeps the module unshown.
from tfbasics import import_tensorflow_quietly

import_tensorflow_quietly();"""
VERIFY = "# The course's checks of the example above (not code you need to type):\n"
HOW = ("Run the cells top to bottom. Each example's code runs at the top level, so its "
       "variables (`w`, `tape`, `L`, ...) are there to inspect after it runs; the cell after "
       "it shows what the course verified, each claim checked against an independent answer.")


def is_examples_list(node: ast.stmt) -> bool:
    """Tell whether a statement is the `EXAMPLES = [...]` list."""
    return isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "EXAMPLES" for t in node.targets)


def build(name: str) -> object:
    """Return the lesson as an nbformat notebook."""
    import nbformat.v4 as v4

    outline = lessons.outline(name)
    tree, source = outline.tree, outline.source
    examples = {example.name: example for example in outline.examples}
    intro = f"# {outline.title}\n\n{outline.introduction}\n\n{outline.guide}\n\n{HOW}"
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
               and getattr(node, "module", None) != "__future__"]
    shown = {code for example in outline.examples for _, code in example.helpers}
    checks_only = [lessons.segment(source, node) for node in tree.body[1:]
                   if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Assign))
                   and not is_examples_list(node) and getattr(node, "name", "") not in examples
                   and lessons.segment(source, node) not in shown]
    verification = [example.verify for example in outline.examples] + checks_only
    shown = {alias.asname or alias.name.split(".")[0]
             for node in ast.parse(outline.imports).body
             if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    checking = lessons.import_block(  # what the checks use besides the shown imports
        [*imports, ast.ImportFrom("tfbasics.course.report", [ast.alias("show"),
                                                             ast.alias("show_figure")], 0)],
        verification, skip=shown)
    cells = [v4.new_markdown_cell(intro), v4.new_code_cell(QUIET),
             v4.new_code_cell(outline.imports),
             hidden(v4.new_code_cell(VERIFY.replace("example above", "examples below")
                                     + checking))]
    for node in tree.body[1:]:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or is_examples_list(node):
            continue
        if isinstance(node, ast.FunctionDef) and node.name in examples:
            example = examples[node.name]
            cells.append(v4.new_markdown_cell(f"## {outline.number}.{example.number} "
                                              f"{example.heading}\n\n{example.explanation}"))
            if example.code:
                cells.append(v4.new_code_cell(example.code))
            cells.append(hidden(v4.new_code_cell(VERIFY + example.verify)))
        else:
            code = lessons.segment(source, node)
            cell = v4.new_code_cell(code)
            if code in checks_only and getattr(node, "name", "") != "configure":
                cell = hidden(v4.new_code_cell(VERIFY.replace("example above", "examples")
                                               + code))
            cells.append(cell)
            if isinstance(node, ast.FunctionDef) and node.name == "configure":
                cells.append(v4.new_code_cell("configure()  # before TF starts its devices"))
    return notebook_of(cells, name)


def hidden(cell: object) -> object:
    """Return a code cell whose source JupyterLab and Notebook show collapsed."""
    cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def notebook_of(cells: list, prefix: str) -> object:
    """Return a Python 3 notebook of `cells`, their ids `prefix-000`, `prefix-001`, ...
    (fixed ids: the same export gives the same bytes)."""
    import nbformat.v4 as v4

    for number, cell in enumerate(cells):
        cell["id"] = f"{prefix}-{number:03d}"
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                       "name": "python3"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def export(folder: Path, names: list[str]) -> list[Path]:
    """Write one notebook per lesson into `folder`, named in course order; return the paths."""
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / f"{lessons.COURSE.index(name) + 1:02d}_{name}.ipynb"
        write_atomically(path, (nbformat.writes(build(name)) + "\n").encode("utf-8"))
        paths.append(path)
    return paths
