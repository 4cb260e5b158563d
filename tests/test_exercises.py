"""The practice mode as a student uses it: `python -m tfbasics.exercises` in a folder of theirs."""

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import slow_but, student_env

from tfbasics import exercises, lessons
from tfbasics.exercises.notebooks import cell_of
from tfbasics.exercises.run import grade_source

PRACTICE = [sys.executable, "-m", "tfbasics.exercises"]


def practise(*args, cwd, timeout=300, env=None):
    """Run one practice command as a student would, from their folder."""
    return subprocess.run([*PRACTICE, *args], capture_output=True, text=True, cwd=cwd,
                          env={**student_env(), "TFBASICS_SEED": "7", **(env or {})},
                          timeout=timeout)


def test_there_are_at_least_three_exercises_per_lesson():
    catalogue = exercises.catalogue()
    for lesson in lessons.COURSE:
        assert sum(e.lesson == lesson for e in catalogue) >= 3, lesson
    assert len(catalogue) >= 21
    assert [e.lesson for e in catalogue] == sorted((e.lesson for e in catalogue),
                                                   key=lessons.COURSE.index)
    for exercise in catalogue:  # each one states its task and kind
        assert exercise.task.endswith(".") and exercise.kind, exercise.name


def test_a_students_session(students_session):
    record = students_session  # what each command printed (tests/sessions.py runs them)
    listed = record["list"]
    assert listed["code"] == 0
    header, *rows = listed["out"].splitlines()
    assert header.split() == ["exercise", "lesson", "status", "task"]
    assert [row.split()[0] for row in rows] == [e.name for e in exercises.catalogue()]
    assert all(" not started " in row for row in rows)

    started = record["start"]
    assert started["code"] == 0 and "wrote exercises/cubic_derivative.py" in started["out"]
    assert "check cubic_derivative" in started["out"]  # says what to do next
    module = exercises.find("cubic_derivative").module()
    assert record["started_text"] == module.STUB

    failing = record["stub"]
    assert failing["code"] == 1 and "Traceback" not in failing["out"] + failing["err"]
    assert failing["out"].startswith("FAIL  cubic_derivative: your formula still returns ...")

    wrong = record["wrong"]  # 4 + 2w² in place of 4 + 3w²
    assert wrong["code"] == 1 and "where the tape gives" in wrong["out"]
    assert "3 * w" not in wrong["out"]  # the diagnosis, not the answer

    # `start` again never overwrites the student's edits
    assert "left as it is" in record["start_again"]["out"]
    assert "4 + 2 * w**2" in record["text_after_start_again"]

    assert record["solution"]["out"] == module.SOLUTION  # exactly a solved file, nothing else
    passing = record["solved"]
    verdict, after = passing["out"].strip().splitlines()
    assert passing["code"] == 0 and verdict == "PASS  cubic_derivative"
    # what comes next: the lesson's next exercise, and how to start it
    assert after.strip().startswith("next: product_rule (") and "start product_rule" in after

    hints = [hint["out"] for hint in record["hints"]]
    assert hints[0].startswith(f"hint 1 of {len(module.HINTS)}") and module.HINTS[0] in hints[0]
    assert module.HINTS[1] in hints[1] and hints[-1].startswith("No more hints")
    assert record["progress"]["hints"]["cubic_derivative"] == len(module.HINTS)

    statuses = {row.split()[0]: row.split()[2] for row in
                record["list_after"]["out"].splitlines()[1:]}
    assert statuses["cubic_derivative"] == "done" and statuses["product_rule"] == "not"


@pytest.mark.parametrize("args, words", slow_but([  # each a fresh process
    (["start", "cubic_derivatve"], "no exercise named 'cubic_derivatve' (did you mean "
                                   "cubic_derivative?)"),
    (["check", "product_rule"], "product_rule is not started: run `python -m "
                                "tfbasics.exercises start product_rule` first"),
    (["check"], "no exercise is started yet"),
    (["hint"], "the following arguments are required: NAME"),
    (["--path", "/no/such/folder", "list"], "--path /no/such/folder: no such folder"),
], 0, 2))
def test_usage_mistakes_exit_2_with_one_line(args, words, tmp_path):
    process = practise(*args, cwd=tmp_path)
    assert process.returncode == 2 and "Traceback" not in process.stderr
    [line] = process.stderr.strip().splitlines()
    assert words in line


LOOPING_EXERCISE = '''"""Add one to a number.

Write plus_one(x) returning x + 1.
"""

LESSON = "tensors"
ORDER = 99
KIND = "warm-up"
TIME_LIMIT = 3
STUB = """def plus_one(x):
    while True:  # oops
        pass
"""
SOLUTION = """def plus_one(x):
    return x + 1
"""
HINTS = ["Add one."]


def grade(student, rng):
    from tfbasics.exercises.grading import Feedback, call, compare, require

    plus_one = require(student, "plus_one", "plus_one(x)")
    for x in rng.integers(0, 10, 3):
        compare(call(plus_one, int(x)), x + 1.0, "plus_one(x)", f"x = {x}")
    return Feedback.ok()
'''


