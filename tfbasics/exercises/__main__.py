"""Practise: python -m tfbasics.exercises list | start | check | hint | watch | solution."""

from __future__ import annotations

import argparse
import ast
import collections
import difflib
import hashlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tfbasics import exercises
from tfbasics.exercises import Exercise
from tfbasics.exercises.run import MARKER, READY

FOLDER = Path("exercises")  # in the student's current folder
PROGRESS = FOLDER / ".progress.json"  # hints shown and last results, kept with the files
DEFAULT_LIMIT = 60.0  # seconds an exercise's file may run while it is checked
START_UP = 120.0  # seconds the grading process may take to import TensorFlow and start
EPILOG = """a session:
  python -m tfbasics.exercises list                     what there is, and how far you are
  python -m tfbasics.exercises start cubic_derivative   writes exercises/cubic_derivative.py
  python -m tfbasics.exercises check cubic_derivative   after you edit it
  python -m tfbasics.exercises hint cubic_derivative    one more hint each time
  python -m tfbasics.exercises watch                    re-check on every save (Ctrl-C stops)

a teacher's own exercises:
  python -m tfbasics.exercises --path DIR verify        each solution passes, each stub fails
  export TFBASICS_EXERCISES_PATH=DIR                    so students need not type --path
"""


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print one line naming the mistake, then exit 2."""
        pointer = "" if "README" in message else " (see --help)"
        self.exit(2, f"{self.prog}: error: {message}{pointer}\n")


def build_parser() -> Parser:
    """Return the practice command's parser."""
    parser = Parser(prog="python -m tfbasics.exercises", epilog=EPILOG,
                    formatter_class=argparse.RawDescriptionHelpFormatter,
                    description="Small exercises on TensorFlow's fundamentals: fix a file, "
                                "check it, get a hint. Each check runs your code on random "
                                "inputs and says what is wrong, not what the answer is.")
    parser.add_argument("--path", type=Path, action="append", default=[], metavar="DIR",
                        help="a folder of your own exercises, alongside the built-in ones "
                             "(repeatable)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("list", help="every exercise in course order, with your status")
    start = commands.add_parser("start", help="write exercises/NAME.py to edit, and the task")
    start.add_argument("name", metavar="NAME")
    check = commands.add_parser("check", help="grade exercises/NAME.py (or every started one)")
    check.add_argument("name", nargs="?", metavar="NAME")
    hint = commands.add_parser("hint", help="the next hint for NAME")
    hint.add_argument("name", metavar="NAME")
    watch = commands.add_parser("watch", help="re-check whenever you save (Ctrl-C stops)")
    watch.add_argument("name", nargs="?", metavar="NAME")
    solution = commands.add_parser("solution", help="print a solved exercises/NAME.py")
    solution.add_argument("name", metavar="NAME")
    verify = commands.add_parser("verify", help="for teachers: check that each exercise's "
                                 "solution passes and its stub fails (the --path ones, or NAME)")
    verify.add_argument("name", nargs="?", metavar="NAME")
    return parser


def lookup(parser: Parser, name: str) -> Exercise:
    """Return the exercise, or a usage error with a suggestion."""
    try:
        return exercises.find(name)
    except LookupError:
        names = [e.name for e in exercises.catalogue()]
        close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.6)
        parser.error(f"no exercise named {name!r}"
                     + (f" (did you mean {close[0]}?)" if close else "")
                     + "; `list` shows them all" + _teachers(FOLDER / f"{name}.py"))


def _teachers(*files: Path) -> str:
    """Say how to find a teacher's exercises when the student has files no exercise knows."""
    unknown = [f.name for f in files if f.is_file()]
    if not unknown:
        return ""
    return (f". {FOLDER}/ holds {', '.join(unknown)}: if it is a teacher's exercise, add "
            f"--path DIR (the teacher's folder) or set {exercises.ENVIRONMENT}=DIR")


def file_of(exercise: Exercise) -> Path:
    """Return where the student's copy of an exercise lives."""
    return FOLDER / f"{exercise.name}.py"


def digest(path: Path) -> str:
    """Return a short fingerprint of a file's contents."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def load_progress() -> dict:
    """Return the student's progress (hints shown, last results); empty when there is none."""
    try:
        return json.loads(PROGRESS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"hints": {}, "results": {}}


