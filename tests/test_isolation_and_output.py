"""A broken lesson does not stop the course; outputs are atomic and reproducible."""

import io
import json
import os
import sys

import pytest

import tfbasics.course.cli
import tfbasics.course.lesson
import tfbasics.lessons
from tfbasics.course.cli import main

BROKEN = '''"""A lesson that breaks

It raises on purpose in its second example and fails a check in its third, to show that the
runner reports both and carries on.

Guide: https://www.tensorflow.org/guide/basics
"""

from tfbasics.checks import check_close


def a_good_example():
    """This one passes. It adds one and one."""
    return [check_close("one plus one", 1 + 1, 2)]


def a_broken_example():
    """This one raises. It divides by zero on purpose."""
    ratio = 1 / 0
    return [check_close("never reached", ratio, 0)]


def a_wrong_example():
    """This one fails a check. Two and two make four, not five."""
    return [check_close("two plus two is five", 2 + 2, 5)]


EXAMPLES = [a_good_example, a_broken_example, a_wrong_example]
'''


@pytest.fixture
def broken_course(tmp_path, monkeypatch):
    """A course of a deliberately broken lesson, then the real autodiff lesson."""
    (tmp_path / "broken.py").write_text(BROKEN, encoding="utf-8")
    monkeypatch.setattr(tfbasics.lessons, "__path__", [*tfbasics.lessons.__path__,
                                                       str(tmp_path)])
    for module in (tfbasics.lessons, tfbasics.course.lesson, tfbasics.course.cli):
        monkeypatch.setattr(module, "COURSE", ("broken", "autodiff"))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    monkeypatch.setenv("COLUMNS", "200")
    tfbasics.course.lesson.outline.cache_clear()
    sys.modules.pop("tfbasics.lessons.broken", None)
    yield tmp_path
    tfbasics.course.lesson.outline.cache_clear()
    sys.modules.pop("tfbasics.lessons.broken", None)


def test_an_example_that_raises_is_reported_and_the_rest_run(broken_course, capsys):
    line = BROKEN.splitlines().index("    ratio = 1 / 0") + 1
    code = main(["--no-figures", "--no-pager"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"ERROR  ZeroDivisionError at broken.py:{line}: division by zero" in out
    assert "✓ one plus one is 2" in out
    assert "✗ two plus two is five is 4, expected 5" in out  # the example after it ran
    assert "2 · Automatic differentiation" in out  # and the next lesson too
    summary = out[out.index("What did not pass:"):].splitlines()
    assert summary[1].strip() == (f"broken › a_broken_example: ZeroDivisionError at "
                                  f"broken.py:{line}: division by zero")
    assert summary[2].strip() == "broken › a_wrong_example › two plus two is five"
    passed = 1 + len([c for e in tfbasics.course.lesson.load("autodiff").EXAMPLES
                      if e.__code__.co_argcount == 0 for c in e()])
    assert summary[-1] == f"{passed} passed, 1 failed, 1 error"

    capsys.readouterr()  # what the examples run above printed
    code = main(["--no-figures", "--json", "broken"])
    document = json.loads(capsys.readouterr().out)
    assert code == 1 and document["errors"] == 1 and document["failed"] == 1
    assert document["lessons"][0]["error"].startswith("ZeroDivisionError in a_broken_example")
    assert [e["error"] for e in document["lessons"][0]["examples"]] == [
        None, f"ZeroDivisionError at broken.py:{line}: division by zero", None]


def test_a_lesson_that_cannot_load_is_an_error(broken_course, capsys):
    (broken_course / "broken.py").write_text(BROKEN.replace("from tfbasics.checks import",
                                                            "from tfbasics.nowhere import"))
    assert main(["--no-figures", "broken"]) == 1
    out = capsys.readouterr().out
    assert "ERROR  ModuleNotFoundError" in out and "the lesson could not run" in out


def test_an_interrupted_write_leaves_the_old_figure_whole(tmp_path, monkeypatch):
    from tfbasics import plots

    good = plots.plot_sensitivity(lambda w: w**2, -1.0, 1.0, path=tmp_path / "f.png")
    before = good.read_bytes()

    def interrupted(self, out, **kwargs):
        out.write(b"\x89PNG half a file")
        raise KeyboardInterrupt  # the student pressed Ctrl-C mid-write

    monkeypatch.setattr("matplotlib.figure.Figure.savefig", interrupted)
    with pytest.raises(KeyboardInterrupt):
        plots.plot_sensitivity(lambda w: w**3, -1.0, 1.0, path=tmp_path / "f.png")
    assert good.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["f.png"]


def test_a_failed_rename_leaves_no_temporary_file(tmp_path, monkeypatch):
    from tfbasics._files import write_atomically

    (tmp_path / "n.ipynb").write_bytes(b"old")

    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(tmp_path / "n.ipynb", b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["n.ipynb"]
    assert (tmp_path / "n.ipynb").read_bytes() == b"old"


def test_the_notebooks_draw_the_runners_pngs_byte_for_byte(course, executed_notebooks):
    """Another process, another path through the code (a notebook's cells): the same PNGs,
    byte for byte (every example's checks run twice in-process in its lesson's tests)."""
    figures = course[1]
    names = sorted(p.name for p in figures.iterdir())
    drawn = {p.name: p for _, _, folder in executed_notebooks.values()
             for p in (folder / "figures").glob("*.png")}
    assert len(names) >= 13 and sorted(drawn) == names
    for name in names:
        assert (figures / name).read_bytes() == drawn[name].read_bytes(), name


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, as a student's is."""

    def isatty(self):
        return True


def test_progress_shows_on_a_terminal_only(monkeypatch, capsys):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["variables", "--no-figures"]) == 0
    assert "variables · " in terminal.getvalue()  # the running example, on stderr
    assert "…" not in capsys.readouterr().out  # the lesson itself stays clean

    terminal.seek(0)
    terminal.truncate()
    assert main(["variables", "--no-figures", "--json"]) == 0
    assert terminal.getvalue() == ""
    json.loads(capsys.readouterr().out)