@pytest.mark.slow
def test_a_teachers_folder_and_an_endless_loop(tmp_path):
    teacher = tmp_path / "teacher"
    teacher.mkdir()
    (teacher / "plus_one.py").write_text(LOOPING_EXERCISE)
    student = tmp_path / "student"
    student.mkdir()
    listed = practise("--path", str(teacher), "list", cwd=student)
    assert "plus_one" in listed.stdout and "Add one to a number." in listed.stdout
    assert practise("--path", str(teacher), "start", "plus_one", cwd=student).returncode == 0
    start = time.monotonic()
    stuck = practise("--path", str(teacher), "check", "plus_one", cwd=student)
    assert stuck.returncode == 1 and time.monotonic() - start < 60
    assert "did not finish within 3 s (an endless loop?): stopped it" in stuck.stdout
    (student / "exercises" / "plus_one.py").write_text(
        practise("--path", str(teacher), "solution", "plus_one", cwd=student).stdout)
    assert practise("--path", str(teacher), "check", cwd=student).returncode == 0
    (teacher / "broken.py").write_text('"""Not an exercise."""\nLESSON = "tensors"\n')
    broken = practise("--path", str(teacher), "list", cwd=student)  # named, and skipped
    assert broken.returncode == 0 and "is not an exercise: it lacks ORDER" in broken.stderr
    assert "broken.py" in broken.stderr and "plus_one" in broken.stdout


@pytest.mark.slow
def test_a_teachers_workflow(tmp_path):
    teacher, student = tmp_path / "teacher", tmp_path / "student"
    teacher.mkdir()
    student.mkdir()
    good = LOOPING_EXERCISE.replace("    while True:  # oops\n        pass\n", "    return x\n")
    (teacher / "plus_one.py").write_text(good)
    # a SOLUTION its own grader fails, and a STUB that already passes
    (teacher / "plus_two.py").write_text(good.replace("plus_one", "plus_two").replace(
        "x + 1.0", "x + 2.0"))
    (teacher / "plus_zero.py").write_text(good.replace("plus_one", "plus_zero").replace(
        "x + 1.0", "x + 0.0").replace("    return x + 1\n", "    return x + 0\n"))
    verified = practise("--path", str(teacher), "verify", cwd=student)
    assert verified.returncode == 1, verified.stderr
    lines = verified.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [["ok", "plus_one:"], ["BAD", "plus_two:"],
                                                    ["BAD", "plus_zero:"]]
    assert "its SOLUTION fails: at x = " in lines[1] and "where it should be" in lines[1]
    assert "its STUB passes" in lines[2]
    # `start` tells the student the command that works: with the same --path
    started = practise("--path", str(teacher), "start", "plus_one", cwd=student)
    assert f"python -m tfbasics.exercises --path {teacher} check plus_one" in started.stdout
    # without it, the student's file is named and so is the fix
    for args in (["check"], ["check", "plus_one"]):
        lost = practise(*args, cwd=student)
        assert lost.returncode == 2 and "holds plus_one.py" in lost.stderr, lost.stderr
        assert "--path DIR" in lost.stderr and "TFBASICS_EXERCISES_PATH" in lost.stderr
    # the environment variable instead of --path, for every command
    found = practise("check", "plus_one", cwd=student,
                     env={"TFBASICS_EXERCISES_PATH": str(teacher)})
    assert found.returncode == 1 and "FAIL  plus_one: at x = " in found.stdout
    # a teacher's mistakes are named with the file and the fix
    (teacher / "plus_two.py").write_text(good.replace("plus_one", "plus_two").replace(
        "ORDER = 99", "ORDER = 1 + 1"))
    listed = practise("--path", str(teacher), "list", cwd=student)
    assert listed.returncode == 0  # named, skipped, and the other exercises go on
    assert "plus_two.py, line 7: ORDER must be a plain value" in listed.stderr
    assert "(see --help)" not in listed.stderr
    assert "plus_one" in listed.stdout and "plus_two" not in listed.stdout
    (teacher / "plus_two.py").write_text(good.replace("plus_one", "plus_two").replace(
        "    return Feedback.ok()", "    return True"))
    (student / "exercises" / "plus_two.py").write_text("def plus_two(x):\n    return x + 1\n")
    checked = practise("--path", str(teacher), "check", "plus_two", cwd=student)
    assert "grade() of plus_two returned True, not a Feedback" in checked.stdout
    every = practise("--path", str(teacher), "check", cwd=student)  # both started ones
    assert every.returncode == 1
    assert every.stdout.splitlines()[-1] == "0 of 2 exercises pass"
    # a file that logs a lot on stderr (tf.print, say) is graded, not stopped as stuck
    (student / "exercises" / "plus_one.py").write_text(
        "import sys\n\nsys.stderr.write('x' * 200_000)\n\n\ndef plus_one(x):\n"
        "    return x + 1\n")
    logged = practise("--path", str(teacher), "check", "plus_one", cwd=student)
    assert logged.returncode == 0 and logged.stdout.startswith("PASS  plus_one"), logged.stdout
    # a helper module beside the teacher's exercises can be imported by their graders
    (teacher / "plus_two.py").unlink()
    (teacher / "_expected.py").write_text("def plus(x, n):\n    return x + n\n")
    (teacher / "plus_three.py").write_text(good.replace("plus_one", "plus_three").replace(
        "x + 1.0", "plus(x, 3.0)").replace("    return x + 1\n", "    return x + 3\n").replace(
        "    from tfbasics.exercises.grading import", "    from _expected import plus\n"
        "    from tfbasics.exercises.grading import"))
    helped = practise("--path", str(teacher), "verify", "plus_three", cwd=student)
    assert helped.returncode == 0 and helped.stdout.startswith("ok    plus_three"), \
        helped.stdout + helped.stderr
    (teacher / "helpers.py").write_text("def helper():\n    pass\n")
    listed = practise("--path", str(teacher), "list", cwd=student)
    assert "helpers.py is not an exercise" in listed.stderr
    assert "A helper module's name starts with _" in listed.stderr


