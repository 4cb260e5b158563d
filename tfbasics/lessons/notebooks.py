"""Export each lesson as a Jupyter notebook, read from its source (TensorFlow not imported)."""

from __future__ import annotations

import ast
from pathlib import Path

from tfbasics import lessons
from tfbasics.plots import _write_atomically

SETUP_FIGURES = '''from IPython.display import Image

from tfbasics.lessons.report import print_checks

FIGURES = Path("figures")  # figures land beside the notebook
FIGURES.mkdir(exist_ok=True)'''
SETUP = "from tfbasics.lessons.report import print_checks"


def is_examples_list(node: ast.stmt) -> bool:
    """Tell whether a statement is the `EXAMPLES = [...]` list."""
    return isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "EXAMPLES" for t in node.targets)


def example_names(tree: ast.Module) -> list[str]:
    """Return the names listed in the module's EXAMPLES, in order."""
    for node in tree.body:
        if is_examples_list(node):
            return [element.id for element in node.value.elts]
    raise ValueError("a lesson module needs an EXAMPLES list")


def segment(source: str, node: ast.stmt) -> str:
    """Return a top-level statement's source, decorators included."""
    lines = source.splitlines()
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return "\n".join(lines[first - 1:node.end_lineno])


def heading(name: str) -> str:
    """Turn a function name into a heading: 'gradient_of_a_cubic' → 'Gradient of a cubic'."""
    words = name.replace("_", " ")
    return words[0].upper() + words[1:]


def is_figure_example(node: ast.FunctionDef) -> bool:
    """Tell whether an example takes a `figures_dir`, as the runner does."""
    return any(arg.arg == "figures_dir" for arg in node.args.args)


def build(name: str) -> object:
    """Return the lesson as an nbformat notebook: prose, code and a call per example."""
    import nbformat.v4 as v4

    source = lessons.source(name)
    tree = ast.parse(source)
    examples = set(example_names(tree))
    docstring = ast.get_docstring(tree) or name
    title, _, rest = docstring.partition("\n")
    cells = [v4.new_markdown_cell(f"# {title}\n\n{rest.strip()}\n\nEach example below runs "
                                  f"real TensorFlow and checks its result against an "
                                  f"independent answer: run the cells top to bottom.")]
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
               and getattr(node, "module", None) != "__future__"]
    lines = source.splitlines()[imports[0].lineno - 1:imports[-1].end_lineno]
    cells.append(v4.new_code_cell("\n".join(lines)))  # the lesson's own imports, as written
    has_figures = any(isinstance(node, ast.FunctionDef) and node.name in examples
                      and is_figure_example(node) for node in tree.body)
    cells.append(v4.new_code_cell(SETUP_FIGURES if has_figures else SETUP))
    for node in tree.body[1:]:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or is_examples_list(node):
            continue
        text = segment(source, node)
        if isinstance(node, ast.FunctionDef) and node.name in examples:
            prose = ast.get_docstring(node) or ""
            cells.append(v4.new_markdown_cell(f"## {heading(node.name)}\n\n{prose}"))
            cells.append(v4.new_code_cell(text))
            call = (f"Image(filename=str({node.name}(figures_dir=FIGURES)))"
                    if is_figure_example(node) else f"print_checks({node.name}())")
            cells.append(v4.new_code_cell(call))
        else:
            cells.append(v4.new_code_cell(text))
            if isinstance(node, ast.FunctionDef) and node.name == "configure":
                cells.append(v4.new_code_cell("configure()  # before TF starts its devices"))
    for number, cell in enumerate(cells):
        cell["id"] = f"{name}-{number:03d}"  # fixed ids: the same export gives the same bytes
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
