"""Grade exercise files in a fresh process: one result line (JSON) per exercise.

python -m tfbasics.exercises.run SEEDS NAME=FILE [NAME=FILE ...] [--path DIR ...]
    [--scratch DIR]

SEEDS is one seed (7), or several (0,1,2 or 0..19: each file is graded at each, in one
process). The parent (`python -m tfbasics.exercises check`) starts this process, so that a
file that loops forever can be stopped after its exercise's time limit, and an exercise's
`configure()` runs before TensorFlow starts its devices. A student's own prints are captured,
not mixed into the verdict; each verdict is printed as soon as it is known, and the process
ends then, whatever threads a student's file left running. What a student's code writes to a
relative path lands in the scratch folder (the parent's --scratch, which the parent removes;
else a temporary one). `grade_namespace` is the same grading, in-process, for the notebooks.
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
_EXIT_NOW = os._exit  # the real one: a student's file may call os._exit, which is caught


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
    except Exception as error:  # noqa: BLE001 - the student's answer or the grader broke
        feedback = Feedback(False, describe_error(error) if where(error) else
                            grader_failed(error, exercise))
    if not isinstance(feedback, Feedback):  # the teacher's grader, not the student, is wrong
        feedback = Feedback(False, f"the check itself failed: grade() of {exercise.name} "
                                   f"returned {feedback!r}, not a Feedback (return "
                                   f"Feedback.ok(), or raise Problem(...) with the diagnosis)")
    random = rng.bit_generator.state != drawn  # the check drew random points
    if not feedback.passed and random and "TFBASICS_SEED" not in feedback.message:
        feedback.message += f" (random points drawn with TFBASICS_SEED={seed})"
    return feedback


def grader_failed(error: BaseException, exercise: Any) -> str:
    """Say that the grader itself broke, naming the grader's file and line (the last frame of
    the traceback outside the student's code), so the teacher can find it."""
    import traceback

    said = str(error).strip().splitlines()[0] if str(error).strip() else ""
    frames = traceback.extract_tb(error.__traceback__)
    graders = [frame for frame in frames if frame.filename == str(exercise.path)] or [
        frame for frame in frames if "tfbasics" in frame.filename] or frames
    at = f" at {graders[-1].filename}, line {graders[-1].lineno}" if graders else ""
    return (f"the check itself failed ({type(error).__name__}{at}: {said[:200]}): if your "
            f"answer does what the task asks, tell your teacher")


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


class _HardExit(SystemExit):
    """os._exit(code) called by a student's code, turned into an exception while it runs."""


def _exited(error: SystemExit) -> str:
    """Say that the student's code called exit(), where, and why the check needs it not to."""
    from tfbasics.exercises.grading import where

    at = where(error)
    how = "os._exit" if isinstance(error, _HardExit) else "sys.exit"
    return (f"your code calls {how}({error.code!r}){' at ' + at if at else ''}: a check "
            f"runs your file and then calls its functions, so it must not exit; remove it")


@contextlib.contextmanager
def _guarded() -> Any:
    """While a student's file runs and is graded: input() finds no keyboard (stdin is empty,
    so it raises EOFError at once rather than waiting), and os._exit raises instead of ending
    the grading process before its verdict is out."""
    def hard_exit(code: int = 0) -> None:
        raise _HardExit(code)

    stdin, exit_now = sys.stdin, os._exit
    sys.stdin, os._exit = io.StringIO(""), hard_exit
    try:
        yield
    finally:
        sys.stdin, os._exit = stdin, exit_now


def grade_file(exercise: Any, path: Path, seed: int) -> dict:
    """Grade one student file; return {"passed", "message", "printed"}."""
    from tfbasics.exercises.grading import STUDENT_FILE, describe_error

    try:
        source = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return {"passed": False, "printed": "", "message": f"{path} is not there (deleted or "
                "moved?): start the exercise again, or put your file back"}
    except UnicodeDecodeError as error:
        line = path.read_bytes()[:error.start].count(b"\n") + 1
        return {"passed": False, "printed": "", "message": f"line {line}: the file is not "
                f"UTF-8 text (byte 0x{error.object[error.start]:02x} there): save it as "
                f"UTF-8, as Python expects"}
    try:
        code = compile(source, str(path), "exec")
    except (SyntaxError, ValueError) as error:  # ValueError: a NUL byte in the source
        line = f"line {error.lineno}: " if getattr(error, "lineno", None) else ""
        why = getattr(error, "msg", None) or str(error)
        return {"passed": False, "printed": "",
                "message": f"{line}Python cannot read it ({why}); fix the syntax first"}
    STUDENT_FILE["path"] = str(path)
    _pristine()  # before the file runs
    namespace = {"__name__": "exercise", "__file__": str(path)}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), _guarded():
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


def seeds_of(text: str) -> list[int]:
    """Return the seeds a SEEDS argument names: "7", "0,1,2" or "0..19"."""
    if ".." in text:
        first, last = (int(part) for part in text.split("..", 1))
        return list(range(first, last + 1))
    return [int(part) for part in text.split(",")]


def _option(argv: list[str], name: str) -> tuple[list[str], list[str]]:
    """Split `--name VALUE` pairs out of argv: (the values, the rest)."""
    values = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == name]
    rest = [a for i, a in enumerate(argv) if a != name and (i == 0 or argv[i - 1] != name)]
    return values, rest


def _watch_parent(scratch: str | None) -> None:
    """End this process (removing the parent's scratch folder) once the parent that started
    it is gone, so a killed `check` leaves no grading process behind."""
    import shutil
    import threading
    import time

    parent = os.environ.get("TFBASICS_PARENT")
    if not parent:
        return

    def watch() -> None:
        while str(os.getppid()) == parent:
            time.sleep(0.5)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        _EXIT_NOW(1)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str]) -> int:
    """Grade each NAME=FILE at each seed in turn, printing one marked JSON line after each."""
    from tfbasics import exercises

    paths, argv = _option(argv, "--path")
    scratches, argv = _option(argv, "--scratch")
    exercises.TEACHER_PATHS[:] = [Path(path).resolve() for path in paths]
    seeds, jobs = seeds_of(argv[0]), [job.split("=", 1) for job in argv[1:]]
    chosen = [(exercises.find(name), Path(file).resolve()) for name, file in jobs]
    home = os.getcwd()
    _watch_parent(scratches[0] if scratches else None)
    with contextlib.ExitStack() as stack:
        scratch = scratches[0] if scratches else stack.enter_context(
            tempfile.TemporaryDirectory(prefix="tfbasics-check-", ignore_cleanup_errors=True))
        os.chdir(scratch)  # what a student's code writes to a relative path goes here
        try:
            return _grade_all(chosen, seeds)
        finally:
            os.chdir(home)


def _grade_all(chosen: list, seeds: list[int]) -> int:
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
        for seed in seeds:
            result = grade_file(exercise, path, seed)
            print(MARKER + json.dumps({"name": exercise.name, **result,
                                       **({"seed": seed} if len(seeds) > 1 else {})}),
                  flush=True)
    return 0


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # cleans up as it ends
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    _EXIT_NOW(code)  # now: a thread a student's file started must not keep the process alive
