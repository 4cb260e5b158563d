"""A broken lesson does not stop the course; outputs are atomic and reproducible."""

import io
import json
import os
import sys

import pytest

import tfbasics.lessons
from tfbasics.lessons.__main__ import main

BROKEN = '''"""A lesson that breaks

It raises on purpose, to show that the runner reports it and carries on.
"""

from tfbasics.checks import check_close


def a_good_example():
    """This one passes."""
    return [check_close("one plus one", 1 + 1, 2)]


def a_broken_example():
    """This one raises."""
    raise ZeroDivisionError("deliberately broken lesson")


EXAMPLES = [a_good_example, a_broken_example]
'''


def test_a_lesson_that_raises_is_reported_and_the_rest_run(tmp_path, monkeypatch, capsys):
    (tmp_path / "broken.py").write_text(BROKEN, encoding="utf-8")
    monkeypatch.setattr(tfbasics.lessons, "__path__", [*tfbasics.lessons.__path__,
                                                       str(tmp_path)])
    monkeypatch.setattr(tfbasics.lessons, "COURSE", ("broken", "autodiff"))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    code = main(["--no-figures"])
    out = capsys.readouterr().out
    assert code == 1
    assert "ERROR  ZeroDivisionError in a_broken_example: deliberately broken lesson" in out
    assert "PASS  one plus one" in out
    assert "autodiff — Automatic differentiation" in out  # the next lesson still ran
    assert "lessons that raised an error: broken" in out
    assert out.strip().splitlines()[-1] == "19 passed, 0 failed"

    code = main(["--no-figures", "--json", "broken"])
    document = json.loads(capsys.readouterr().out)
    assert code == 1 and document["errors"] == 1
    assert document["lessons"][0]["error"].startswith("ZeroDivisionError in a_broken_example")


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
    from tfbasics.plots import _write_atomically as write_atomically

    (tmp_path / "n.ipynb").write_bytes(b"old")

    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(tmp_path / "n.ipynb", b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["n.ipynb"]
    assert (tmp_path / "n.ipynb").read_bytes() == b"old"


def without_run_details(document):
    """Drop what may differ between runs: timings and where figures went."""
    for lesson in document["lessons"]:
        lesson["figures"] = [os.path.basename(path) for path in lesson["figures"]]
        for check in lesson["checks"]:
            check.pop("timing")
    return document


def test_two_runs_give_the_same_json_and_the_same_pngs(course, second_course):
    first, first_figures = course[:2]
    second, second_figures = second_course[:2]
    assert without_run_details(json.loads(json.dumps(second))) == without_run_details(
        json.loads(json.dumps(first)))
    names = sorted(p.name for p in first_figures.iterdir())
    assert names == sorted(p.name for p in second_figures.iterdir())
    for name in names:
        assert (first_figures / name).read_bytes() == (second_figures / name).read_bytes(), name


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, as a student's is."""

    def isatty(self):
        return True


def test_progress_shows_on_a_terminal_and_not_in_json(monkeypatch, capsys):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["variables", "--no-figures"]) == 0
    assert "\r\033[K  variables [6/6] placement_on_a_device …" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\033[K")  # the line is erased afterwards
    assert "…" not in capsys.readouterr().out  # the report itself stays clean

    terminal.seek(0)
    terminal.truncate()
    assert main(["variables", "--no-figures", "--json"]) == 0
    assert terminal.getvalue() == ""
    json.loads(capsys.readouterr().out)
