"""Grade exercise files in a fresh process: one result line (JSON) per exercise.

python -m tfbasics.exercises.run SEED NAME=FILE [NAME=FILE ...] [--path DIR ...]

The parent (`python -m tfbasics.exercises check`) starts this process, so that a file that
loops forever can be stopped after its exercise's time limit, and an exercise's `configure()`
runs before TensorFlow starts its devices. A student's own prints are captured, not mixed into
the verdict. `grade_namespace` is the same grading, in-process, for the notebooks.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

MARKER = "TFBASICS_RESULT "
READY = "TFBASICS_READY"


def grade_namespace(exercise: Any, namespace: dict, seed: int) -> Any:
    """Grade the names a student defined with the exercise's grader; return its Feedback."""
    import numpy as np

    from tfbasics.exercises.grading import Feedback, Problem, describe_error, where

    module = exercise.module()
    rng = np.random.default_rng(seed)
    drawn = rng.bit_generator.state
    try:
        with _as_a_fresh_process():
            feedback = module.grade(namespace, rng)
    except Problem as problem:
        feedback = Feedback(False, str(problem))
    except SystemExit as error:
        feedback = Feedback(False, _exited(error))
    except Exception as error:  # noqa: BLE001 - the student's answer broke the check
        said = str(error).strip().splitlines()[0] if str(error).strip() else ""
        feedback = Feedback(False, describe_error(error) if where(error) else
                            f"the check itself failed ({type(error).__name__}: {said}): if "
                            f"your answer does what the task asks, tell your teacher")
    if not isinstance(feedback, Feedback):  # the teacher's grader, not the student, is wrong
        feedback = Feedback(False, f"the check itself failed: grade() of {exercise.name} "
                                   f"returned {feedback!r}, not a Feedback (return "
                                   f"Feedback.ok(), or raise Problem(...) with the diagnosis)")
    random = rng.bit_generator.state != drawn  # the check drew random points
    if not feedback.passed and random and "TFBASICS_SEED" not in feedback.message:
        feedback.message += f" (random points drawn with TFBASICS_SEED={seed})"
    return feedback


_PRISTINE: dict = {}


def _pristine() -> dict:
    """Return the grading helpers as the package defines them (taken once, before any
    student's file runs in this process)."""
    from tfbasics.exercises import grading

    if not _PRISTINE:
        _PRISTINE.update(vars(grading))
    return _PRISTINE


@contextlib.contextmanager
def _as_a_fresh_process() -> Any:
    """Grade as if in a fresh process: TF's global switches a file or notebook may have set
    (tf.config.run_functions_eagerly(True), taught in the graphs lesson as a way to debug)
    are off while the check runs, and restored afterwards; the grading helpers are the
    package's own, whatever a student's file assigned to them."""
    import sys

    from tfbasics.exercises import grading

    tf = sys.modules.get("tensorflow")  # not imported: nothing of TF's to reset (and no
    eager = tf is not None and tf.config.functions_run_eagerly()  # import in a time limit)
    if tf is not None:
        tf.config.run_functions_eagerly(False)
    for name, value in _pristine().items():  # undo what a file assigned over a helper
        setattr(grading, name, value)
    sys.modules["tfbasics.exercises.grading"] = grading
    try:
        yield
    finally:
        if tf is not None:
            tf.config.run_functions_eagerly(eager)


def _exited(error: SystemExit) -> str:
    """Say that the student's code called exit(), where, and why the check needs it not to."""
    from tfbasics.exercises.grading import where

    at = where(error)
    return (f"your code calls sys.exit({error.code!r}){' at ' + at if at else ''}: a check "
            f"runs your file and then calls its functions, so it must not exit; remove it")


def grade_file(exercise: Any, path: Path, seed: int) -> dict:
    """Grade one student file; return {"passed", "message", "printed"}."""
    from tfbasics.exercises.grading import STUDENT_FILE, describe_error

    source = path.read_text(encoding="utf-8")
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as error:
        return {"passed": False, "printed": "",
                "message": f"line {error.lineno}: Python cannot read it ({error.msg}); fix "
                           f"the syntax first"}
    STUDENT_FILE["path"] = str(path)
    _pristine()  # before the file runs
    namespace = {"__name__": "exercise", "__file__": str(path)}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        try:
            exec(code, namespace)  # noqa: S102 - running the student's file is the point
        except SystemExit as error:
            feedback = {"passed": False, "message": _exited(error)}
        except Exception as error:  # noqa: BLE001 - reported in a line, with the line number
            feedback = {"passed": False, "message": describe_error(error) + " (while the "
                        "file ran, before the check)"}
        else:
            result = grade_namespace(exercise, namespace, seed)
            feedback = {"passed": result.passed, "message": result.message}
    lines = printed.getvalue().strip().splitlines()
    feedback["printed"] = lines[0][:120] + (" …" if len(lines) > 1 else "") if lines else ""
    return feedback


def grade_source(name: str, text: str, seed: int = 0) -> dict:
    """Grade a student file's text in this process (for tests): {"passed", "message",
    "printed"}, exactly as `check` reports it, minus the time limit."""
    import tempfile

    from tfbasics import exercises

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        return grade_file(exercises.find(name), path, seed)


def main(argv: list[str]) -> int:
    """Grade each NAME=FILE in turn, printing one marked JSON line after each."""
    from tfbasics import exercises

    paths = [Path(argv[i + 1]) for i, a in enumerate(argv) if a == "--path"]
    argv = [a for i, a in enumerate(argv) if a != "--path" and (i == 0 or argv[i - 1]
                                                                 != "--path")]
    exercises.TEACHER_PATHS[:] = [path.resolve() for path in paths]
    seed, jobs = int(argv[0]), [job.split("=", 1) for job in argv[1:]]
    chosen = [(exercises.find(name), Path(file).resolve()) for name, file in jobs]
    home = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="tfbasics-check-") as scratch:
        os.chdir(scratch)  # what a student's code writes to a relative path goes here
        try:
            return _grade_all(chosen, seed)
        finally:
            os.chdir(home)


def _grade_all(chosen: list, seed: int) -> int:
    """Start TF and the exercises' configure(), then grade each file, printing its verdict."""
    if any("tensorflow" in exercise.path.read_text(encoding="utf-8")
           for exercise, _ in chosen):  # TF starts quietly here, not in the time limits
        from tfbasics.quiet import import_tensorflow_quietly

        import_tensorflow_quietly()  # importing TF does not start its devices yet
    for exercise, _ in chosen:  # so an exercise can still split the CPU, say
        setup = getattr(exercise.module(), "configure", None)
        if setup is not None:
            setup()
    print(READY, flush=True)  # the time limits start now, not during the imports
    for exercise, path in chosen:
        result = grade_file(exercise, path, seed)
        print(MARKER + json.dumps({"name": exercise.name, **result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
