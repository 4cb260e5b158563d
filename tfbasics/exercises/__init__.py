"""Practice: small exercises to fix, checked by running them, with hints on request.

`python -m tfbasics.exercises` lists the exercises; `start NAME` writes `exercises/NAME.py`
into the current folder for you to edit, `check NAME` grades it, `hint NAME` gives the next
hint, `watch` re-checks on every save, `solution NAME` prints a solved file.

An exercise is one small module (the built-in ones are in `tfbasics/exercises/builtin/`; a
teacher's own folder is added with `--path DIR`, or for every command with the environment
variable `TFBASICS_EXERCISES_PATH`, folders separated by `os.pathsep`). Writing one? It needs:

- a docstring: the task in one line, then a short paragraph saying what to write;
- `LESSON`, the lesson it practises (one of `tfbasics.lessons.COURSE`), and `ORDER`, its place
  among that lesson's exercises; optionally `KIND` (e.g. "derive a gradient");
- `STUB`, the text of the file the student starts from (it must fail, helpfully);
- `SOLUTION`, the text of a solved file (it must pass);
- `HINTS`, a list of hints, from a nudge to nearly the answer;
- `grade(student, rng)`, which receives the names the student's file defined (a dict) and a
  seeded `numpy.random.Generator`, and returns `Feedback.ok()` when the answer is right. When
  it is wrong, raise `Problem("the diagnosis")`: its text is what the student reads. Build it
  from `tfbasics.exercises.grading` (`require`, `call`, `compare`, `grade_formula`, `uses`,
  ...): several random points, an answer computed independently of the student's code (the
  tape, NumPy, `check_gradient`), and a diagnosis that says where and why without giving the
  formula away. An error the student's code raises is reported with its line for you;
- optionally `configure()`, run before TensorFlow starts its devices, and `TIME_LIMIT`
  (seconds, default 60).

`LESSON`, `ORDER`, `KIND` and `TIME_LIMIT` are read from the source without running it, so
write them as plain values (`ORDER = 2`, not `ORDER = 1 + 1`). The file name is the
exercise's name; a helper module in the same folder needs a name starting with `_`.
`python -m tfbasics.exercises --path DIR verify` checks that each solution passes and each
stub fails.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tfbasics.lessons import COURSE

BUILTIN = Path(__file__).resolve().parent / "builtin"
TEACHER_PATHS: list[Path] = []  # folders given with --path, searched after the built-ins
ENVIRONMENT = "TFBASICS_EXERCISES_PATH"  # more folders, for every command (os.pathsep between)
REQUIRED = ("LESSON", "ORDER", "STUB", "SOLUTION", "HINTS", "grade")


@dataclass(frozen=True)
class Exercise:
    """An exercise as the list shows it, read from its source without importing TensorFlow."""

    name: str
    lesson: str
    order: int
    task: str  # the docstring's first line
    text: str  # the whole docstring
    kind: str
    path: Path

    def module(self) -> ModuleType:
        """Import the exercise's module (its grader may import TensorFlow); its folder is on
        the import path, so a helper module beside it (`_helpers.py`) can be imported."""
        spec = importlib.util.spec_from_file_location(f"tfbasics_exercise_{self.name}",
                                                      self.path)
        module = importlib.util.module_from_spec(spec)
        folder = str(self.path.parent)
        if self.path.parent != BUILTIN and folder not in sys.path:
            sys.path.append(folder)
        spec.loader.exec_module(module)
        return module


def _constant(tree: ast.Module, name: str, path: Path | None = None) -> object:
    """Return a module-level constant's value from the source (None when absent)."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                raise ValueError(f"{path or 'the exercise'}, line {node.lineno}: {name} must "
                                 f"be a plain value such as 2 or \"autodiff\", not "
                                 f"{ast.unparse(node.value)}: it is read without running the "
                                 f"file (the README's Practice section says what an exercise "
                                 f"needs)") from None
    return None


def read(path: Path) -> Exercise:
    """Read one exercise module's description from its source; say what is missing."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except SyntaxError as error:
        raise ValueError(f"{path}, line {error.lineno}: Python cannot read it "
                         f"({error.msg})") from None
    defined = {t.id for node in tree.body if isinstance(node, ast.Assign)
               for t in node.targets if isinstance(t, ast.Name)}
    defined |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    missing = [name for name in REQUIRED if name not in defined]
    docstring = ast.get_docstring(tree) or ""
    lesson = _constant(tree, "LESSON", path)
    order = _constant(tree, "ORDER", path)
    if missing or not docstring or lesson not in COURSE or not isinstance(order, int):
        problem = (f"it lacks {', '.join(missing)}" if missing else "it has no docstring"
                   if not docstring else f"LESSON is {lesson!r}, not one of {', '.join(COURSE)}"
                   if lesson not in COURSE else f"ORDER is {order!r}, not a whole number")
        raise ValueError(f"{path} is not an exercise: {problem}. A helper module's name starts "
                         f"with _; what an exercise needs is in the README's Practice section")
    return Exercise(path.stem, lesson, order, docstring.splitlines()[0].strip(), docstring,
                    str(_constant(tree, "KIND", path) or ""), path)


def environment_paths() -> list[Path]:
    """Return the folders named by TFBASICS_EXERCISES_PATH (none when it is unset)."""
    value = os.environ.get(ENVIRONMENT, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def teacher_folders() -> list[Path]:
    """Return the teachers' folders: --path ones, then TFBASICS_EXERCISES_PATH's, each once."""
    folders: list[Path] = []
    for folder in (*TEACHER_PATHS, *environment_paths()):
        if folder.resolve() not in folders:
            folders.append(folder.resolve())
    return folders


SKIPPED: dict[Path, str] = {}  # a teacher's file that is not an exercise: why


@functools.cache
def _folder(path: Path) -> tuple[Exercise, ...]:
    """Return the exercises in one folder (every .py file not starting with _). In a
    teacher's folder, a file that is not an exercise is skipped and noted in SKIPPED (one
    stray script must not hide the other exercises); in the built-in one it is an error."""
    found = []
    for file in sorted(path.glob("*.py")):
        if file.name.startswith("_"):
            continue
        try:
            found.append(read(file))
        except (ValueError, OSError, UnicodeDecodeError) as error:
            if path == BUILTIN:
                raise
            SKIPPED[file] = str(error)
    return tuple(found)


def catalogue(paths: tuple[Path, ...] | None = None) -> list[Exercise]:
    """Return every exercise, built-in and from the teacher's folders, in course order."""
    found: dict[str, Exercise] = {}
    folders = teacher_folders() if paths is None else [Path(p).resolve() for p in paths]
    for folder in (BUILTIN, *folders):
        for exercise in _folder(Path(folder).resolve()):
            if exercise.name in found:
                raise ValueError(f"two exercises are named {exercise.name!r}: "
                                 f"{found[exercise.name].path} and {exercise.path}; rename one")
            found[exercise.name] = exercise
    return sorted(found.values(), key=lambda e: (COURSE.index(e.lesson), e.order, e.name))


def find(name: str) -> Exercise:
    """Return the exercise called `name` (any case), or raise LookupError."""
    for exercise in catalogue():
        if exercise.name.lower() == name.lower():
            return exercise
    raise LookupError(name)