def test_watch_checks_on_save_and_stops_on_ctrl_c(watch_session):
    record = watch_session  # started with SIGINT at its default, as in a terminal
    assert record["start"]["code"] == 0
    assert record["first_lines"][0].startswith("watching 1 file in exercises/")
    assert record["first_lines"][1].startswith("FAIL  cubic_derivative")
    assert record["after_save"].strip() == "PASS  cubic_derivative"  # picked up the save
    assert record["code"] == 0 and record["out"].strip().splitlines()[-1] == "stopped watching"
    assert "Traceback" not in record["err"]


def test_exercise_notebooks_run_with_the_stubs_solved(solved_exercise_notebooks):
    """One notebook per lesson; with the solutions in place of the stubs, every check passes
    in a real kernel, and the stub cells are the starting files' code."""
    assert sorted(solved_exercise_notebooks) == [f"{i:02d}_{name}_exercises.ipynb"
                                                 for i, name in enumerate(lessons.COURSE, 1)]
    for name, (executed, error) in solved_exercise_notebooks.items():
        assert executed is not None, f"{name}: {error}"
        text = "".join("".join(o.get("text", "")) for cell in executed["cells"]
                       for o in cell.get("outputs", []))
        lesson = name[3:-len("_exercises.ipynb")]
        chosen = [e.name for e in exercises.catalogue() if e.lesson == lesson]
        assert [line.split()[1] for line in text.splitlines() if line.startswith("PASS  ")] \
            == chosen, text[-2000:]
        assert "FAIL" not in text
        results = [o for cell in executed["cells"] for o in cell.get("outputs", [])
                   if o.get("output_type") == "execute_result"]
        assert results == []  # a check() cell shows its verdict and nothing else
        # after each PASS, one line says what comes next: the next cell, then the next lesson
        told = [line.strip() for line in text.splitlines() if line.strip().startswith("next: ")]
        assert told[:-1] == [f"next: {after}, below ({exercises.find(after).task})"
                             for after in chosen[1:]], told
        assert "the next lesson is" in told[-1] or "last exercise" in told[-1], told


def test_committed_exercise_notebooks_hold_the_stubs():
    root = Path(__file__).resolve().parent.parent / "lessons"
    for exercise in exercises.catalogue():
        path = root / (f"{lessons.COURSE.index(exercise.lesson) + 1:02d}_{exercise.lesson}"
                       f"_exercises.ipynb")
        cells = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]
        at = cells.index(cell_of(exercise.module().STUB))
        assert cells[at + 1] == f'check("{exercise.name}")'
        assert textwrap.dedent(cells[at - 1]).startswith(f"## {exercise.name}")


def test_a_file_that_exits_is_told_so():
    # found by a student review: sys.exit(0) in the file read "the check itself failed"
    solved = exercises.find("cubic_derivative").module().SOLUTION
    for text, line in ((solved + "\nimport sys\nsys.exit(0)\n", len(solved.splitlines()) + 3),
                       (solved.replace("    return", "    import sys; sys.exit(3)\n    return"),
                        None)):
        result = grade_source("cubic_derivative", text)
        assert not result["passed"] and "your code calls sys.exit(" in result["message"]
        assert "must not exit" in result["message"]
        if line:
            assert f"at line {line}" in result["message"], result["message"]


def test_a_check_runs_the_students_file_in_a_scratch_folder(tmp_path, monkeypatch, capsys):
    # a student's code that writes to a relative path (a checkpoint's "ckpt", say) leaves
    # nothing in their folder: the grading process works in a temporary one
    from tfbasics.exercises.run import MARKER
    from tfbasics.exercises.run import main as grade_main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "answer.py").write_text(exercises.find("cubic_derivative").module().SOLUTION
                                        + "\nopen('scribble.txt', 'w').write('x')\n")
    assert grade_main(["0", "cubic_derivative=answer.py"]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith(MARKER)]
    assert json.loads(line[len(MARKER):])["passed"]
    assert [p.name for p in tmp_path.iterdir()] == ["answer.py"]
    assert Path.cwd() == tmp_path
