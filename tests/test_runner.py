"""The runner as a student runs it: `python -m tfbasics.lessons` in a subprocess."""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli

from tfbasics.lessons import COURSE

README = Path(__file__).resolve().parent.parent / "README.md"


def test_course_json_has_every_field(course):
    document = course[0]
    assert document["failed"] == 0 and document["errors"] == 0
    assert document["passed"] == sum(len(lesson["checks"]) for lesson in document["lessons"])
    assert document["tensorflow"].startswith("2.")
    assert "CPU" in document["device"] or "GPU" in document["device"]
    assert [lesson["name"] for lesson in document["lessons"]] == list(COURSE)
    for lesson in document["lessons"]:
        assert lesson["title"] and lesson["error"] is None
        for check in lesson["checks"]:
            assert set(check) >= {"name", "passed", "computed", "expected", "max_abs_error",
                                  "device"}
            assert check["passed"] is True and check["device"], check


def test_json_carries_every_autodiff_value(lesson_checks):
    checks = lesson_checks["autodiff"]
    computed = [check["computed"] for check in checks]
    expected_values = [
        7.0,  # a: 4 + 3w² at w = 1
        1.0, 4.0,  # b: (1, 2·w2)
        -2.0, None, None, None, None,  # c: 2(w1 + c1), then four None gradients
        -108.0,  # d: 4w³ at w = -3
        10.0, [2.0, -6.0],  # e: Σw², 2w
        [-2.0, 1.0], -2.0,  # f: [2w, w⁴], 2 + 4w³ at w = -1
        [2.0, 2.0], [4.0, -12.0], [8.0, -24.0], "RuntimeError",  # g: persistent tape
    ]
    assert len(computed) == len(expected_values) + 1  # + h, the tanh grid
    for got, want in zip(computed[:-1], expected_values, strict=True):
        if want is None or isinstance(want, str):
            assert got == want
        else:
            np.testing.assert_allclose(got, want, rtol=1e-6)
    w = np.linspace(-10.0, 10.0, 129)
    np.testing.assert_allclose(computed[-1], 1 / np.cosh(w) ** 2, rtol=1e-5, atol=1e-6)
    assert checks[-1]["max_abs_error"] < 1e-5


def test_every_figure_is_a_real_png_where_asked(course):
    document, figures = course[:2]
    written = [path for lesson in document["lessons"] for path in lesson["figures"]]
    assert sorted(Path(p).name for p in written) == sorted(p.name for p in figures.iterdir())
    assert str(figures / "autodiff_tanh.png") in written
    for path in written:
        data = Path(path).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_committed_figures_are_the_ones_the_runner_draws(course):
    figures = course[1]
    committed = Path(__file__).resolve().parent.parent / "figures"
    assert sorted(p.name for p in committed.glob("*.png")) == sorted(
        p.name for p in figures.iterdir())


def test_json_run_is_quiet(course):
    stderr = course[2]
    assert stderr == "", stderr


def test_text_run_reads_as_a_report(text_run):
    stdout, stderr, code, cwd = text_run
    assert code == 0, stderr
    lines = stdout.strip().splitlines()
    assert lines[0].startswith("tfbasics: TensorFlow 2.")
    assert lines[1].startswith("device: ")
    assert "autodiff — Automatic differentiation with tf.GradientTape" in lines
    assert "  PASS  dL/dw of L = 4w + w³ at w = 1" in lines
    assert "FAIL" not in stdout
    assert lines[-1] == "18 passed, 0 failed"
    assert "  figure: figures/autodiff_tanh.png" in lines
    assert (cwd / "figures" / "autodiff_tanh.png").stat().st_size > 10_000


def test_text_run_hides_tf_startup_lines(text_run):
    stderr = text_run[1]
    assert stderr == "", stderr


def test_list_names_lessons_in_course_order():
    process = run_cli("--list")
    assert process.returncode == 0
    names = [line.split()[0] for line in process.stdout.splitlines()]
    assert names == list(COURSE)
    assert names[:4] == ["tensors", "variables", "autodiff", "advanced_autodiff"]
    assert "autodiff  Automatic differentiation with tf.GradientTape" in process.stdout


def test_list_and_help_do_not_import_tensorflow():
    code = ("import sys; from tfbasics.lessons.__main__ import main; main(['--list']); "
            "assert 'tensorflow' not in sys.modules, 'TF imported'")
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert process.returncode == 0, process.stderr


def test_unknown_lesson_exits_2_with_one_line():
    process = run_cli("no_such_lesson")
    assert process.returncode == 2
    assert "Traceback" not in process.stderr
    [line] = process.stderr.strip().splitlines()
    assert "unknown lesson 'no_such_lesson'" in line and "autodiff" in line


def test_figures_under_a_file_exits_2(tmp_path):
    (tmp_path / "a_file").write_text("keep me")
    process = run_cli("--figures", str(tmp_path / "a_file" / "figs"))
    assert process.returncode == 2 and "is a file" in process.stderr
    assert (tmp_path / "a_file").read_text() == "keep me"


def test_gpu_without_a_gpu_exits_2(course, capsys):
    from tfbasics.lessons.__main__ import main

    if any("GPU" in device for device in course[0]["devices"]):
        pytest.skip("this machine has a GPU")
    with pytest.raises(SystemExit) as exit_:
        main(["--device", "gpu", "--no-figures"])
    assert exit_.value.code == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "sees no GPU" in line and "--device cpu" in line


def test_readme_lesson_table_counts_are_true(lesson_checks):
    text = README.read_text(encoding="utf-8")
    table = {name: int(count) for name, count in
             re.findall(r"^\| `(\w+)` \| \[.*?\]\(.*?\) \| (\d+) \|$", text, re.M)}
    assert table == {name: len(checks) for name, checks in lesson_checks.items()}


def test_json_document_is_plain_json(course):
    json.loads(course[3], parse_constant=lambda name: pytest.fail(f"non-JSON {name}"))