def save_progress(progress: dict) -> None:
    """Keep the progress beside the student's files (written whole, then renamed)."""
    FOLDER.mkdir(exist_ok=True)
    temporary = PROGRESS.with_suffix(".tmp")
    temporary.write_text(json.dumps(progress, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(temporary, PROGRESS)


def status(exercise: Exercise, progress: dict) -> str:
    """Return 'not started', 'started', 'failing' or 'done' for the student's copy."""
    path = file_of(exercise)
    if not path.exists():
        return "not started"
    last = progress["results"].get(exercise.name)
    if last is None or last.get("digest") != digest(path):
        return "started" if last is None else "edited"
    return "done" if last["passed"] else "failing"


def list_exercises() -> int:
    """Print every exercise, one a line, aligned, in course order."""
    progress = load_progress()
    rows = [(e.name, e.lesson, status(e, progress), e.task) for e in exercises.catalogue()]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print(f"{'exercise':<{widths[0]}}  {'lesson':<{widths[1]}}  {'status':<{widths[2]}}  task")
    for row in rows:
        print("  ".join(f"{value:<{width}}" for value, width in zip(row, widths, strict=False))
              + f"  {row[3]}")
    return 0


def start(exercise: Exercise) -> int:
    """Write the starting file (never over an edited one), then print the task."""
    module = exercise.module()
    path = file_of(exercise)
    if path.exists() and path.read_bytes() != module.STUB.encode("utf-8"):
        print(f"{path} is already there, with your edits: left as it is.")
    else:
        FOLDER.mkdir(exist_ok=True)
        path.write_text(module.STUB, encoding="utf-8")
        print(f"wrote {path}")
    print(f"\n{exercise.text}\n\nEdit {path}, then run: python -m tfbasics.exercises "
          f"{COMMAND_PATHS[0]}check {exercise.name}")
    return 0


COMMAND_PATHS = [""]  # the --path options this command was given, to repeat in advice


def seed() -> int:
    """Return this run's seed: TFBASICS_SEED if set, else new each run."""
    chosen = os.environ.get("TFBASICS_SEED")
    return int(chosen) if chosen else int.from_bytes(os.urandom(3), "big")


def time_limit(exercise: Exercise) -> float:
    """Return the exercise's TIME_LIMIT (seconds), read from its source."""
    tree = ast.parse(exercise.path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "TIME_LIMIT" for t in node.targets):
            return float(ast.literal_eval(node.value))
    return DEFAULT_LIMIT


def needs_own_process(exercise: Exercise) -> bool:
    """Tell whether an exercise has a configure() (it must run before TF starts devices)."""
    tree = ast.parse(exercise.path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.FunctionDef) and node.name == "configure"
               for node in tree.body)


def _forward(process: subprocess.Popen, lines: queue.Queue) -> None:
    """Pass a process's output lines into a queue, then None when it ends."""
    for line in process.stdout:
        lines.put(line)
    lines.put(None)


def _wait_for(lines: queue.Queue, word: str, deadline: float) -> bool:
    """Read lines until one starts with `word` (True), or the deadline or the end (False)."""
    while True:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            return False
        if line is None:
            return False
        if line.startswith(word):
            return True


def grade(chosen: list[Exercise], run_seed: int, files: dict[str, Path] | None = None,
          shown: Callable[[str, dict], None] | None = None) -> dict[str, dict]:
    """Grade the student's files in grading processes, each exercise within its time limit.

    Exercises share one process (TensorFlow is imported once) unless one needs its own; a
    file that runs past its limit is stopped, and the rest are graded in a new process.
    `files` maps an exercise's name to the file to grade (default: exercises/NAME.py);
    `shown(name, result)` is called as each verdict arrives (a student sees it at once).
    """
    files = files or {}

    def file_of(exercise: Exercise) -> Path:
        return files.get(exercise.name) or FOLDER / f"{exercise.name}.py"

    results: dict[str, dict] = {}

    def settle(name: str, result: dict) -> None:
        results[name] = result
        if shown is not None:
            shown(name, result)

    groups = [[e] for e in chosen if needs_own_process(e)]
    shared = [e for e in chosen if not needs_own_process(e)]
    groups += [shared] if shared else []
    for group in groups:
        todo = list(group)
        while todo:
            todo = _grade_in_a_process(todo, run_seed, file_of, settle)
    return results


def _grade_in_a_process(todo: list[Exercise], run_seed: int,
                        file_of: Callable[[Exercise], Path],
                        settle: Callable[[str, dict], None]) -> list[Exercise]:
    """Grade exercises in one grading process until one runs past its limit or ends the
    process; return the ones left to grade. The process and its scratch folder are gone when
    this returns, however it returns (Ctrl-C included)."""
    extra = [arg for path in exercises.TEACHER_PATHS for arg in ("--path", str(path))]
    scratch = tempfile.mkdtemp(prefix="tfbasics-check-")
    finished = False
    command = [sys.executable, "-m", "tfbasics.exercises.run", str(run_seed),
               *(f"{e.name}={file_of(e)}" for e in todo), *extra, "--scratch", scratch]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True, errors="replace",
                               env={**os.environ, "TFBASICS_PARENT": str(os.getpid())})
    try:
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_forward, args=(process, lines), daemon=True).start()
        said: collections.deque = collections.deque(maxlen=20)  # stderr, drained as it
        drain = threading.Thread(target=said.extend, args=(process.stderr,), daemon=True)
        drain.start()  # comes: a file that logs a lot must not block on a full pipe
        if not _wait_for(lines, READY, time.monotonic() + START_UP):
            process.kill()
            drain.join(timeout=10)
            stderr = [text.strip() for text in said if text.strip()]
            for exercise in todo:
                settle(exercise.name, {"passed": False, "printed": "", "message": (
                    "the check could not start: " + (stderr[-1] if stderr else
                                                     "TensorFlow did not load in time"))})
            return []
        while todo:
            current = todo[0]
            deadline = time.monotonic() + time_limit(current)
            line = ""
            while line is not None and not line.startswith(MARKER):
                try:
                    line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
                except queue.Empty:
                    settle(current.name, {"passed": False, "printed": "", "message": (
                        f"{file_of(current)} did not finish within {time_limit(current):g} s "
                        f"(an endless loop?): stopped it")})
                    return todo[1:]
            if line is None:  # the grading process ended while this file was graded
                code = process.wait()
                drain.join(timeout=10)
                settle(current.name, {"passed": False, "printed": "", "message": (
                    f"the grading process ended while your file ran (exit code {code}): a "
                    f"check runs your file and then calls its functions, so nothing in it may "
                    f"end the process (os._exit, os.kill, a crash in a library)")})
                return todo[1:]
            result = json.loads(line[len(MARKER):])
            settle(result.pop("name"), result)
            todo = todo[1:]
        finished = True
        return []
    finally:
        if process.poll() is None:
            try:  # once its verdicts are out it ends by itself; else it is stopped now
                process.wait(timeout=5 if finished else 0)
            except subprocess.TimeoutExpired:
                process.kill()
        process.wait()
        shutil.rmtree(scratch, ignore_errors=True)


