"""The runner as a student runs it: `python -m tfbasics.lessons` in a subprocess."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

RUNNER = [sys.executable, "-m", "tfbasics.lessons"]


def run(*args, cwd=None, env=None):
    """Run the CLI and return the completed process (text mode)."""
    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    environment.update(env or {})
    return subprocess.run([*RUNNER, *args], capture_output=True, text=True, cwd=cwd,
                          env=environment, timeout=300)


@pytest.fixture(scope="module")
def json_run(tmp_path_factory):
    """One JSON run of the autodiff lesson with figures into a temporary folder."""
    figures = tmp_path_factory.mktemp("figures")
    process = run("autodiff", "--json", "--figures", str(figures))
    return process, figures


@pytest.fixture(scope="module")
def text_run(tmp_path_factory):
    """One text run of the whole course, from a fresh folder, with default figures."""
    cwd = tmp_path_factory.mktemp("student")
    return run(cwd=cwd), cwd


def test_json_run_exits_0_and_parses(json_run):
    process, _ = json_run
    assert process.returncode == 0, process.stderr
    document = json.loads(process.stdout)
    assert document["failed"] == 0 and document["passed"] >= 18
    assert document["tensorflow"].startswith("2.")
    assert "CPU" in document["device"] or "GPU" in document["device"]
    [lesson] = document["lessons"]
    assert lesson["name"] == "autodiff" and lesson["title"]
    for check in lesson["checks"]:
        assert set(check) >= {"name", "passed", "computed", "expected", "max_abs_error",
                              "device"}
        assert check["passed"] is True and check["device"]


def test_json_carries_every_autodiff_value(json_run):
    process, _ = json_run
    [lesson] = json.loads(process.stdout)["lessons"]
    computed = [check["computed"] for check in lesson["checks"]]
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
    assert lesson["checks"][-1]["max_abs_error"] < 1e-5


def test_json_figure_is_a_real_png_where_asked(json_run):
    process, figures = json_run
    [lesson] = json.loads(process.stdout)["lessons"]
    assert lesson["figures"] == [str(figures / "autodiff_tanh.png")]
    data = (figures / "autodiff_tanh.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_text_run_reads_as_a_report(text_run):
    process, cwd = text_run
    assert process.returncode == 0, process.stderr
    lines = process.stdout.strip().splitlines()
    assert lines[0].startswith("tfbasics: TensorFlow 2.")
    assert lines[1].startswith("device: ")
    assert "PASS  dL/dw of L = 4w + w³ at w = 1" in process.stdout
    assert "FAIL" not in process.stdout
    assert lines[-1].endswith(" passed, 0 failed")
    assert (cwd / "figures" / "autodiff_tanh.png").stat().st_size > 10_000


def test_text_run_hides_tf_startup_lines(text_run):
    process, _ = text_run
    assert "oneDNN" not in process.stderr and "absl" not in process.stderr, process.stderr
    assert "WARNING:tensorflow" not in process.stderr, process.stderr


def test_list_names_lessons_in_course_order():
    process = run("--list")
    assert process.returncode == 0
    names = [line.split()[0] for line in process.stdout.splitlines()]
    assert names[:3] == ["tensors", "variables", "autodiff"]
    assert "autodiff  Automatic differentiation with tf.GradientTape" in process.stdout


def test_text_run_walks_the_course_in_order(text_run):
    process, _ = text_run
    titles = [line.split(" — ")[0] for line in process.stdout.splitlines() if " — " in line]
    assert titles[:3] == ["tensors", "variables", "autodiff"]
    passed = int(process.stdout.strip().splitlines()[-1].split()[0])
    assert passed >= 18 + 55


def test_list_and_help_do_not_import_tensorflow():
    code = ("import sys; from tfbasics.lessons.__main__ import main; main(['--list']); "
            "assert 'tensorflow' not in sys.modules, 'TF imported'")
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert process.returncode == 0, process.stderr


def test_unknown_lesson_exits_2_with_one_line():
    process = run("no_such_lesson")
    assert process.returncode == 2
    assert "Traceback" not in process.stderr
    [line] = process.stderr.strip().splitlines()
    assert "unknown lesson 'no_such_lesson'" in line and "autodiff" in line


def test_figures_under_a_file_exits_2(tmp_path):
    (tmp_path / "a_file").write_text("keep me")
    process = run("--figures", str(tmp_path / "a_file" / "figs"))
    assert process.returncode == 2 and "is a file" in process.stderr
    assert (tmp_path / "a_file").read_text() == "keep me"


def test_gpu_without_a_gpu_exits_2(json_run):
    if any("GPU" in device for device in json.loads(json_run[0].stdout)["devices"]):
        pytest.skip("this machine has a GPU")
    process = run("--device", "gpu", "--no-figures")
    assert process.returncode == 2
    [line] = process.stderr.strip().splitlines()
    assert "sees no GPU" in line and "--device cpu" in line


def test_readme_lesson_table_counts_are_true(text_run):
    process, _ = text_run
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = {name: int(count) for name, count in
             re.findall(r"^\| `(\w+)` \| \[.*?\]\(.*?\) \| (\d+) \|$", readme, re.M)}
    counts, lesson = {}, None
    for line in process.stdout.splitlines():
        if " — " in line and not line.startswith(" "):
            lesson = line.split(" — ")[0]
        elif line.startswith(("  PASS  ", "  FAIL  ")):
            counts[lesson] = counts.get(lesson, 0) + 1
    assert table == counts
