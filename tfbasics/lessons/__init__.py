"""The lessons, in course order, and the contract every lesson module follows.

A lesson is one module in this package, named after the TF guide page it follows and listed
in `COURSE`. Adding one? It must:

1. Open with a docstring: the title on the first line, a blank line, two or three short
   paragraphs on why the topic matters, and a last line `Guide: <url>` (or `Guides: ...`).
2. Define `EXAMPLES`, the list of its example functions in the order they run.
3. Write each example as a function whose docstring explains it in two to six sentences in
   the guide's voice (what happens, and why). A paragraph that is display math, `$$ ... $$`,
   shows in the notebooks only. The body is real TF code written out in full, with the closed
   form in a comment beside it, and runs as it is at the top level of a notebook cell: no
   early `return`, and one `return` as its last statement.
   - A check example takes no parameters and returns a list of checks (`check_close`,
     `check_raises`, `check_gradient`); it prints nothing.
   - A figure example takes one parameter, `figures_dir` (a `pathlib.Path`), writes one PNG
     there with a `tfbasics.plot_*` helper, and returns its path.
   `is_figure` below is the one place that tells the two apart.
4. Give the same checks when an example runs twice in one process, as a student re-running a
   notebook cell does: make `tf.function`s and counters inside the example, seed randomness.
5. Put what the examples share (helper functions, classes, constants) at the top level; the
   notebook shows each as a code cell before the examples that use it, so an example must not
   assign a name that the module defines.
6. Optionally define `configure()`, which runs before TF starts its devices (e.g. to split
   the CPU into logical devices); keep process plumbing in a helper module, out of sight.

`outline(name)` reads a lesson from its source without importing TensorFlow (for `--list`,
the notebooks and the lesson view); `run(name)` imports it and runs its examples, each on its
own, so one that raises is reported with its file and line while the others still run.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import importlib.util
import textwrap
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tfbasics.lessons.report import LessonResult, Section

# Course order: each lesson builds on the ones before it.
COURSE = ("tensors", "variables", "autodiff", "advanced_autodiff", "graphs", "modules",
          "sensitivity", "devices")


_PROPER = {"numpy": "NumPy", "keras": "Keras", "none": "None", "jvp": "JVP", "gpu": "GPU",
           "hessian": "Hessian", "jacobian": "Jacobian", "taylor": "Taylor", "tf": "TF",
           "autograph": "AutoGraph", "mse": "MSE", "cpu": "CPU"}


@dataclass(frozen=True)
class Example:
    """One example, read from its lesson's source: what the runner and the notebooks show."""

    lesson: str
    name: str  # the function's name, e.g. gradient_of_a_cubic
    number: int  # 1, 2, ... within the lesson
    explanation: str  # the docstring
    code: str  # the body, runnable at the top level, ending in show(...) or show_figure(...)
    figure: bool  # a figure example (it takes figures_dir)
    line: int  # where the function starts in the lesson's file
    helpers: tuple[tuple[str, str], ...] = ()  # (name, source) of the lesson's own
    # definitions the code uses, directly or through each other, in the file's order

    @property
    def heading(self) -> str:
        """Return the name as a heading: 'gradient_of_a_cubic' → 'Gradient of a cubic',
        'forward_mode_jvp' → 'Forward mode JVP' (names keep their usual spelling)."""
        words = [_PROPER.get(word, word) for word in self.name.split("_")]
        return " ".join([words[0][0].upper() + words[0][1:], *words[1:]])

    @property
    def prose(self) -> str:
        """Return the explanation without its display-math paragraphs (for a terminal)."""
        return "\n\n".join(p for p in self.explanation.split("\n\n")
                           if not p.strip().startswith("$$"))


@dataclass(frozen=True)
class Outline:
    """A lesson read from its source: title, introduction, guide link and examples."""

    name: str
    number: int
    title: str
    introduction: str
    guide: str
    examples: tuple[Example, ...]
    path: Path
    tree: ast.Module
    source: str


def source_path(name: str) -> Path:
    """Return a lesson module's file, found without importing it."""
    spec = importlib.util.find_spec(f"{__name__}.{name}")
    if spec is None or spec.origin is None:
        raise LookupError(f"no lesson named {name!r}")
    return Path(spec.origin)


def is_figure(node: ast.FunctionDef) -> bool:
    """Tell whether an example draws a figure: it takes `figures_dir`."""
    return [arg.arg for arg in node.args.args] == ["figures_dir"]


def example_names(tree: ast.Module) -> list[str]:
    """Return the names listed in a lesson's EXAMPLES, in order."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "EXAMPLES" for t in node.targets):
            return [element.id for element in node.value.elts]
    raise ValueError("a lesson module needs an EXAMPLES list")


def cell_code(source: str, node: ast.FunctionDef) -> str:
    """Return an example's body as top-level code: the docstring dropped, dedented, and the
    final `return X` written as `show(X)` (`show_figure(X)` for a figure example)."""
    lines = [line.encode("utf-8") for line in source.splitlines()]  # AST columns are bytes
    body = node.body[1:] if ast.get_docstring(node) is not None else node.body
    last = body[-1]
    if not isinstance(last, ast.Return) or last.value is None:
        raise ValueError(f"{node.name} must end with `return` and its result")
    value = last.value
    show = b"show_figure(" if is_figure(node) else b"show("
    end = lines[value.end_lineno - 1]  # ")" after the value, then "return " becomes "show("
    lines[value.end_lineno - 1] = end[:value.end_col_offset] + b")" + end[value.end_col_offset:]
    start = lines[last.lineno - 1]
    lines[last.lineno - 1] = start[:last.col_offset] + show + start[value.col_offset:]
    first = min([body[0].lineno, *(d.lineno for d in getattr(body[0], "decorator_list", []))])
    text = b"\n".join(lines[first - 1:last.end_lineno]).decode("utf-8")
    return textwrap.dedent(text).strip("\n")


def segment(source: str, node: ast.stmt) -> str:
    """Return a top-level statement's source, decorators included."""
    lines = source.splitlines()
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return "\n".join(lines[first - 1:node.end_lineno])


