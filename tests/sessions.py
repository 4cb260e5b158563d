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


SESSIONS = {"students_session": students_session, "watch_session": watch_session,
            "closed_pipe": closed_pipe}

if __name__ == "__main__":
    name, place = sys.argv[1:]
    print(json.dumps(SESSIONS[name](Path(place))))
