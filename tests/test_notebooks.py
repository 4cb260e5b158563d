"""The lesson notebooks: committed ones equal a fresh export, and each runs top to bottom."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from tfbasics.lessons import COURSE

ROOT = Path(__file__).resolve().parent.parent
EXECUTE = """
import sys, nbformat, nbclient
notebook = nbformat.read(sys.argv[1], as_version=4)
nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(notebook, sys.argv[3])
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A fresh export of every lesson, through the runner."""
    folder = tmp_path_factory.mktemp("notebooks")
    process = run_cli("--export-notebooks", str(folder))
    assert process.returncode == 0, process.stderr
    return folder


def test_committed_notebooks_are_a_fresh_export(exported):
    committed = sorted((ROOT / "lessons").glob("*.ipynb"))
    assert [p.name for p in committed] == [f"{i:02d}_{name}.ipynb"
                                           for i, name in enumerate(COURSE, start=1)]
    for path in committed:
        assert path.read_bytes() == (exported / path.name).read_bytes(), path.name


def test_notebooks_have_prose_code_and_no_outputs(exported):
    notebook = json.loads((exported / "03_autodiff.ipynb").read_text(encoding="utf-8"))
    cells = notebook["cells"]
    assert cells[0]["cell_type"] == "markdown"
    assert "".join(cells[0]["source"]).startswith("# Automatic differentiation")
    sources = ["".join(cell["source"]) for cell in cells]
    at = sources.index("## Gradient of a cubic\n\nRecord L = 4w + w³ on a tape and ask it for "
                       "dL/dw at w = 1.")
    assert sources[at + 1].startswith("def gradient_of_a_cubic()")
    assert sources[at + 2] == "print_checks(gradient_of_a_cubic())"
    assert all(cell.get("outputs", []) == [] for cell in cells if cell["cell_type"] == "code")


def test_every_notebook_runs_top_to_bottom(exported, tmp_path):
    """Run all notebooks, each in its own kernel, two processes at a time."""
    running = []
    for path in sorted(exported.glob("*.ipynb")):
        cwd = tmp_path / path.stem
        cwd.mkdir()
        running.append((path, subprocess.Popen(
            [sys.executable, "-c", EXECUTE, str(path), str(cwd), str(cwd / path.name)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    failures = []
    for path, process in running:
        _, err = process.communicate(timeout=900)
        if process.returncode != 0:
            failures.append(f"{path.name}: {err.strip().splitlines()[-1:]}")
            continue
        executed = json.loads((tmp_path / path.stem / path.name).read_text(encoding="utf-8"))
        text = "".join("".join(output.get("text", "")) for cell in executed["cells"]
                       for output in cell.get("outputs", []))
        if "PASS" not in text or "FAIL" in text:
            failures.append(f"{path.name}: a check did not pass")
    assert failures == []
    assert (tmp_path / "03_autodiff" / "figures" / "autodiff_tanh.png").stat().st_size > 10_000
