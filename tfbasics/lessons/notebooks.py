"""Export each lesson as a Jupyter notebook, read from its source (TensorFlow not imported).

A notebook follows its lesson: the introduction, a first cell that starts TF quietly, the
lesson's imports, then per example its explanation as Markdown and its code at the top level
of a cell (the function's body, ending in `show(...)`), so `w`, `tape` and `L` stay there to
inspect. Helpers the examples share come as code cells where the lesson defines them.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from tfbasics import lessons
from tfbasics.plots import _write_atomically

QUIET = """\
# TensorFlow prints C++ start-up lines; this hides them (set TF_CPP_MIN_LOG_LEVEL to see them).
from tfbasics.lessons.quiet import import_tensorflow_quietly

import_tensorflow_quietly();  # the ; keeps Jupyter from showing the module it returns"""
FIGURES = """

figures_dir = Path("figures")  # figures land beside the notebook
figures_dir.mkdir(exist_ok=True)"""
HOW = ("Run the cells top to bottom. Each example's code runs at the top level, so its "
       "variables (`w`, `tape`, `L`, ...) are there to inspect after it runs; `show(...)` "
       "prints its results, each checked against an independent answer.")


def is_examples_list(node: ast.stmt) -> bool:
    """Tell whether a statement is the `EXAMPLES = [...]` list."""
    return isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "EXAMPLES" for t in node.targets)


def import_block(imports: list[ast.stmt], code: list[str]) -> str:
    """Return the lesson's imports that the notebook's `code` uses, sorted as isort would.

    A lesson imports names for its own plumbing (`Check` for type hints, say) that no cell
    uses; a notebook keeps only what its cells need, plus `show` and `show_figure`.
    """
    used = {node.id for text in code for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Name)}
    report = ast.ImportFrom(module="tfbasics.lessons.report", level=0, names=[
        ast.alias(name) for name in ("show", "show_figure") if name in used])
    sections: dict[int, list[tuple[bool, str, str]]] = {0: [], 1: [], 2: []}
    for node in [*imports, report]:
        names = [a for a in node.names if (a.asname or a.name.split(".")[0]) in used]
        if not names:
            continue
        module = node.module if isinstance(node, ast.ImportFrom) else names[0].name
        top = module.split(".")[0]
        section = 2 if top == "tfbasics" else 0 if top in sys.stdlib_module_names else 1
        if isinstance(node, ast.Import):
            for alias in names:
                sections[section].append((False, alias.name, ast.unparse(ast.Import([alias]))))
            continue
        line = ast.unparse(ast.ImportFrom(module, names, 0))
        if len(line) > 100:
            line = (f"from {module} import (\n"
                    + "".join(f"    {ast.unparse(a)},\n" for a in names) + ")")
        sections[section].append((True, module, line))
    return "\n\n".join("\n".join(line for _, _, line in sorted(group))
                       for group in sections.values() if group)


def build(name: str) -> object:
    """Return the lesson as an nbformat notebook."""
    import nbformat.v4 as v4

    outline = lessons.outline(name)
    tree, source = outline.tree, outline.source
    examples = {example.name: example for example in outline.examples}
    intro = f"# {outline.title}\n\n{outline.introduction}\n\n{outline.guide}\n\n{HOW}"
    cells = [v4.new_markdown_cell(intro), v4.new_code_cell(QUIET)]
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
               and getattr(node, "module", None) != "__future__"]
    setup_at = len(cells)
    for node in tree.body[1:]:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or is_examples_list(node):
            continue
        if isinstance(node, ast.FunctionDef) and node.name in examples:
            example = examples[node.name]
            cells.append(v4.new_markdown_cell(f"## {outline.number}.{example.number} "
                                              f"{example.heading}\n\n{example.explanation}"))
            cells.append(v4.new_code_cell(example.code))
        else:
            cells.append(v4.new_code_cell(lessons.segment(source, node)))
            if isinstance(node, ast.FunctionDef) and node.name == "configure":
                cells.append(v4.new_code_cell("configure()  # before TF starts its devices"))
    figures = FIGURES if any(example.figure for example in outline.examples) else ""
    code = [cell.source for cell in cells[setup_at:] if cell.cell_type == "code"] + [figures]
    cells.insert(setup_at, v4.new_code_cell(import_block(imports, code) + figures))
    return notebook_of(cells, name)


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
        _write_atomically(path, (nbformat.writes(build(name)) + "\n").encode("utf-8"))
        paths.append(path)
    return paths
