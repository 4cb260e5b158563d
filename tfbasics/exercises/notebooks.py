"""The exercises in Jupyter: one notebook per lesson, and `check(NAME)` after each stub cell.

In a notebook, the stub cell defines the functions the exercise asks for; `check("NAME")`
grades what that cell defined with the same grader as `python -m tfbasics.exercises check`,
and prints the same feedback (there is no time limit: interrupt the kernel to stop a loop).
"""

from __future__ import annotations

import ast
import difflib
import inspect
import os
from pathlib import Path

from tfbasics import exercises


def check(name: str, namespace: dict | None = None) -> None:
    """Grade exercise `name` on what your notebook defined; print PASS or what is wrong.

    It returns nothing, so the cell shows the verdict alone. The points are random
    (TFBASICS_SEED fixes them).
    """
    from tfbasics.exercises.run import grade_namespace

    if namespace is None:  # the notebook's (or caller's) own names
        namespace = inspect.currentframe().f_back.f_globals
    try:
        exercise = exercises.find(name)
    except LookupError:
        known = [e.name for e in exercises.catalogue()]
        close = difflib.get_close_matches(name, known, n=1)
        print(f"FAIL  {name}: no exercise has that name"
              + (f" (did you mean {close[0]}?)" if close else ""))
        return
    chosen = os.environ.get("TFBASICS_SEED")
    seed = int(chosen) if chosen else int.from_bytes(os.urandom(3), "big")
    feedback = grade_namespace(exercise, namespace, seed)
    print(f"{'PASS' if feedback.passed else 'FAIL'}  {name}"
          + (f": {feedback.message}" if feedback.message else ""))
    if feedback.passed:
        print(f"      {next_in_notebook(exercise)}")


def next_in_notebook(done: exercises.Exercise) -> str:
    """Return one line saying what comes after `done` in the notebooks: the lesson's next
    exercise (the next cell), or the next lesson's notebook after the last one."""
    from tfbasics.lessons import COURSE

    lesson = [e for e in exercises.catalogue() if e.lesson == done.lesson]
    position = lesson.index(done)
    if position + 1 < len(lesson):
        return f"next: {lesson[position + 1].name}, below ({lesson[position + 1].task})"
    index = COURSE.index(done.lesson)
    if index + 1 < len(COURSE):
        return (f"next: that was the last {done.lesson} exercise; the next lesson is "
                f"{COURSE[index + 1]}, in {index + 2:02d}_{COURSE[index + 1]}.ipynb")
    return "next: that was the course's last exercise: well done"


def prepare(lesson: str) -> None:
    """Run the `configure()` of a lesson's exercises (before TF starts its devices)."""
    for exercise in exercises.catalogue():
        if exercise.lesson == lesson:
            setup = getattr(exercise.module(), "configure", None)
            if setup is not None:
                setup()


def cell_of(text: str) -> str:
    """Return an exercise file's text for a notebook cell: its docstring dropped."""
    tree = ast.parse(text)
    if tree.body and isinstance(tree.body[0], ast.Expr) and isinstance(
            getattr(tree.body[0], "value", None), ast.Constant):
        lines = text.splitlines()
        return "\n".join(lines[tree.body[0].end_lineno:]).strip("\n")
    return text.strip("\n")


def build(lesson: str, solved: bool = False) -> object:
    """Return the exercise notebook for a lesson (the solutions filled in, when `solved`)."""
    import nbformat.v4 as v4

    from tfbasics.course import lesson as lessons
    from tfbasics.course.notebooks import QUIET, notebook_of

    outline = lessons.outline(lesson)
    chosen = [e for e in exercises.catalogue() if e.lesson == lesson]
    setup = [f"prepare({lesson!r})  # before TF starts its devices (e.g. two logical CPUs)"] \
        if any("def configure(" in e.path.read_text(encoding="utf-8") for e in chosen) else []
    cells = [v4.new_markdown_cell(
        f"# Exercises: {outline.title}\n\nPractise what the `{lesson}` lesson showed. Each "
        f"exercise is a cell to fix, then a `check(...)` that runs your code on random inputs "
        f"and says what is wrong (not what the answer is). The same exercises run from a "
        f"terminal: `python -m tfbasics.exercises list`."),
        v4.new_code_cell(QUIET),
        v4.new_code_cell("from tfbasics.exercises.notebooks import check"
                         + (", prepare\n\n" + setup[0] if setup else ""))]
    for exercise in chosen:
        module = exercise.module()
        cells.append(v4.new_markdown_cell(f"## {exercise.name}\n\n{exercise.text}"))
        cells.append(v4.new_code_cell(cell_of(module.SOLUTION if solved else module.STUB)))
        cells.append(v4.new_code_cell(f'check("{exercise.name}")'))
    return notebook_of(cells, f"{lesson}-exercises")


def export(folder: Path, names: list[str]) -> list[Path]:
    """Write one exercise notebook per lesson that has exercises; return the paths."""
    import nbformat

    from tfbasics._files import write_atomically
    from tfbasics.course import lesson as lessons

    paths = []
    for name in names:
        if not any(e.lesson == name for e in exercises.catalogue()):
            continue
        path = folder / f"{lessons.COURSE.index(name) + 1:02d}_{name}_exercises.ipynb"
        write_atomically(path, (nbformat.writes(build(name)) + "\n").encode("utf-8"))
        paths.append(path)
    return paths
