"""Shared fixtures: the slow runs a student would do, started once, in the background.

Importing TensorFlow costs seconds per process, so the whole-course runs and the notebook
executions start as soon as pytest knows they are needed and run beside the in-process tests.
"""

import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from tfbasics.lessons import COURSE

ROOT = Path(__file__).resolve().parent.parent
RUNNER = [sys.executable, "-m", "tfbasics.lessons"]
def top_level_names(source):
    """Return the names a cell assigns at its top level (not inside a comprehension, lambda
    or function, whose names do not stay after the cell runs)."""
    import ast

    found, todo = set(), list(ast.parse(source).body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found.add(node.name)
            continue
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                             ast.GeneratorExp)):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        todo.extend(ast.iter_child_nodes(node))
    return sorted(found)


EXECUTE = inspect.getsource(top_level_names) + """
import ast, json, sys, traceback, nbformat, nbclient
from pathlib import Path
# Run some notebooks one after another in one kernel (importing TF once), each from a clean
# namespace in its own folder: argv[1] is a JSON list of [notebook, folder] pairs. Each
# folder gets the executed notebook, or error.txt saying why it stopped.
pairs = json.loads(sys.argv[1])
client = None
for source, folder in pairs:
    notebook = nbformat.read(source, as_version=4)
    # After the first example's cell, a probe cell lists which of the names it assigned
    # exist: a student can inspect w, tape and L after running a cell.
    for index, cell in enumerate(notebook.cells):
        after = notebook.cells[index - 1].source if index else ""
        if cell.cell_type == "code" and after.startswith("## "):
            names = top_level_names(cell.source)
            probe = f"print('PROBE', json.dumps(sorted(n for n in {names!r} if n in globals())))"
            notebook.cells.insert(index + 1, nbformat.v4.new_code_cell("import json\\n" + probe))
            break
    Path(folder).mkdir(parents=True, exist_ok=True)
    fresh = nbformat.v4.new_code_cell(f"%reset -f\\nimport os\\nos.chdir({folder!r})")
    notebook.cells.insert(0, fresh)
    if client is None:
        client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                         resources={"metadata": {"path": folder}})
        client.km = client.create_kernel_manager()
        client.start_new_kernel()
        client.start_new_kernel_client()
    client.nb = notebook
    try:
        client.execute(cleanup_kc=False)
        del notebook.cells[0]
        nbformat.write(notebook, str(Path(folder) / Path(source).name))
    except Exception:
        (Path(folder) / "error.txt").write_text(traceback.format_exc()[-4000:])
client._cleanup_kernel()
"""
JOBS: dict[str, tuple[subprocess.Popen, Path]] = {}
PENDING: list[tuple[str, list, Path]] = []  # jobs waiting for a free slot, in start order
# Background jobs at once, beside pytest itself: one. Each TF process runs a thread per core,
# and with two jobs beside pytest on two cores they all slowed down (the suite took 180-200 s
# with two, 160 s with one).
SLOTS = 1
LOCK = threading.Lock()
SCRATCH = Path(tempfile.mkdtemp(prefix="tfbasics-tests-"))


CHECKS: dict = {}


def slow_but(values, *fast):
    """Return parametrize's `values`, each marked slow but those at the positions `fast`: the
    inner loop (`pytest -m "not slow"`) runs those, plain `pytest` runs them all. A tuple is
    one value per argument name."""
    return [value if index in fast else pytest.param(
        *(value if isinstance(value, tuple) else (value,)), marks=pytest.mark.slow)
        for index, value in enumerate(values)]


def fingerprint(checks):
    """Return what a student sees of some checks, minus the timings that vary run to run."""
    from tfbasics.course.report import check_to_json

    return [{key: value for key, value in check_to_json(check).items() if key != "timing"}
            for check in checks]


def checks_of(example):
    """Run a lesson example twice per session, as a student re-running a notebook cell does;
    the two runs must give the same checks, and each check must pass. Return the checks."""
    if example not in CHECKS:
        first = list(example())
        again = list(example())
        assert fingerprint(again) == fingerprint(first), f"{example.__name__} differs when rerun"
        CHECKS[example] = first
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