def check(names: list[Exercise]) -> int:
    """Grade the chosen exercises, printing each verdict as it comes; 0 if all pass, else 1.

    Each verdict is saved in the progress file as it arrives, with the fingerprint of the
    file as it was graded (whatever the file does to itself meanwhile)."""
    digests = {e.name: digest(file_of(e)) for e in names if file_of(e).exists()}

    def show(name: str, result: dict) -> None:
        verdict = "PASS" if result["passed"] else "FAIL"
        print(f"{verdict}  {name}" + (f": {result['message']}" if result["message"] else ""))
        if result.get("printed"):
            print(f"      (your file printed: {result['printed']} — fine, the check ignores it)")
        progress = load_progress()
        if name in digests:
            progress["results"][name] = {"passed": result["passed"], "digest": digests[name]}
            save_progress(progress)
        if result["passed"]:
            print(f"      {next_step(exercises.find(name), progress)}")
        sys.stdout.flush()

    results = grade(names, seed(), shown=show)
    passed = sum(results[e.name]["passed"] for e in names)
    if len(names) > 1:
        print(f"{passed} of {len(names)} exercises pass")
    return 0 if passed == len(names) else 1


def next_step(done: Exercise, progress: dict) -> str:
    """Return one line saying what comes after passing `done`: the lesson's next exercise not
    yet done, or, when all of the lesson's are done, the next lesson."""
    catalogue = exercises.catalogue()
    lesson = [e for e in catalogue if e.lesson == done.lesson]
    later = lesson[lesson.index(done) + 1:] + lesson[:lesson.index(done)]
    left = [e for e in later if status(e, progress) != "done"]
    if left:
        return (f"next: {left[0].name} ({left[0].task.rstrip('.')}): python -m "
                f"tfbasics.exercises {COMMAND_PATHS[0]}start {left[0].name}")
    from tfbasics.lessons import COURSE

    position = COURSE.index(done.lesson)
    if position + 1 < len(COURSE):
        return (f"next: every {done.lesson} exercise is done; the next lesson is "
                f"{COURSE[position + 1]}: python -m tfbasics.lessons {COURSE[position + 1]}")
    return "next: every exercise of the course's last lesson is done: well done"


def started(parser: Parser, name: str | None) -> list[Exercise]:
    """Return the exercise named (which must be started), or every started one."""
    if name is not None:
        exercise = lookup(parser, name)
        if not file_of(exercise).exists():
            parser.error(f"{exercise.name} is not started: run `python -m tfbasics.exercises "
                         f"start {exercise.name}` first")
        return [exercise]
    chosen = [e for e in exercises.catalogue() if file_of(e).exists()]
    if not chosen:
        parser.error("no exercise is started yet: `list` shows them, `start NAME` begins one"
                     + _teachers(*sorted(FOLDER.glob("*.py"))))
    return chosen


