"""The lesson notebooks: a fresh export each, and each runs top to bottom in a real kernel."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, top_level_names

from tfbasics.course import lesson as lessons
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
    assert [p.name for p in committed] == sorted(
        [f"{i:02d}_{name}.ipynb" for i, name in enumerate(COURSE, start=1)]
        + [f"{i:02d}_{name}_exercises.ipynb" for i, name in enumerate(COURSE, start=1)])
    assert sorted(p.name for p in exported.iterdir()) == [p.name for p in committed]
    for path in committed:
        assert path.read_bytes() == (exported / path.name).read_bytes(), path.name


def test_a_notebook_reads_as_the_lesson(exported):
    notebook = json.loads((exported / "03_autodiff.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(cell["source"]) for cell in notebook["cells"]]
    kinds = [cell["cell_type"] for cell in notebook["cells"]]
    assert sources[0].startswith("# Automatic differentiation with tf.GradientTape")
    # the first cell: ordinary imports, TF's start-up lines hidden by a public helper first
    assert "from tfbasics import import_tensorflow_quietly\n" in sources[1]
    assert "import keras" in sources[2] and "import tensorflow as tf" in sources[2]
    assert "tfbasics.course" not in sources[2] and "check_close" not in sources[2]
    hidden = [cell.get("metadata", {}).get("jupyter", {}).get("source_hidden", False)
              for cell in notebook["cells"]]
    assert hidden[3] and "check_close" in sources[3]  # the checks' own imports, collapsed
    assert "import tensorflow" not in sources[3]  # not imported twice
    outline = lessons.outline("autodiff")
    for example in outline.examples:  # its explanation as Markdown, its code, its checks
        at = sources.index(f"## 3.{example.number} {example.heading}\n\n{example.explanation}")
        assert kinds[at] == "markdown" and kinds[at + 1] == "code"
        if example.code:
            assert sources[at + 1] == example.code and not hidden[at + 1]
            at += 1
        assert hidden[at + 1] and example.verify in sources[at + 1]
        assert "check_close" not in example.code and "show(" not in example.code
    first = outline.examples[0].code
    assert first.startswith("w = tf.Variable(1.0)") and first.endswith("print(dL_dw)")
    assert "$$\\frac{dL}{dw} = 4 + 3w^2" in "".join(sources)  # LaTeX where it helps
    assert all(cell.get("outputs", []) == [] for cell in notebook["cells"]
               if cell["cell_type"] == "code")


def test_the_devices_notebook_keeps_its_plumbing_out_of_sight(exported):
    notebook = json.loads((exported / "08_devices.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(cell["source"]) for cell in notebook["cells"]
                     if cell["cell_type"] == "code")
    assert "subprocess" not in code and "Popen" not in code and "socket" not in code


def test_notebook_figures_stay_out_of_git():
    ignored = subprocess.run(["git", "check-ignore", "lessons/figures/x.png"], cwd=ROOT,
                             capture_output=True, text=True)
    assert ignored.returncode == 0, "lessons/figures/ must be in .gitignore"


def test_every_notebook_runs_top_to_bottom(executed_notebooks, lesson_checks):
    """Each committed notebook, run in its own kernel: every check passes, nothing on stderr,
    and the first example's variables are there to inspect afterwards."""
    assert sorted(executed_notebooks) == [f"{i:02d}_{name}.ipynb"
                                          for i, name in enumerate(COURSE, start=1)]
    failures = []
    for name, (executed, error, _) in executed_notebooks.items():
        lesson = name[3:-len(".ipynb")]
        if executed is None:
            failures.append(f"{name}: {error}")
            continue
        outputs = [output for cell in executed["cells"] for output in cell.get("outputs", [])]
        quiet = next(cell for cell in executed["cells"] if cell["cell_type"] == "code")
        if quiet.get("outputs"):  # hiding TF's start-up shows nothing, not even the module
            failures.append(f"{name}: the first cell shows {str(quiet['outputs'])[:200]}")
        text = "".join("".join(output.get("text", "")) for output in outputs)
        stderr = [o for o in outputs if o.get("name") == "stderr" or o["output_type"] == "error"]
        if stderr:
            failures.append(f"{name}: stderr or error output: {str(stderr[0])[:300]}")
        claims = "".join("".join(output.get("text", "")) for cell in executed["cells"]
                         if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden")
                         for output in cell.get("outputs", []))  # the check cells' claims
        passes = sum(line.startswith("✓ ") for line in claims.splitlines())
        if re.search(r"^✗ ", claims, re.M) or passes != len(lesson_checks[lesson]):
            failures.append(f"{name}: {passes} PASS for {len(lesson_checks[lesson])} checks")
        probe = next(line for line in text.splitlines() if line.startswith("PROBE "))
        assigned = top_level_names(lessons.outline(lesson).examples[0].code)
        if json.loads(probe[len("PROBE "):]) != assigned:
            failures.append(f"{name}: after the first example, {probe} not {assigned}")
    assert failures == []
    folder = executed_notebooks["03_autodiff.ipynb"][2]
    assert (folder / "figures" / "autodiff_tanh.png").stat().st_size > 10_000