def launch(key, command, folder):
    """Start a job now (the caller holds LOCK). Its output goes to files, not pipes: a job
    whose output outgrew a pipe would wait for a reader, holding its slot, until its test."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{key}.stdout", "w") as out, open(folder / f"{key}.stderr", "w") as err:
        JOBS[key] = (subprocess.Popen(command, stdout=out, stderr=err, cwd=folder,
                                      env=student_env()), folder)


def start(key, command, folder):
    """Queue a background job, once; at most SLOTS run at a time (thirty processes importing
    TensorFlow at once would slow every test down several times over)."""
    with LOCK:
        if key not in JOBS and all(key != k for k, _, _ in PENDING):
            PENDING.append((key, command, folder))
    schedule()


def schedule():
    """Start queued jobs while there are free slots."""
    with LOCK:
        running = sum(process.poll() is None for process, _ in JOBS.values())
        while PENDING and running < SLOTS:
            launch(*PENDING.pop(0))
            running += 1


def scheduler():
    """Keep the slots busy while tests run (a daemon thread)."""
    while True:
        threading.Event().wait(0.5)
        schedule()


def finish(key):
    """Wait for a background job (starting it now if it still waits for a slot); return
    (stdout, stderr, return code, its folder)."""
    with LOCK:
        for index, (k, command, folder) in enumerate(PENDING):
            if k == key:
                del PENDING[index]
                launch(k, command, folder)
                break
    process, folder = JOBS[key]
    process.wait(timeout=900)
    out, err = ((folder / f"{key}.{stream}").read_text(encoding="utf-8")
                for stream in ("stdout", "stderr"))
    return out, err, process.returncode, folder


def notebooks():
    """The committed lesson notebooks (not the exercise ones), in course order."""
    return sorted(p for p in (ROOT / "lessons").glob("*.ipynb")
                  if not p.stem.endswith("_exercises"))


def kernel(name):
    """Return the key of the kernel a lesson's notebooks run in: the lessons and their
    exercises share one (importing TF once), except the devices lesson's, which split the
    devices before TF starts them (`configure`) and so need a kernel that has not."""
    return "kernel-devices" if name == "devices" else "kernel"


def execute_notebooks(key, pairs):
    """Queue the execution of some notebooks, one after another in one kernel."""
    start(key, [sys.executable, "-c", EXECUTE, json.dumps([[str(a), str(b)] for a, b in pairs])],
          SCRATCH / key)


def executed(path, folder):
    """Return (the executed notebook's JSON or None, why it stopped) from its folder."""
    error = folder / "error.txt"
    if error.exists():
        return None, error.read_text(encoding="utf-8")
    return json.loads((folder / path.name).read_text(encoding="utf-8")), ""


def pytest_itemcollected(item):
    """Mark slow a test that reads a background run: each is a fresh process importing TF
    (the answer corpus marks its own, keeping a few answers per exercise fast)."""
    if (BACKGROUND - {"exercise_corpus"}) & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.slow)


