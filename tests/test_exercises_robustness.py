"""A grader that cannot be knocked over: what a student's file or a teacher's folder does to
the practice commands, run as a student runs them (tests/sessions.py's robust_session), plus
the grading helpers' own guarantees, in-process."""

import re

import pytest
from conftest import solution

from tfbasics.exercises.run import grade_source, seeds_of


def test_a_file_that_deletes_itself_gets_its_verdict_and_its_progress(robust_session):
    check = robust_session["check"]
    said = check["out"] + check["err"]
    assert "Traceback" not in said, said
    assert "PASS  cubic_derivative" in check["out"], said
    # the verdict is saved with the fingerprint of the file as it was graded
    assert robust_session["progress"]["results"]["cubic_derivative"]["passed"] is True


def test_a_thread_left_running_neither_hangs_the_check_nor_outlives_it(robust_session):
    check = robust_session["check"]
    assert "PASS  product_rule" in check["out"], check["out"] + check["err"]
    assert check["code"] == 0
    assert check["seconds"] < 60, check["seconds"]  # the thread sleeps 300 s
    assert robust_session["left_after_check"] == []  # no scratch folder left behind


def test_after_a_pass_the_student_is_told_what_comes_next(robust_session):
    lines = robust_session["check"]["out"].splitlines()
    after = {lines[i].split()[1]: lines[i + 1].strip() for i in range(len(lines) - 1)
             if lines[i].startswith("PASS  ")}
    # cubic_derivative and product_rule both pass: the lesson's next one not yet done
    assert after["cubic_derivative"].startswith("next: "), lines
    assert "watch_the_constant" in after["product_rule"], lines
    assert "python -m tfbasics.exercises start watch_the_constant" in after["product_rule"]


def test_a_killed_check_leaves_no_process_and_no_folder(robust_session):
    assert robust_session["scratch_while_running"], "the grading process never started"
    assert robust_session["left_after_kill"] == []
    assert robust_session["graders_alive_after_kill"] == []


def test_a_teachers_stray_file_is_named_and_the_rest_go_on(robust_session):
    listed = robust_session["teacher_list"]
    assert listed["code"] == 0, listed["err"]
    assert "helper_script.py is not an exercise" in listed["err"], listed["err"]
    names = [row.split()[0] for row in listed["out"].splitlines()[1:]]
    assert "square_it" in names and "cubic_derivative" in names


def test_a_teachers_grader_bug_is_reported_with_its_file_and_line(robust_session):
    verify = robust_session["teacher_verify"]
    said = verify["out"]
    assert verify["code"] == 1 and "Traceback" not in said + verify["err"]
    bad = next(line for line in said.splitlines() if "broken_grade" in line)
    assert "the check itself failed (ZeroDivisionError at " in bad, bad
    assert "broken_grade.py, line 16" in bad, bad
    stray = next(line for line in said.splitlines() if "helper_script" in line)
    assert stray.startswith("BAD   helper_script.py: ") and "not an exercise" in stray
    ok = next(line for line in said.splitlines() if "square_it" in line)
    # the seeds it used, named as the student would set them, one after the other
    seeds = re.search(r"TFBASICS_SEED=(\d+) and (\d+)\)", ok)
    assert seeds and int(seeds[2]) == int(seeds[1]) + 1, ok


def test_a_grader_bug_in_process_names_the_grader_not_the_student():
    from tfbasics.exercises import find
    from tfbasics.exercises.run import grader_failed

    try:
        {}["missing"]
    except KeyError as error:
        said = grader_failed(error, find("cubic_derivative"))
    assert said.startswith("the check itself failed (KeyError at ")
    assert "test_exercises_robustness.py, line" in said  # the frame that raised


@pytest.mark.parametrize("text, seeds", [("7", [7]), ("0,2,5", [0, 2, 5]),
                                         ("3..6", [3, 4, 5, 6])])
def test_the_grading_process_reads_its_seeds(text, seeds):
    assert seeds_of(text) == seeds


def test_grading_twice_in_one_process_gives_the_same_verdict():
    wrong = solution("product_rule").replace("+ w**2 * np.cos(w)", "- w**2 * np.cos(w)")
    first, again = (grade_source("product_rule", wrong, 3) for _ in range(2))
    assert first == again and not first["passed"]


def test_the_formula_gets_a_writable_copy_and_the_check_keeps_its_points():
    # an answer that scribbles over its input: right, and the check's points stay intact
    scribbler = ("import numpy as np\n\n\ndef dL_dw(w):\n    out = 4 + 3 * w**2\n"
                 "    w[...] = np.nan\n    return out\n")
    assert grade_source("cubic_derivative", scribbler, 1)["passed"]
    # its must-FAIL twin: the same scribbling, with a wrong formula
    wrong = scribbler.replace("4 + 3 * w**2", "4 + 2 * w**2")
    result = grade_source("cubic_derivative", wrong, 1)
    assert not result["passed"] and "nan" not in result["message"].lower()
