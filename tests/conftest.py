"""Shared fixtures: the runner run once as a student runs it, for every test that reads it."""

import json
import os
import subprocess
import sys

import pytest

RUNNER = [sys.executable, "-m", "tfbasics.lessons"]


def run_cli(*args, cwd=None, env=None):
    """Run `python -m tfbasics.lessons ARGS` as a subprocess, without the user's log level."""
    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    environment.update(env or {})
    return subprocess.run([*RUNNER, *args], capture_output=True, text=True, cwd=cwd,
                          env=environment, timeout=600)


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """The whole course, once, as JSON with figures into a temporary folder."""
    figures = tmp_path_factory.mktemp("course_figures")
    process = run_cli("--json", "--figures", str(figures))
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout), figures, process


@pytest.fixture(scope="session")
def lesson_checks(course):
    """Return {lesson name: [check dicts]} from the course run."""
    document = course[0]
    return {lesson["name"]: lesson["checks"] for lesson in document["lessons"]}
