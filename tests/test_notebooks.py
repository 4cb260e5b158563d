"""The lesson notebooks: committed ones equal a fresh export, and each runs top to bottom."""

import json
from pathlib import Path

import pytest
from conftest import run_cli

from tfbasics.lessons import COURSE

ROOT = Path(__file__).resolve().parent.parent


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


def test_every_notebook_runs_top_to_bottom(executed_notebooks):
    """Each committed notebook, run in its own kernel, with every check passing."""
    assert sorted(executed_notebooks) == [p.name for p in sorted((ROOT / "lessons").glob(
        "*.ipynb"))]
    failures = []
    for name, (executed, error, _) in executed_notebooks.items():
        if executed is None:
            failures.append(f"{name}: {error}")
            continue
        text = "".join("".join(output.get("text", "")) for cell in executed["cells"]
                       for output in cell.get("outputs", []))
        if "PASS" not in text or "FAIL" in text:
            failures.append(f"{name}: a check did not pass")
    assert failures == []
    folder = executed_notebooks["03_autodiff.ipynb"][2]
    assert (folder / "figures" / "autodiff_tanh.png").stat().st_size > 10_000