def hint(exercise: Exercise) -> int:
    """Print the next hint (progress kept in exercises/.progress.json)."""
    hints = exercise.module().HINTS
    progress = load_progress()
    shown = progress["hints"].get(exercise.name, 0)
    if shown >= len(hints):
        print(f"No more hints for {exercise.name} ({len(hints)} given). `solution "
              f"{exercise.name}` prints a solved file.")
        return 0
    print(f"hint {shown + 1} of {len(hints)} for {exercise.name}: {hints[shown]}")
    progress["hints"][exercise.name] = shown + 1
    save_progress(progress)
    return 0


def watch(chosen: list[Exercise], interval: float = 0.5) -> int:
    """Check now, then again whenever a file is saved, until Ctrl-C."""
    seen: dict[str, float] = {}
    print(f"watching {len(chosen)} file{'s' if len(chosen) != 1 else ''} in {FOLDER}/ "
          f"(Ctrl-C stops)", flush=True)
    try:
        while True:
            changed = [e for e in chosen if file_of(e).exists()
                       and file_of(e).stat().st_mtime_ns != seen.get(e.name)]
            for exercise in changed:
                seen[exercise.name] = file_of(exercise).stat().st_mtime_ns
            if changed:
                check(changed)
                sys.stdout.flush()
            time.sleep(interval)
    except KeyboardInterrupt:
        print("\nstopped watching")
        return 0


def verify(chosen: list[Exercise]) -> int:
    """Grade each exercise's SOLUTION (at two seeds) and STUB as a student's files would be:
    the solution must pass and the stub fail. Print a line per exercise; 0 if all hold."""
    import tempfile

    bad = 0
    with tempfile.TemporaryDirectory() as folder:
        texts = {}
        for kind in ("solution", "stub"):
            texts[kind] = {}
            for exercise in chosen:
                path = Path(folder) / kind / f"{exercise.name}.py"
                path.parent.mkdir(exist_ok=True)
                path.write_text(getattr(exercise.module(), kind.upper()), encoding="utf-8")
                texts[kind][exercise.name] = path
        first = seed()
        second = first + 1
        solved = [grade(chosen, run, texts["solution"]) for run in (first, second)]
        stubs = grade(chosen, first, texts["stub"])
    for path, why in exercises.SKIPPED.items():  # a teacher's file that is not an exercise
        print(f"BAD   {path.name}: {why}")
        bad += 1
    for exercise in chosen:
        failing = [run[exercise.name]["message"] for run in solved
                   if not run[exercise.name]["passed"]]
        if failing:
            print(f"BAD   {exercise.name}: its SOLUTION fails: {failing[0]}")
        elif stubs[exercise.name]["passed"]:
            print(f"BAD   {exercise.name}: its STUB passes, so a student who changes nothing "
                  f"is told PASS")
        else:
            print(f"ok    {exercise.name}: the solution passes (TFBASICS_SEED={first} and "
                  f"{second}), the stub fails: {stubs[exercise.name]['message']}")
            continue
        bad += 1
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    """Run one practice command; return the exit code (2 for a usage mistake)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    exercises.TEACHER_PATHS[:] = args.path
    COMMAND_PATHS[0] = "".join(f"--path {folder} " for folder in args.path)
    for folder in args.path:
        if not folder.is_dir():
            parser.error(f"--path {folder}: no such folder")
    for folder in exercises.environment_paths():
        if not folder.is_dir():
            parser.error(f"{exercises.ENVIRONMENT} names {folder}: no such folder")
    try:
        exercises.catalogue()
    except ValueError as error:
        parser.error(str(error))
    for why in exercises.SKIPPED.values():  # named, then the other exercises go on
        print(f"note: skipped {why}", file=sys.stderr)
    if args.command in (None, "list"):
        return list_exercises()
    if args.command == "start":
        return start(lookup(parser, args.name))
    if args.command == "check":
        return check(started(parser, args.name))
    if args.command == "hint":
        return hint(lookup(parser, args.name))
    if args.command == "watch":
        return watch(started(parser, args.name))
    if args.command == "verify":
        teachers = [e for e in exercises.catalogue()
                    if e.path.parent.resolve() in exercises.teacher_folders()]
        return verify([lookup(parser, args.name)] if args.name else teachers
                      or exercises.catalogue())
    print(lookup(parser, args.name).module().SOLUTION, end="")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:  # e.g. `list | head`: stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