def definitions(tree: ast.Module, examples: list[str]) -> dict[str, ast.stmt]:
    """Return the lesson's own top-level definitions by name: functions, classes and
    constants, not the examples, the EXAMPLES list, `configure` or imports."""
    found: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            if node.name not in examples and node.name != "configure":
                found[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id != "EXAMPLES":
                    found[target.id] = node
    return found


def used_definitions(code: str | ast.AST, defined: dict[str, ast.stmt],
                     source: str) -> tuple[tuple[str, str], ...]:
    """Return (name, source) of the definitions `code` uses, and those they use in turn,
    in the order of the lesson's file."""
    todo, seen = [ast.parse(code) if isinstance(code, str) else code], set()
    while todo:
        for node in ast.walk(todo.pop()):
            if isinstance(node, ast.Name) and node.id in defined and node.id not in seen:
                seen.add(node.id)
                todo.append(defined[node.id])
    nodes = sorted({id(defined[name]): defined[name] for name in seen}.values(),
                   key=lambda node: node.lineno)
    return tuple((", ".join(name for name in seen if defined[name] is node),
                  segment(source, node)) for node in nodes)


@functools.cache
def outline(name: str) -> Outline:
    """Read a lesson from its source (TensorFlow is not imported)."""
    if name not in COURSE:
        raise LookupError(f"no lesson named {name!r}; lessons: {', '.join(COURSE)}")
    path = source_path(name)
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree) or name
    title, _, rest = docstring.partition("\n")
    paragraphs = [p.strip() for p in rest.strip().split("\n\n") if p.strip()]
    guide = next((p for p in paragraphs if p.startswith("Guide")), "")
    introduction = "\n\n".join(p for p in paragraphs if p != guide)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    names = example_names(tree)
    defined = definitions(tree, names)
    examples = tuple(
        Example(name, example, number, ast.get_docstring(functions[example]) or "",
                cell_code(source, functions[example]), is_figure(functions[example]),
                functions[example].lineno,
                used_definitions(cell_code(source, functions[example]), defined, source))
        for number, example in enumerate(names, start=1))
    return Outline(name, COURSE.index(name) + 1, title.strip(), introduction,
                   " ".join(guide.split()), examples, path, tree, source)


def title(name: str) -> str:
    """Return a lesson's title: the first line of its docstring."""
    return outline(name).title


def load(name: str) -> ModuleType:
    """Import a lesson module by name (this imports TensorFlow)."""
    if name not in COURSE:
        raise LookupError(f"no lesson named {name!r}; lessons: {', '.join(COURSE)}")
    return importlib.import_module(f"{__name__}.{name}")


def configure(names: list[str]) -> None:
    """Let each lesson set up devices (e.g. logical CPUs) before TF initialises them."""
    for name in names:
        try:
            setup = getattr(load(name), "configure", None)
        except Exception:  # noqa: BLE001 - a lesson that cannot load is reported by run()
            continue
        try:
            if setup is not None:
                setup()
        except RuntimeError:  # TF already started its devices (an in-process run): go on
            pass  # with the devices it has; the lesson's own checks say what is missing


def where(error: BaseException, path: Path) -> str:
    """Return 'file.py:42', the last line of `path` the error passed through (or '')."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if Path(frame.filename).resolve() == path.resolve()]
    return f"{path.name}:{frames[-1].lineno}" if frames else ""


def run(name: str, figures_dir: Path | None = None, device: str = "",
        only: list[str] | None = None,
        around: Callable[[Example], AbstractContextManager] | None = None,
        after: Callable[[Section], None] | None = None) -> LessonResult:
    """Run a lesson's examples in order on `device` (only those named in `only`, if given).

    Each example runs on its own: one that raises is reported with its file and line, and the
    others still run. Figure examples run when `figures_dir` is given. `around(example)` is a
    context entered while an example runs (the runner prints it and shows progress there);
    `after(section)` receives each example's results.
    """
    import tensorflow as tf

    lesson = outline(name)
    result = LessonResult(name, lesson.title)
    try:
        functions = {f.__name__: f for f in load(name).EXAMPLES}
    except Exception as error:  # noqa: BLE001 - a lesson that cannot load is reported
        result.error = f"{type(error).__name__}: {error}"
        return result
    with tf.device(device or None):
        for example in lesson.examples:
            if (only and example.name not in only) or (example.figure and figures_dir is None):
                continue
            section = Section(example.name)
            with around(example) if around is not None else contextlib.nullcontext():
                try:
                    if example.figure:
                        section.figure = functions[example.name](figures_dir=figures_dir)
                    else:
                        section.checks = list(functions[example.name]())
                except Exception as error:  # noqa: BLE001 - report it; the next example runs
                    at = where(error, lesson.path)
                    section.error = (f"{type(error).__name__}{' at ' + at if at else ''}: "
                                     f"{error}")
                    result.error = result.error or (f"{type(error).__name__} in "
                                                    f"{example.name}: {error}")
            for check in section.checks:
                check.device = check.device or device  # a None result ran there too
            result.sections.append(section)
            if after is not None:
                after(section)
    return result
