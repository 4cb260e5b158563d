"""The runner as a student runs it: `python -m tfbasics.lessons`, in a subprocess or in-process."""

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli, slow_but

from tfbasics.course import lesson as lessons
from tfbasics.course.cli import main, resolve
from tfbasics.lessons import COURSE

ROOT = Path(__file__).resolve().parent.parent
ESCAPE = "\x1b["


# --- the JSON document: a contract scripts rely on --------------------------------------------

def assert_every_field(document, names):
    """Assert that a `--json` document has every field, for the lessons `names` in order."""
    assert document["failed"] == 0 and document["errors"] == 0
    assert document["passed"] == sum(len(lesson["checks"]) for lesson in document["lessons"])
    assert document["tensorflow"].startswith("2.") and document["numpy"]
    assert "CPU" in document["device"] or "GPU" in document["device"]
    assert [lesson["name"] for lesson in document["lessons"]] == names
    for lesson in document["lessons"]:
        assert lesson["title"] and lesson["error"] is None
        assert [e["name"] for e in lesson["examples"]] == [
            e.name for e in lessons.outline(lesson["name"]).examples]
        for check in lesson["checks"]:
            assert set(check) == {"name", "passed", "computed", "expected", "max_abs_error",
                                  "device", "note", "timing", "example", "by"}
            if check["passed"] and check["computed"] != check["expected"]:  # raised an error
                assert check["by"], f"{check['name']} does not say where its answer comes from"
            assert check["passed"] is True and check["device"], check
        assert all(set(e) == {"name", "error", "figure", "checks", "output"}
                   for e in lesson["examples"])
        checks = [check["name"] for check in lesson["checks"]]
        assert len(checks) == len(set(checks)), f"{lesson['name']} repeats a check name"


def test_course_json_has_every_field(course):
    assert_every_field(course[0], list(COURSE))


def test_one_lessons_json_in_process_has_every_field(monkeypatch, capsys):
    # the same contract, fast: one light lesson through main() in this process
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    assert main(["variables", "--json", "--no-figures"]) == 0
    assert_every_field(json.loads(capsys.readouterr().out), ["variables"])


def test_json_carries_the_first_gradient_and_its_output(course, lesson_checks):
    [first] = [c for c in lesson_checks["autodiff"] if c["example"] == "gradient_of_a_cubic"]
    np.testing.assert_allclose(first["computed"], 7.0, rtol=1e-6)  # 4 + 3·1²
    [autodiff] = [lesson for lesson in course[0]["lessons"] if lesson["name"] == "autodiff"]
    # what TF itself prints for the gradient, captured from the run
    assert autodiff["examples"][0]["output"] == "tf.Tensor(7.0, shape=(), dtype=float32)\n"
    tanh = [c for c in lesson_checks["autodiff"] if c["example"] == "tanh_sensitivity"
            and np.size(c["computed"]) == 129]
    w = np.linspace(-10.0, 10.0, 129)
    np.testing.assert_allclose(tanh[0]["computed"], 1 / np.cosh(w) ** 2, rtol=1e-5, atol=1e-6)


def test_every_figure_is_a_real_png_where_asked(course):
    document, figures = course[:2]
    written = [path for lesson in document["lessons"] for path in lesson["figures"]]
    assert sorted(Path(p).name for p in written) == sorted(p.name for p in figures.iterdir())
    for path in written:
        data = Path(path).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_committed_figures_are_the_ones_the_runner_draws(course):
    assert sorted(p.name for p in (ROOT / "figures").glob("*.png")) == sorted(
        p.name for p in course[1].iterdir())


def test_json_run_is_quiet_and_plain_json(course):
    assert course[2] == "", course[2]
    json.loads(course[3], parse_constant=lambda name: pytest.fail(f"non-JSON {name}"))


def test_readme_lesson_table_counts_are_true(lesson_checks):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = {name: int(count) for name, count in
             re.findall(r"^\| `(\w+)` \| .*? \| (\d+) \|$", text, re.M)}
    assert table == {name: len(checks) for name, checks in lesson_checks.items()}


# --- the lesson view, as a student reads it ----------------------------------------------------

def test_the_default_run_is_the_lesson(text_run):
    stdout, stderr, code, cwd = text_run
    assert code == 0 and stderr == "", stderr
    outline = lessons.outline("autodiff")
    assert stdout.startswith("tfbasics · TensorFlow 2.")
    assert "3 · Automatic differentiation with tf.GradientTape" in stdout
    assert "Guide: https://www.tensorflow.org/guide/autodiff" in stdout
    flat = " ".join(stdout.split())
    for example in outline.examples:  # every example: heading, explanation, code, results
        assert f"3.{example.number} {example.heading}" in flat
        assert " ".join(example.prose.replace("`", "").split()[:12]) in flat
        assert " ".join(example.code.splitlines()[0].split()) in flat
    assert "w = tf.Variable(1.0)" in stdout and "dL_dw = tape.gradient(L, w)" in stdout
    assert "  Out tf.Tensor(7.0, shape=(), dtype=float32)\n" in stdout  # TF's own output
    assert "✓ dL/dw at w = 1 is 7.0, by hand 4 + 3·1²" in stdout
    assert "✗" not in stdout and ESCAPE not in stdout  # piped: no colours
    assert "python -m tfbasics.exercises start cubic_derivative" in stdout  # practice next
    assert stdout.strip().splitlines()[-1] == f"{len(_checks('autodiff'))} passed, 0 failed"
    assert (cwd / "figures" / "autodiff_tanh.png").stat().st_size > 10_000


