"""What a student reads: code they can paste, TF's own output, a pager, words of TF only."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from conftest import ROOT, student_env

from tfbasics.checks import check_close
from tfbasics.course import lesson as lessons
from tfbasics.course.cli import main
from tfbasics.lessons import COURSE

# Words from the course's own history, which a student has never seen.
HISTORY = re.compile(r"\bthe seed\b|\bseed's\b|original notebook|printed 'w = 2'", re.I)


def test_every_examples_shown_code_runs_when_pasted(pasted):
    # after the imports the lesson shows, each example's code, as printed, in a fresh file
    expected = {f"{name}.{e.name}" for name in COURSE for e in lessons.outline(name).examples}
    assert set(pasted) == expected
    failed = {name: error for name, error in pasted.items() if error is not None}
    assert failed == {}


@pytest.mark.parametrize("name", COURSE)
def test_shown_code_has_no_scaffolding(name):
    outline = lessons.outline(name)
    scaffolding = re.compile(r"\b(check_close|check_raises|show|show_figure|helper_results|"
                             r"StringIO|redirect_stdout)\b")
    for example in outline.examples:
        assert not scaffolding.search(example.code), f"{name}.{example.name}"
        assert all(len(line) <= 80 for line in example.code.splitlines()), example.name
    assert "tfbasics.course" not in outline.imports and "tfbasics.checks" not in outline.imports


def test_no_history_words_reach_a_student():
    texts = {}
    for name in COURSE:
        outline = lessons.outline(name)
        texts[name] = "\n".join([outline.introduction, outline.imports, *(
            part for e in outline.examples for part in (e.explanation, e.code, e.verify))])
    texts["README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in (ROOT / "lessons").glob("*.ipynb"):
        texts[path.name] = path.read_text(encoding="utf-8")
    for path in (ROOT / "tfbasics" / "exercises" / "builtin").glob("*.py"):
        texts[path.name] = path.read_text(encoding="utf-8")
    found = {name: HISTORY.findall(text) for name, text in texts.items() if HISTORY.search(text)}
    assert found == {}


class Terminal(io.StringIO):
    """A stdout that says it is a terminal, as a student's is."""

    def isatty(self):
        return True


@pytest.fixture
def pager(tmp_path, monkeypatch):
    """A PAGER that keeps what it is given in a file: (the file, so a test can read it)."""
    kept = tmp_path / "paged.txt"
    script = f"import sys; open({str(kept)!r}, 'w').write(sys.stdin.read())"
    monkeypatch.setenv("PAGER", f"{sys.executable} -c \"{script}\"")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    return kept


def test_a_course_on_a_terminal_goes_through_the_pager(pager, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["variables", "tensors.1", "--no-figures"]) == 0
    paged = re.sub(r"\x1b\[[0-9;]*m", "", pager.read_text(encoding="utf-8"))  # in colour
    assert "Contents" in paged and "2 · Introduction to variables" in paged
    assert "Practice: " in paged and paged.rstrip().endswith("passed, 0 failed")
    assert terminal.getvalue() == ""  # all of it went to the pager


@pytest.mark.parametrize("how", ["piped", "--no-pager", "one lesson"])
def test_no_pager_when_piped_asked_or_one_lesson(how, pager, monkeypatch, capsys):
    args = ["variables", "tensors.1", "--no-figures"]
    if how != "piped":
        monkeypatch.setattr(sys, "stdout", terminal := Terminal())
    if how == "--no-pager":
        args.append("--no-pager")
    if how == "one lesson":
        args = ["variables", "--no-figures"]
    assert main(args) == 0
    out = capsys.readouterr().out if how == "piped" else terminal.getvalue()
    assert not pager.exists() and "passed, 0 failed" in out


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_the_pager_on_a_real_pseudo_terminal(tmp_path):
    # the runner in its own process, its stdout a pty, as at a student's terminal
    kept = tmp_path / "paged.txt"
    script = f"import sys; open({str(kept)!r}, 'w').write(sys.stdin.read())"
    primary, secondary = os.openpty()
    env = {**student_env(), "PAGER": f"{sys.executable} -c \"{script}\"", "COLUMNS": "100"}
    process = subprocess.run([sys.executable, "-m", "tfbasics.lessons", "variables",
                              "tensors.1", "--no-figures"], stdout=secondary,
                             stderr=subprocess.PIPE, env=env, timeout=300, cwd=tmp_path)
    os.close(secondary)
    os.close(primary)
    assert process.returncode == 0, process.stderr[-2000:]
    paged = kept.read_text(encoding="utf-8")
    assert "2 · Introduction to variables" in paged and "Practice: " in paged


