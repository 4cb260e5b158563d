"""Sessions at the command line, as a student types them, run in the background.

Each session runs real commands (`python -m tfbasics.exercises ...`, `python -m
tfbasics.lessons ...`) one after another in a folder of its own, edits files between them as
a student would, and records what each command printed and returned. conftest.py starts the
sessions the selected tests need while the other tests run (each command starts Python, some
start TensorFlow: seconds each, which would otherwise add up in the tests' own process); the
tests read the record and assert on it.

`python tests/sessions.py NAME FOLDER` runs one session and prints its record as JSON.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

PRACTICE = [sys.executable, "-m", "tfbasics.exercises"]
RUNNER = [sys.executable, "-m", "tfbasics.lessons"]


def environment():
    """A student's environment (no TF_CPP_MIN_LOG_LEVEL of their own), with a fixed seed."""
    return {**{k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"},
            "TFBASICS_SEED": "7"}


def practise(folder, *args):
    """Run one practice command from the folder; its (return code, stdout, stderr)."""
    done = subprocess.run([*PRACTICE, *args], capture_output=True, text=True, cwd=folder,
                          env=environment(), timeout=300)
    return {"code": done.returncode, "out": done.stdout, "err": done.stderr}


def exercise(name):
    """Return an exercise's module (its STUB, SOLUTION and HINTS)."""
    from tfbasics import exercises

    return exercises.find(name).module()


def students_session(folder):
    """list, start, check the stub, a wrong answer, start again, solution, check, hints, list."""
    module = exercise("cubic_derivative")
    path = folder / "exercises" / "cubic_derivative.py"
    record = {"list": practise(folder, "list"), "start": practise(folder, "start",
                                                                  "cubic_derivative")}
    record["started_text"] = path.read_text()
    record["stub"] = practise(folder, "check", "cubic_derivative")
    path.write_text(module.STUB.replace("return ...  # your formula", "return 4 + 2 * w**2"))
    record["wrong"] = practise(folder, "check", "cubic_derivative")
    record["start_again"] = practise(folder, "start", "cubic_derivative")
    record["text_after_start_again"] = path.read_text()
    record["solution"] = practise(folder, "solution", "cubic_derivative")
    path.write_text(record["solution"]["out"])
    record["solved"] = practise(folder, "check", "cubic_derivative")
    record["hints"] = [practise(folder, "hint", "cubic_derivative")
                       for _ in range(len(module.HINTS) + 1)]
    record["progress"] = json.loads((folder / "exercises" / ".progress.json").read_text())
    record["list_after"] = practise(folder, "list")
    return record


def watch_session(folder):
    """watch a started exercise, save a solved file, then press Ctrl-C."""
    record = {"start": practise(folder, "start", "cubic_derivative")}
    process = subprocess.Popen(
        [*PRACTICE, "watch", "cubic_derivative"], cwd=folder, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=environment(),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    record["first_lines"] = [process.stdout.readline() for _ in range(2)]
    (folder / "exercises" / "cubic_derivative.py").write_text(
        exercise("cubic_derivative").SOLUTION)
    record["after_save"] = process.stdout.readline()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    record.update(code=process.returncode, out=out, err=err)
    return record


def closed_pipe(folder):
    """`python -m tfbasics.lessons variables | head -3`: read three lines, then close."""
    process = subprocess.Popen([*RUNNER, "variables", "--no-figures"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=folder, env=environment())
    lines = [process.stdout.readline().decode() for _ in range(3)]
    process.stdout.close()
    err = process.stderr.read().decode()
    return {"lines": lines, "code": process.wait(timeout=300), "err": err}


SELF_DELETING = """import os

import numpy as np

os.remove(__file__)  # gone before the check calls dL_dw


def dL_dw(w):
    return 4 + 3 * w**2
"""
THREAD_LEFT = """import threading
import time

import numpy as np

threading.Thread(target=time.sleep, args=(300,)).start()  # not a daemon: outlives the check


def dL_dw_product(w):
    return 2 * w * np.sin(w) + w**2 * np.cos(w)
"""
SQUARE_IT = '''"""Square a number.

Write square(x), which returns x squared.
"""
LESSON = "tensors"
ORDER = 9
KIND = "warm-up"
STUB = "def square(x):\\n    return ...\\n"
SOLUTION = "def square(x):\\n    return x * x\\n"
HINTS = ["Multiply x by itself."]


def grade(student, rng):
    from tfbasics.exercises.grading import Feedback, Problem, require

    square = require(student, "square", "square(x)")
    if square(3) != 9:
        raise Problem("square(3) is not 9")
    return Feedback.ok()
'''
BROKEN_GRADE = '''"""An exercise whose grader has a bug.

Write f(x), which returns x.
"""
LESSON = "tensors"
ORDER = 10
KIND = "warm-up"
STUB = "def f(x):\\n    return ...\\n"
SOLUTION = "def f(x):\\n    return x\\n"
HINTS = ["Return x."]


def grade(student, rng):
    from tfbasics.exercises.grading import Feedback

    ratio = 1 / 0  # the teacher's bug, on line 16
    return Feedback.ok(str(ratio))
'''
TEACHERS = {"helper_script.py": "print('a teacher tool, not an exercise')\n",
            "square_it.py": SQUARE_IT, "broken_grade.py": BROKEN_GRADE}


def robust_session(folder):
    """What a student's file or a teacher's folder can do to the practice commands: a file
    that deletes itself, a thread left running, a check killed while it grades, a stray
    script and a buggy grade() in a teacher's folder."""
    import time

    scratch = folder / "tmp"  # the grading processes' temporary folders land here
    scratch.mkdir(parents=True)
    env = {**environment(), "TMPDIR": str(scratch)}

    def run(*args):
        start = time.monotonic()
        done = subprocess.run([*PRACTICE, *args], capture_output=True, text=True, cwd=folder,
                              env=env, timeout=300)
        return {"code": done.returncode, "out": done.stdout, "err": done.stderr,
                "seconds": time.monotonic() - start}

    record = {"start": [run("start", name) for name in ("cubic_derivative", "product_rule")]}
    (folder / "exercises" / "cubic_derivative.py").write_text(SELF_DELETING)
    (folder / "exercises" / "product_rule.py").write_text(THREAD_LEFT)
    record["check"] = run("check")
    record["progress"] = json.loads((folder / "exercises" / ".progress.json").read_text())
    record["left_after_check"] = sorted(p.name for p in scratch.iterdir())

    # a check killed (SIGKILL: no chance to clean up) while its grading process runs a loop
    (folder / "exercises" / "product_rule.py").write_text("while True:\n    pass\n")
    parent = subprocess.Popen([*PRACTICE, "check", "product_rule"], cwd=folder, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(scratch.glob("tfbasics-check-*")):
        time.sleep(0.2)
    record["scratch_while_running"] = sorted(p.name for p in scratch.iterdir())
    time.sleep(2)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and list(scratch.iterdir()):
        time.sleep(0.2)
    record["left_after_kill"] = sorted(p.name for p in scratch.iterdir())
    record["graders_alive_after_kill"] = [
        pid for pid in os.listdir("/proc") if pid.isdigit()
        and str(scratch) in _reads(f"/proc/{pid}/cmdline")]

    teachers = folder / "teachers"
    teachers.mkdir()
    for name, text in TEACHERS.items():
        (teachers / name).write_text(text)
    record["teacher_list"] = run("--path", str(teachers), "list")
    record["teacher_verify"] = run("--path", str(teachers), "verify")
    return record


def _reads(path):
    """Return a /proc file's text ('' when the process is gone)."""
    try:
        with open(path, "rb") as file:
            return file.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


SESSIONS = {"students_session": students_session, "watch_session": watch_session,
            "closed_pipe": closed_pipe, "robust_session": robust_session}

if __name__ == "__main__":
    name, place = sys.argv[1:]
    print(json.dumps(SESSIONS[name](Path(place))))
