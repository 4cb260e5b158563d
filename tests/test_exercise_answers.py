"""The answer corpus: students' answers, right and wrong, each with the verdict it must get.

tests/exercise_answers/<exercise>/<answer>.py is a student's file whose first line says its
verdict: `# expect: PASS`, or `# expect: FAIL <words the diagnosis must contain>`. Each was
judged right or wrong independently of the grader (by NumPy, SymPy or a hand derivation,
noted in the file where it is not plain), so a grader that passes a wrong answer or rejects a
right one fails here.

Every file is graded by the real grading process, as `check` grades it, at SEEDS seeds in one
process (TensorFlow starts once, and two logical CPUs exist for the devices exercises): the
verdict must hold at every seed, since a verdict that depends on the random points is a bug.
conftest.py starts that process in the background when the tests are collected.

`pytest -m "not slow"` grades a few answers of each exercise (FAST) at the first seed only:
the one process then takes seconds, not minutes.
"""

import json
import sys
from pathlib import Path

import pytest

from tfbasics import exercises
from tfbasics.exercises.run import MARKER

CORPUS = Path(__file__).resolve().parent / "exercise_answers"
SEEDS = "0..19"  # 20 seeds: each right answer passes and each wrong one fails at all of them


def answers() -> list[Path]:
    """Every answer file, in a fixed order."""
    return sorted(CORPUS.glob("*/*.py"))


def expectation(path: Path) -> tuple[bool, str]:
    """Return (passes?, words the diagnosis must contain) from the file's first line."""
    first = path.read_bytes().split(b"\n")[0].decode("utf-8")  # some answers are not UTF-8
    assert first.startswith("# expect: "), f"{path}: the first line must say # expect: ..."
    verdict, _, words = first.removeprefix("# expect: ").partition(" ")
    assert verdict in ("PASS", "FAIL"), path
    return verdict == "PASS", words.strip()


def fast_answers() -> set[Path]:
    """The answers `pytest -m "not slow"` grades: each exercise's first right answer and
    first two wrong ones, in name order."""
    chosen: set[Path] = set()
    for folder in sorted({path.parent for path in answers()}):
        paths = sorted(folder.glob("*.py"))
        chosen.update([p for p in paths if expectation(p)[0]][:1])
        chosen.update([p for p in paths if not expectation(p)[0]][:2])
    return chosen


def corpus_command(items) -> tuple[list[str], list[Path]]:
    """The grading process's command for the selected test items, and the answers it grades
    in order: the answers they read, at every seed if a selected test reads every seed."""
    reading = [item for item in items if "exercise_corpus" in item.fixturenames]
    paths = sorted({item.callspec.params["path"] for item in reading})  # each reads one
    every_seed = any(item.originalname == test_each_verdict_holds_at_every_seed.__name__
                     for item in reading)
    seeds = SEEDS if every_seed else SEEDS.split("..")[0]
    return ([sys.executable, "-m", "tfbasics.exercises.run", seeds,
             *(f"{path.parent.name}={path}" for path in paths)], paths)


def read_verdicts(out: str, paths: list[Path]) -> dict[str, list[dict]]:
    """Return {answer's key: its verdicts, one per seed} from the process's output, in the
    order the process grades them (file by file, seed by seed)."""
    lines = [json.loads(line[len(MARKER):]) for line in out.splitlines()
             if line.startswith(MARKER)]
    count = len(lines) // max(1, len(paths))
    return {key(path): lines[i * count:(i + 1) * count] for i, path in enumerate(paths)}


def key(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def marked(paths: list[Path]) -> list:
    """The answers as parameters, slow but for FAST."""
    return [path if path in FAST else pytest.param(path, marks=pytest.mark.slow)
            for path in paths]


def test_the_corpus_covers_every_exercise_with_right_and_wrong_answers():
    names = {e.name for e in exercises.catalogue() if e.path.parent == exercises.BUILTIN}
    for name in names:
        kinds = [expectation(path)[0] for path in CORPUS.glob(f"{name}/*.py")]
        assert True in kinds and False in kinds, name
    assert {path.parent.name for path in answers()} <= names  # no folder for no exercise


FAST = fast_answers()


@pytest.mark.parametrize("path", marked(answers()), ids=key)
def test_each_answer_gets_its_verdict(path, exercise_corpus):
    passes, words = expectation(path)
    verdicts = exercise_corpus[key(path)]
    assert verdicts, f"{key(path)} was not graded"
    first = verdicts[0]
    message = first["message"]
    assert first["passed"] == passes, message
    assert words in message, (words, message)
    assert "\n" not in message and "Traceback" not in message, message
    assert "the check itself failed" not in message, message  # a student's doing, said so


@pytest.mark.slow
@pytest.mark.parametrize("path", answers(), ids=key)
def test_each_verdict_holds_at_every_seed(path, exercise_corpus):
    passes, words = expectation(path)
    verdicts = exercise_corpus[key(path)]
    assert len(verdicts) == len(range(*(lambda a, b: (a, b + 1))(
        *map(int, SEEDS.split(".."))))), key(path)
    for verdict in verdicts:
        assert verdict["passed"] == passes, (verdict["seed"], verdict["message"])
        assert words in verdict["message"], (verdict["seed"], words, verdict["message"])
