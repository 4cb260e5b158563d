"""Read a lesson from its source (for `--list`, the view and the notebooks) and run it.

`outline(name)` reads a lesson without importing TensorFlow: its title, introduction, guide
link, the imports its shown code needs, and per example the code a student types (the body
up to `# Verify`) apart from the verification after it. `run(name)` imports the lesson and
runs its examples, each on its own, with what each prints captured as its output, so one
that raises is reported with its file and line while the others still run.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import importlib.util
import re
import sys
import textwrap
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tfbasics.course.capture import capture_stdout
from tfbasics.course.report import LessonResult, Section
from tfbasics.lessons import COURSE

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
    code: str  # what a student types: the body up to `# Verify`, at the top level
    verify: str  # the rest, as a notebook cell ending in show(...) or show_figure(...)
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

    @property
    def imports(self) -> str:
        """Return the imports a student types before the examples: the lesson's own that its
        shown code and definitions use (with `figures_dir` where it draws figures)."""
        code = [e.code for e in self.examples] + [src for e in self.examples
                                                  for _, src in e.helpers]
        code += ["Path"] if any(example.figure for example in self.examples) else []
        block = import_block([node for node in self.tree.body
                              if isinstance(node, (ast.Import, ast.ImportFrom))
                              and getattr(node, "module", None) != "__future__"], code)
        if any(example.figure for example in self.examples):
            block += ('\n\nfigures_dir = Path("figures")  # where the figures go\n'
                      'figures_dir.mkdir(exist_ok=True)')
        return block


def import_block(imports: list[ast.stmt], code: list[str], skip: set[str] = frozenset()) -> str:
    """Return the imports that `code` uses, grouped and sorted as isort would.

    A lesson imports names for its verification (`check_close`, `Check` for type hints) that
    no shown code uses; a student types only what the shown code needs. Names in `skip` are
    left out (imported already).
    """
    used = {node.id for text in code for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Name)}
    sections: dict[int, list[tuple[bool, str, str]]] = {0: [], 1: [], 2: []}
    for node in imports:
        names = [a for a in node.names if (a.asname or a.name.split(".")[0]) in used - skip]
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
        if len(line) > 80:
            line = (f"from {module} import (\n"
                    + "".join(f"    {ast.unparse(a)},\n" for a in names) + ")")
        sections[section].append((True, module, line))
    return "\n\n".join("\n".join(line for _, _, line in sorted(group))
                       for group in sections.values() if group)


def source_path(name: str) -> Path:
    """Return a lesson module's file, found without importing it."""
    spec = importlib.util.find_spec(f"tfbasics.lessons.{name}")
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


VERIFY = re.compile(r"^\s*# Verify\s*$")


def _body(node: ast.FunctionDef) -> list[ast.stmt]:
    """Return a function's statements without its docstring."""
    return node.body[1:] if ast.get_docstring(node) is not None else node.body


def _first_line(node: ast.stmt) -> int:
    """Return a statement's first line, its decorators included."""
    return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])


def split_line(source: str, node: ast.FunctionDef) -> int:
    """Return the line where an example's verification starts: its `# Verify` line, or (with
    none) its final `return`. Raise ValueError where the example breaks the contract."""
    body = _body(node)
    last = body[-1]
    if not isinstance(last, ast.Return) or last.value is None:
        raise ValueError(f"{node.name} must end with `return` and its result")
    lines = source.splitlines()
    marks = [number for number in range(body[0].lineno, last.lineno + 1)
             if VERIFY.match(lines[number - 1])]
    if len(marks) > 1:
        raise ValueError(f"{node.name} has {len(marks)} `# Verify` lines; one splits it")
    split = marks[0] if marks else _first_line(last)
    for statement in body:
        if _first_line(statement) < split < statement.end_lineno:
            raise ValueError(f"{node.name}'s `# Verify` line is inside a statement")
        if isinstance(statement, ast.Return) and statement is not last:
            raise ValueError(f"{node.name} returns early (line {statement.lineno}): its code "
                             f"must run as it is at the top level")
    return split


def shown_code(source: str, node: ast.FunctionDef) -> str:
    """Return the code a student types: the body before the verification, dedented."""
    lines = source.splitlines()
    start, split = _first_line(_body(node)[0]), split_line(source, node)
    if start >= split:
        return ""
    return textwrap.dedent("\n".join(lines[start - 1:split - 1])).strip("\n")


def verify_code(source: str, node: ast.FunctionDef) -> str:
    """Return the verification as top-level code: the statements after `# Verify` (or the
    final `return`), the `return X` written as `show(X)` (`show_figure(X)` for a figure)."""
    lines = [line.encode("utf-8") for line in source.splitlines()]  # AST columns are bytes
    split = split_line(source, node)
    last = _body(node)[-1]
    value = last.value
    show = b"show_figure(" if is_figure(node) else b"show("
    end = lines[value.end_lineno - 1]  # ")" after the value, then "return " becomes "show("
    lines[value.end_lineno - 1] = end[:value.end_col_offset] + b")" + end[value.end_col_offset:]
    start = lines[last.lineno - 1]
    lines[last.lineno - 1] = start[:last.col_offset] + show + start[value.col_offset:]
    text = b"\n".join(line for line in lines[split - 1:last.end_lineno]
                       if not VERIFY.match(line.decode("utf-8")))
    return textwrap.dedent(text.decode("utf-8")).strip("\n")


def segment(source: str, node: ast.stmt) -> str:
    """Return a top-level statement's source, decorators included."""
    return "\n".join(source.splitlines()[_first_line(node) - 1:node.end_lineno])


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
    examples = []
    for number, example in enumerate(names, start=1):
        node = functions[example]
        code = shown_code(source, node)
        examples.append(Example(name, example, number, ast.get_docstring(node) or "", code,
                                verify_code(source, node), is_figure(node), node.lineno,
                                used_definitions(code or "pass", defined, source)))
    return Outline(name, COURSE.index(name) + 1, title.strip(), introduction,
                   " ".join(guide.split()), tuple(examples), path, tree, source)


def title(name: str) -> str:
    """Return a lesson's title: the first line of its docstring."""
    return outline(name).title


def load(name: str) -> ModuleType:
    """Import a lesson module by name (this imports TensorFlow)."""
    if name not in COURSE:
        raise LookupError(f"no lesson named {name!r}; lessons: {', '.join(COURSE)}")
    return importlib.import_module(f"tfbasics.lessons.{name}")


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
                    with capture_stdout() as printed:
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
            section.output = printed.text
            for check in section.checks:
                check.device = check.device or device  # a None result ran there too
            result.sections.append(section)
            if after is not None:
                after(section)
    return result