def test_output_keeps_pythons_and_tfs_lines_in_the_order_written():
    from tfbasics.course.capture import capture_stdout

    @tf.function
    def f(x):
        print("traced")  # Python: while tracing
        tf.print("graph", x, output_stream=sys.stdout)  # TF's C++, to file descriptor 1
        return x + 1

    with capture_stdout() as printed:
        print("before")
        f(tf.constant(1))
        f(tf.constant(2))
        print("after")
    assert printed.text.splitlines() == ["before", "traced", "graph 1", "graph 2", "after"]


# --- checks say what they compare ---------------------------------------------------------------

@pytest.mark.slow
def test_the_whole_course_pages_in_2500_rows_at_100_columns(course_text):
    # issue 18's length goal, every check shown: rows as a 100-column terminal shows them
    # (a longer line wraps onto more rows)
    stdout, stderr, code, _ = course_text
    assert code == 0, stderr[-2000:]
    lines = stdout.rstrip("\n").split("\n")
    rows = sum(max(1, -(-len(line) // 100)) for line in lines)
    assert rows <= 2500, f"{rows} rows"
    passed = int(re.fullmatch(r"(\d+) passed, 0 failed", lines[-1]).group(1))
    assert sum(line.startswith("  ✓ ") for line in lines) == passed  # each check, one claim


def test_a_float_tensor_is_not_a_bool_and_int64_is_not_int32():
    as_floats = tf.constant([1.0, 0.0])
    wrong = check_close("a bool tensor", as_floats, np.array([True, False]), by="NumPy")
    assert not wrong.passed and "dtype float32 computed, bool expected" in wrong.note
    assert not check_close("a bool", tf.constant(1.0), True).passed
    wrong_int = check_close("an int32 count", tf.constant(3, tf.int64), np.int32(3))
    assert not wrong_int.passed and "int64" in wrong_int.note
    # their twins: the right dtype passes, and a float64 reference checks a float32 value
    assert check_close("a bool tensor", tf.constant([True, False]),
                       np.array([True, False])).passed
    assert check_close("an int32 count", tf.constant(3), np.int32(3)).passed
    assert check_close("a float", tf.constant(0.1), np.float64(0.1)).passed
    assert check_close("a Python number", tf.constant(3, tf.int64), 3).passed
    assert not check_close("a float", tf.constant(0.2), np.float64(0.1)).passed


def test_a_check_is_one_claim_with_where_its_answer_comes_from():
    good = check_close("dL/dw at w = 1", tf.constant(7.0), 4 + 3 * 1.0**2, by="by hand 4 + 3·1²")
    assert str(good) == "✓ dL/dw at w = 1 is 7.0, by hand 4 + 3·1²"
    bad = check_close("dL/dw at w = 1", tf.constant(7.0), 8.0, by="your formula")
    assert bad.claim() == ("✗ dL/dw at w = 1 is 7.0, your formula = 8.0 "
                           "(max abs error 1)")


def test_the_readme_is_a_front_page_whose_links_resolve():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) <= 8 * 1024
    links = re.findall(r"\]\(([^)#]+)\)", readme)
    local = [link for link in links if "://" not in link]
    assert local and [link for link in local if not (ROOT / link).exists()] == []
    assert Path(ROOT / "docs").is_dir()
