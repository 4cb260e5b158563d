"""Practice: small exercises to fix, checked by running them, with hints on request.

`python -m tfbasics.exercises` lists the exercises; `start NAME` writes `exercises/NAME.py`
into the current folder for you to edit, `check NAME` grades it, `hint NAME` gives the next
hint, `watch` re-checks on every save, `solution NAME` prints a solved file.

An exercise is one small module (the built-in ones are in `tfbasics/exercises/builtin/`; a
teacher's own folder is added with `--path DIR`). Writing one? It needs:

- a docstring: the task in one line, then a short paragraph saying what to write;
- `LESSON`, the lesson it practises (one of `tfbasics.lessons.COURSE`), and `ORDER`, its place
  among that lesson's exercises; optionally `KIND` (e.g. "derive a gradient");
- `STUB`, the text of the file the student starts from (it must fail, helpfully);
- `SOLUTION`, the text of a solved file (it must pass);
- `HINTS`, a list of hints, from a nudge to nearly the answer;
- `grade(student, rng)`, which receives the names the student's file defined (a dict) and a
  seeded `numpy.random.Generator`, and returns a `Feedback`. Build it from
  `tfbasics.exercises.grading`: several random points, an answer computed independently of the
  student's code (the tape, NumPy, `check_gradient`), and a diagnosis that says where and why
  without giving the formula away;
- optionally `configure()`, run before TensorFlow starts its devices, and `TIME_LIMIT`
  (seconds, default 60).

The file name is the exercise's name.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tfbasics.lessons import COURSE

BUILTIN = Path(__file__).resolve().parent / "builtin"
TEACHER_PATHS: list[Path] = []  # folders given with --path, searched after the built-ins
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
        """Import the exercise's module (its grader may import TensorFlow)."""
        spec = importlib.util.spec_from_file_location(f"tfbasics_exercise_{self.name}",
                                                      self.path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


def _constant(tree: ast.Module, name: str) -> object:
    """Return a module-level constant's value from the source (None when absent)."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    return None


def read(path: Path) -> Exercise:
    """Read one exercise module's description from its source; say what is missing."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    defined = {t.id for node in tree.body if isinstance(node, ast.Assign)
               for t in node.targets if isinstance(t, ast.Name)}
    defined |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    missing = [name for name in REQUIRED if name not in defined]
    docstring = ast.get_docstring(tree) or ""
    lesson = _constant(tree, "LESSON")
    if missing or not docstring or lesson not in COURSE:
        problem = (f"it lacks {', '.join(missing)}" if missing else "it has no docstring"
                   if not docstring else f"LESSON is {lesson!r}, not one of {', '.join(COURSE)}")
        raise ValueError(f"{path} is not an exercise: {problem} (see `python -m "
                         f"tfbasics.exercises --help` and the README's Practice section)")
    return Exercise(path.stem, lesson, int(_constant(tree, "ORDER")),
                    docstring.splitlines()[0].strip(), docstring,
                    str(_constant(tree, "KIND") or ""), path)


@functools.cache
def _folder(path: Path) -> tuple[Exercise, ...]:
    """Return the exercises in one folder (every .py file not starting with _)."""
    return tuple(read(p) for p in sorted(path.glob("*.py")) if not p.name.startswith("_"))


def catalogue(paths: tuple[Path, ...] | None = None) -> list[Exercise]:
    """Return every exercise, built-in and from the teacher's folders, in course order."""
    found: dict[str, Exercise] = {}
    for folder in (BUILTIN, *(TEACHER_PATHS if paths is None else paths)):
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
