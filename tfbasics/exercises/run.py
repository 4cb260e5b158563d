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
    try:
        feedback = module.grade(namespace, np.random.default_rng(seed))
    except Problem as problem:
        feedback = Feedback(False, str(problem))
    except SystemExit as error:
        feedback = Feedback(False, _exited(error))
    except Exception as error:  # noqa: BLE001 - the student's answer broke the check
        feedback = Feedback(False, describe_error(error) if where(error) else
                            f"the check could not use your answer ({type(error).__name__}: "
                            f"{str(error).strip().splitlines()[0] if str(error).strip() else ''})")
    if not isinstance(feedback, Feedback):  # the teacher's grader, not the student, is wrong
        feedback = Feedback(False, f"the check itself failed: grade() of {exercise.name} "
                                   f"returned {feedback!r}, not a Feedback (return "
                                   f"Feedback.ok(), or raise Problem(...) with the diagnosis)")
    if not feedback.passed and "TFBASICS_SEED" not in feedback.message:  # how to repeat it
        feedback.message += f" (random points drawn with TFBASICS_SEED={seed})"
    return feedback


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
        from tfbasics.lessons.quiet import import_tensorflow_quietly

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
