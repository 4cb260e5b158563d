"""Shared fixtures: the slow runs a student would do, started once, in the background.

Importing TensorFlow costs seconds per process, so the whole-course runs and the notebook
executions start as soon as pytest knows they are needed and run beside the in-process tests.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNNER = [sys.executable, "-m", "tfbasics.lessons"]
EXECUTE = """
import sys, nbformat, nbclient
notebook = nbformat.read(sys.argv[1], as_version=4)
nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(notebook, sys.argv[3])
"""
JOBS: dict[str, tuple[subprocess.Popen, Path]] = {}
SCRATCH = Path(tempfile.mkdtemp(prefix="tfbasics-tests-"))


CHECKS: dict = {}


def checks_of(example):
    """Run a lesson example once per session; return its checks, each of which must pass."""
    if example not in CHECKS:
        CHECKS[example] = list(example())
    for check in CHECKS[example]:
        assert check.passed, str(check)
    return CHECKS[example]


def computed(example):
    """Return the computed values of an example's checks, in order."""
    return [check.computed for check in checks_of(example)]


def computed_by_name(example):
    """Return {check name: computed value} for an example's checks."""
    return {check.name: check.computed for check in checks_of(example)}


def student_env():
    """The environment a student has: without a TF_CPP_MIN_LOG_LEVEL of their own."""
    return {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}


def run_cli(*args, cwd=None, env=None):
    """Run `python -m tfbasics.lessons ARGS` as a subprocess, as a student would."""
    return subprocess.run([*RUNNER, *args], capture_output=True, text=True, cwd=cwd,
                          env={**student_env(), **(env or {})}, timeout=600)


def start(key, command, folder):
    """Start a background job writing into `folder`, once."""
    if key not in JOBS:
        folder.mkdir(parents=True, exist_ok=True)
        JOBS[key] = (subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, cwd=folder, env=student_env()), folder)


def finish(key):
    """Wait for a background job; return (stdout, stderr, return code, its folder)."""
    process, folder = JOBS[key]
    out, err = process.communicate(timeout=900)
    JOBS[key] = (process, folder)
    return out, err, process.returncode, folder


def notebooks():
    """The committed lesson notebooks, in course order."""
    return sorted((ROOT / "lessons").glob("*.ipynb"))


def pytest_collection_modifyitems(session, config, items):
    """Start the slow runs the selected tests need, before any test runs."""
    needed = {name for item in items for name in getattr(item, "fixturenames", [])}
    for key in ("course", "second_course"):
        if key in needed or (key == "course" and "lesson_checks" in needed):
            folder = SCRATCH / key
            start(key, [*RUNNER, "--json", "--figures", str(folder / "figures")], folder)
    if "text_run" in needed:  # a student's first command, from a fresh folder
        start("text_run", [*RUNNER, "autodiff"], SCRATCH / "student")
    if "executed_notebooks" in needed:
        for path in notebooks():
            folder = SCRATCH / "notebooks" / path.stem
            start(path.stem, [sys.executable, "-c", EXECUTE, str(path), str(folder),
                              str(folder / path.name)], folder)


def pytest_sessionfinish(session, exitstatus):
    """Stop anything still running and remove the scratch folder."""
    for process, _ in JOBS.values():
        if process.poll() is None:
            process.kill()
            process.communicate()
    shutil.rmtree(SCRATCH, ignore_errors=True)


def course_run(key):
    """Return (JSON document, figures folder, stderr, stdout) of a finished course run."""
    out, err, code, folder = finish(key)
    assert code == 0, err[-3000:]
    return json.loads(out), folder / "figures", err, out


@pytest.fixture(scope="session")
def course():
    """The whole course, once, as JSON with figures into a scratch folder."""
    return course_run("course")


@pytest.fixture(scope="session")
def second_course():
    """The whole course a second time, for the reproducibility test."""
    return course_run("second_course")


@pytest.fixture(scope="session")
def text_run():
    """The autodiff lesson as text, run from a fresh folder: (stdout, stderr, code, folder)."""
    return finish("text_run")


@pytest.fixture(scope="session")
def lesson_checks(course):
    """Return {lesson name: [check dicts]} from the course run."""
    return {lesson["name"]: lesson["checks"] for lesson in course[0]["lessons"]}


@pytest.fixture(scope="session")
def executed_notebooks():
    """Return {notebook name: (executed notebook JSON or None, error tail)}."""
    results = {}
    for path in notebooks():
        _, err, code, folder = finish(path.stem)
        executed = folder / path.name
        results[path.name] = (json.loads(executed.read_text(encoding="utf-8"))
                              if code == 0 else None, err.strip().splitlines()[-1:], folder)
    return results