@pytest.hookimpl(trylast=True)  # after `-m "not slow"` has deselected: start only what runs
def pytest_collection_modifyitems(session, config, items):
    """Queue the slow runs the selected tests need, in the order the tests need them."""
    needed = {name for item in items for name in getattr(item, "fixturenames", [])}
    threading.Thread(target=scheduler, daemon=True).start()
    if "course" in needed or "lesson_checks" in needed:
        folder = SCRATCH / "course"
        start("course", [*RUNNER, "--json", "--figures", str(folder / "figures")], folder)
    groups: dict[str, list] = {}  # kernel: [notebook, folder], lessons before exercises
    if "executed_notebooks" in needed:
        for path in notebooks():
            groups.setdefault(kernel(path.stem[3:]), []).append(
                (path, SCRATCH / "notebooks" / path.stem))
    if "solved_exercise_notebooks" in needed:
        import nbformat

        from tfbasics.exercises.notebooks import build

        for name in COURSE:
            folder = SCRATCH / "exercise_notebooks" / name
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{COURSE.index(name) + 1:02d}_{name}_exercises.ipynb"
            path.write_text(nbformat.writes(build(name, solved=True)), encoding="utf-8")
            groups.setdefault(kernel(name), []).append((path, folder / "executed"))
    for key, pairs in groups.items():
        execute_notebooks(key, pairs)
    if "text_run" in needed:  # a student's first command, from a fresh folder
        start("text_run", [*RUNNER, "autodiff"], SCRATCH / "student")
    if "course_text" in needed:  # the whole course as a 100-column terminal shows it
        start("course_text", ["env", "COLUMNS=100", *RUNNER, "--no-figures", "--no-pager"],
              SCRATCH / "course_text")
    for name in sorted(SESSIONS & needed):  # sessions at the command line (tests/sessions.py)
        start(name, [sys.executable, str(ROOT / "tests" / "sessions.py"), name,
                     str(SCRATCH / name)], SCRATCH / name)
    if "interrupted_run" in needed:
        start_interrupted_run()
    if "pasted" in needed:  # every example's shown code, as a student pastes it
        for key, names in PASTED.items():
            start(key, [sys.executable, str(ROOT / "tests" / "pasted.py"), str(SCRATCH / key),
                        *names], SCRATCH / key)
    if "exercise_corpus" in needed:  # the answers of tests/exercise_answers the tests read
        from test_exercise_answers import corpus_command

        command, CORPUS[:] = corpus_command(items)
        start("exercise_corpus", command, SCRATCH / "exercise_corpus")
    # Tests that read a background run go last: the others keep this process busy meanwhile.
    items[:] = sorted(items, key=lambda item: bool(BACKGROUND & set(item.fixturenames)))


CORPUS: list = []  # the answer files the corpus run grades, in its order
SESSIONS = {"students_session", "watch_session", "closed_pipe", "robust_session"}
BACKGROUND = {"course", "lesson_checks", "solved_exercise_notebooks", "executed_notebooks",
              "text_run", "course_text", "interrupted_run", "pasted", "exercise_corpus", *SESSIONS}
# The pasted-code runs: the devices lesson in a process of its own (it splits the CPU in two
# before TF starts its devices, as its notebook does).
PASTED = {"pasted": [name for name in COURSE if name != "devices"],
          "pasted-devices": ["devices"]}


INTERRUPTED: dict = {}
STARTED_RUNNING = "1.2 "  # the second example's heading: the course is well under way