def _checks(name):
    """The checks a lesson's examples make (each example runs twice, see conftest)."""
    from conftest import checks_of

    module = lessons.load(name)
    return [check for example in module.EXAMPLES if example.__code__.co_argcount == 0
            for check in checks_of(example)]


@pytest.mark.parametrize("columns", slow_but([60, 100], 0))
def test_code_is_shown_as_written_at_any_width(columns, monkeypatch, capsys):
    # never re-wrapped: each line of each example's code is a line of the output, as written
    # (a narrower terminal soft-wraps it, as less does); prose fits the width
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    assert main(["autodiff", "graphs", "--no-figures", "--no-pager"]) == 0
    lines = capsys.readouterr().out.splitlines()
    code_lines = set()
    for name in ("autodiff", "graphs"):
        outline = lessons.outline(name)
        for text in [outline.imports, *(e.code for e in outline.examples if not e.figure)]:
            code_lines |= {"    " + line for line in text.splitlines() if line.strip()}
            missing = [line for line in text.splitlines()
                       if line.strip() and "    " + line not in lines]
            assert missing == [], (name, missing)
            assert all(len(line) <= 80 for line in text.splitlines()), name
    prose = [line for line in lines if line not in code_lines
             and not line.startswith(("    ", "  Out "))]  # code and TF's output, verbatim
    assert [line for line in prose if len(line) > columns and "✓" not in line] == []
    assert all(line == line.rstrip() for line in lines)  # no padding to the width


class Terminal(io.StringIO):
    """A stdout that says it is a terminal, as a student's is."""

    def isatty(self):
        return True


def test_colours_on_a_terminal_and_none_with_no_color(monkeypatch):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["autodiff.gradient_of_a_cubic"]) == 0
    assert ESCAPE in terminal.getvalue()  # PASS in colour, code highlighted
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Terminal()
    monkeypatch.setattr(sys, "stdout", plain)
    assert main(["autodiff.gradient_of_a_cubic"]) == 0
    assert ESCAPE not in plain.getvalue() and "✓ dL/dw" in plain.getvalue()


def test_brief_keeps_the_check_list(monkeypatch, capsys):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    assert main(["variables", "--brief", "--no-figures"]) == 0
    out = capsys.readouterr().out
    first_line = lessons.outline("variables").examples[0].code.splitlines()[0]
    assert "variables — Introduction to variables" in out and "✓ " in out
    assert first_line not in out and "Guide:" not in out  # no code and no explanations
    assert main(["variables", "--brief", "--show-code", "--no-figures"]) == 0
    assert first_line in capsys.readouterr().out


# --- choosing what to run ----------------------------------------------------------------------

def test_one_example_by_name_in_any_case(monkeypatch, capsys):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    assert main(["AutoDiff.Persistent_Tape", "--json", "--no-figures"]) == 0
    document = json.loads(capsys.readouterr().out)
    [lesson] = document["lessons"]
    assert lesson["name"] == "autodiff"
    assert {check["example"] for check in lesson["checks"]} == {"persistent_tape"}