def start_interrupted_run():
    """Run the course as a student would, and press Ctrl-C once its second example shows.

    The process starts with SIGINT at its default (a process started from a non-interactive
    shell would ignore it); a thread reads its output and sends SIGINT at the marker.
    """
    folder = SCRATCH / "interrupted"
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [*RUNNER, "--no-figures"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=folder, env=student_env(),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def watch():
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith(STARTED_RUNNING) and "sent" not in INTERRUPTED:
                INTERRUPTED["sent"] = True
                process.send_signal(signal.SIGINT)
        INTERRUPTED["stdout"] = "".join(lines)

    INTERRUPTED["process"] = process
    INTERRUPTED["thread"] = threading.Thread(target=watch, daemon=True)
    INTERRUPTED["thread"].start()


def pytest_sessionfinish(session, exitstatus):
    """Stop anything still running and remove the scratch folder."""
    processes = [process for process, _ in JOBS.values()]
    processes += [INTERRUPTED["process"]] if "process" in INTERRUPTED else []
    for process in processes:
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


def session(name):
    """Return the record of a finished session from tests/sessions.py."""
    out, err, code, _ = finish(name)
    assert code == 0, err[-3000:]
    return json.loads(out)


@pytest.fixture(scope="session")
def robust_session():
    """What a student's file or a teacher's folder can do to the commands (tests/sessions.py)."""
    return session("robust_session")


@pytest.fixture(scope="session")
def exercise_corpus():
    """The verdicts on the answers of tests/exercise_answers that the selected tests read,
    at every seed if a test reads them all (else at the first)."""
    from test_exercise_answers import read_verdicts

    out, err, code, _ = finish("exercise_corpus")
    assert code == 0, err[-3000:]
    return read_verdicts(out, CORPUS)


@pytest.fixture(scope="session")
def students_session():
    """A student's first exercise at the command line, start to finish (tests/sessions.py)."""
    return session("students_session")


@pytest.fixture(scope="session")
def watch_session():
    """`watch`, a save that solves the exercise, then Ctrl-C (tests/sessions.py)."""
    return session("watch_session")


@pytest.fixture(scope="session")
def closed_pipe():
    """The runner piped into a reader that stops after three lines (tests/sessions.py)."""
    return session("closed_pipe")


@pytest.fixture(scope="session")
def text_run():
    """The autodiff lesson as text, run from a fresh folder: (stdout, stderr, code, folder)."""
    return finish("text_run")


@pytest.fixture(scope="session")
def course_text():
    """The whole course as text at 100 columns: (stdout, stderr, code, folder)."""
    return finish("course_text")


@pytest.fixture(scope="session")
def pasted():
    """Return {"lesson.example": None or its error} for every example's shown code, run after
    its lesson's shown imports in a fresh namespace (tests/pasted.py)."""
    results = {}
    for key in PASTED:
        out, err, code, _ = finish(key)
        lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
        assert code == 0 and lines, err[-3000:]
        results.update(json.loads(lines[-1][len("RESULT "):]))
    return results


@pytest.fixture(scope="session")
def lesson_checks(course):
    """Return {lesson name: [check dicts]} from the course run."""
    return {lesson["name"]: lesson["checks"] for lesson in course[0]["lessons"]}


@pytest.fixture(scope="session")
def executed_notebooks():
    """Return {notebook name: (executed notebook JSON or None, why it stopped, its folder)}."""
    keys = {kernel(p.stem[3:]) for p in notebooks()}
    tails = {key: finish(key)[1] for key in sorted(keys)}
    results = {}
    for path in notebooks():
        folder = SCRATCH / "notebooks" / path.stem
        notebook, error = executed(path, folder)
        if notebook is None and not error:
            error = "\n".join(tails.values())[-3000:]
        results[path.name] = (notebook, error, folder)
    return results


@pytest.fixture(scope="session")
def interrupted_run():
    """Return (exit code, stdout, stderr) of a course run interrupted by Ctrl-C."""
    process = INTERRUPTED["process"]
    stderr = process.stderr.read()
    code = process.wait(timeout=600)
    INTERRUPTED["thread"].join(timeout=60)
    return code, INTERRUPTED.get("stdout", ""), stderr


@pytest.fixture(scope="session")
def solved_exercise_notebooks():
    """Return {notebook name: (executed JSON or None, why it stopped)} for the solved
    exercise notebooks."""
    tails = {key: finish(key)[1] for key in sorted({kernel(name) for name in COURSE})}
    results = {}
    for name in COURSE:
        folder = SCRATCH / "exercise_notebooks" / name
        path = folder / f"{COURSE.index(name) + 1:02d}_{name}_exercises.ipynb"
        notebook, error = executed(path, folder / "executed")
        if notebook is None and not error:
            error = "\n".join(tails.values())[-3000:]
        results[path.name] = (notebook, error)
    return results


def solution(name):
    """Return the text of an exercise's solved file."""
    from tfbasics import exercises

    return exercises.find(name).module().SOLUTION


def stub(name):
    """Return the text of an exercise's starting file."""
    from tfbasics import exercises

    return exercises.find(name).module().STUB


def with_body(name, old, new, text=None):
    """The solution (or `text`) with one piece changed: a typical wrong answer."""
    text = solution(name) if text is None else text
    assert old in text, old
    return text.replace(old, new)


def fails(name, text, *words):
    """Grade a wrong answer: it fails in one line, without a traceback, saying `words`."""
    from tfbasics.exercises.run import grade_source

    result = grade_source(name, text)
    message = result["message"]
    assert not result["passed"], name
    assert "Traceback" not in message and "\n" not in message, message
    for word in words:
        assert word in message, (word, message)
    return message