def test_lessons_run_in_the_order_typed(monkeypatch, capsys):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    assert main(["variables", "tensors.basic_math", "--json", "--no-figures"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [lesson["name"] for lesson in document["lessons"]] == ["variables", "tensors"]


@pytest.mark.parametrize("typed, words", slow_but([  # each a fresh process
    ("autodif", "unknown lesson 'autodif' (did you mean autodiff?)"),
    ("Tensor", "unknown lesson 'Tensor' (did you mean tensors?)"),
    ("autodiff.persistant_tape", "(did you mean autodiff.persistent_tape?)"),
    ("autodiff.nothing_like_it", "`--list autodiff` shows autodiff's 22 examples"),
    ("3.99", "unknown example '3.99'; `--list autodiff` shows"),
    ("nonsense", "unknown lesson 'nonsense'; lessons: tensors, variables"),
], 0, 4))
def test_a_misspelt_name_gets_a_suggestion(typed, words):
    process = run_cli(typed)
    assert process.returncode == 2 and "Traceback" not in process.stderr
    [line] = process.stderr.strip().splitlines()
    assert words in line


def test_list_is_aligned_and_counts_examples():
    process = run_cli("--list")
    assert process.returncode == 0
    lines = process.stdout.splitlines()
    assert lines[0].split() == ["#", "lesson", "examples", "title"]
    rows = [line.split(maxsplit=3) for line in lines[1:]]
    assert [row[1] for row in rows] == list(COURSE)
    assert [int(row[2]) for row in rows] == [len(lessons.outline(n).examples) for n in COURSE]
    assert len({line.index(row[3]) for line, row in zip(lines[1:], rows, strict=True)}) == 1
    as_json = json.loads(run_cli("--list", "--json").stdout)
    assert [entry["name"] for entry in as_json] == list(COURSE)
    assert as_json[2]["examples"][0] == "gradient_of_a_cubic"
    assert as_json[2]["guide"] == "https://www.tensorflow.org/guide/autodiff"


def test_the_numbers_a_student_sees_select_lessons_and_examples():
    # the headings say "3.9 Persistent tapes"; 3.9, autodiff.9 and 3 are what a student types
    for typed, expected in (("3.9", [("autodiff", ["persistent_tape"])]),
                            ("autodiff.9", [("autodiff", ["persistent_tape"])]),
                            ("3", [("autodiff", None)])):
        assert resolve([typed]) == expected, typed
    outline = lessons.outline("autodiff")
    assert outline.examples[8].name == "persistent_tape"  # the ninth, as the heading says
    assert outline.number == 3
    listed = run_cli("--list", "autodiff")
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("3  ") and len(lines) == 1 + len(outline.examples)
    assert lines[9].split()[:2] == ["3.9", "autodiff.persistent_tape"]


def test_list_and_help_do_not_import_tensorflow_or_rich():
    code = ("import sys; from tfbasics.course.cli import main; main(['--list']); "
            "assert 'tensorflow' not in sys.modules and 'rich' not in sys.modules")
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert process.returncode == 0, process.stderr


def test_figures_under_a_file_exits_2(tmp_path):
    (tmp_path / "a_file").write_text("keep me")
    process = run_cli("--figures", str(tmp_path / "a_file" / "figs"))
    assert process.returncode == 2 and "is a file" in process.stderr
    assert (tmp_path / "a_file").read_text() == "keep me"


def test_gpu_without_a_gpu_exits_2(course, capsys):
    if any("GPU" in device for device in course[0]["devices"]):
        pytest.skip("this machine has a GPU")
    with pytest.raises(SystemExit) as exit_:
        main(["--device", "gpu", "--no-figures"])
    assert exit_.value.code == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "sees no GPU" in line and "--device cpu" in line


def test_ctrl_c_stops_with_one_line_and_130(interrupted_run):
    code, stdout, stderr = interrupted_run
    assert code == 130, stderr
    last = stderr.strip().splitlines()[-1]  # one line: what had run when it stopped
    assert re.fullmatch(r"interrupted after \d+ examples: \d+ checks passed, 0 failed", last)
    assert int(last.split()[2]) >= 1  # the first example had finished
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert "1 · Introduction to tensors" in stdout  # it was running the course


def test_ctrl_c_with_json_prints_the_lessons_that_finished(monkeypatch, capsys):
    # Ctrl-C pressed while the second lesson starts: the first one's results are not lost
    real_run = lessons.run

    def run_then_interrupt(name, *args, **kwargs):
        if name == "graphs":
            raise KeyboardInterrupt
        return real_run(name, *args, **kwargs)

    monkeypatch.setattr(lessons, "run", run_then_interrupt)
    assert main(["variables", "graphs", "--json", "--no-figures"]) == 130
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["interrupted"] is True
    assert [lesson["name"] for lesson in document["lessons"]] == ["variables"]
    assert document["passed"] == len(document["lessons"][0]["checks"]) > 0
    assert captured.err.strip().splitlines()[-1].startswith("interrupted after ")


def test_a_reader_that_stops_early_gets_141_and_no_traceback(closed_pipe):
    # `python -m tfbasics.lessons variables | head -3`: the runner stops quietly when the pipe
    # closes, with 128 + SIGPIPE as `yes | head` does, not 1 (which means a check failed)
    assert closed_pipe["lines"][0].startswith("tfbasics · TensorFlow")
    assert closed_pipe["code"] == 141, closed_pipe["err"]
    assert "Traceback" not in closed_pipe["err"] and "BrokenPipe" not in closed_pipe["err"]


@pytest.mark.slow
def test_an_example_shows_the_lessons_definitions_it_uses_once(monkeypatch, capsys):
    # 4.2 and 4.3 both use clip_gradients (a @tf.custom_gradient): it is printed above 4.2's
    # code, once; 4.3 adds the MyModule it defines besides
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    assert main(["advanced_autodiff.custom_gradient_clipping",
                 "advanced_autodiff.custom_gradients_in_a_saved_model", "--no-figures"]) == 0
    out = capsys.readouterr().out
    fourth = lessons.outline("advanced_autodiff").examples[1].code.splitlines()[0]
    assert out.count("def clip_gradients(y):") == 1 and out.count("@tf.custom_gradient") == 1
    assert out.index("def clip_gradients(y):") < out.index(fourth)
    assert out.index("4.3  ") < out.index("class MyModule(tf.Module):")
