"""A differential run of the verifier: old code against new, verdict by verdict, text by text.

A refactor of `tfbasics.gradcheck` is pure when every verdict and every word of every report
stays the same. This script runs a fixed, seeded list of random checks and writes one JSON
line per check: `check_gradient` (passed, culprit, worst element, kinks, note, blame, mode,
Taylor order, the printed report) and `taylor_test` (passed, order, note, the printed
report), or the error a check raised. The problems come from `bench/hunt_verifier.py`:
random expressions built in TF and SymPy with a large offset, a high frequency or a
singularity near the point, here also with a kink at the point; the right formula, a wrong
one, none at all, and a wrong tape (a doubled `tf.custom_gradient`); float32 and float64;
tensors, NumPy arrays and `tf.Variable` arguments; full, fast and auto mode.

    PYTHONPATH=OLD_TREE python bench/differential.py --count 1000 --seed 0 --out old.jsonl
    PYTHONPATH=NEW_TREE python bench/differential.py --count 1000 --seed 0 --out new.jsonl
    python bench/differential.py --compare old.jsonl new.jsonl

`--compare` prints every check whose verdict or text differs and exits 1 if any does.
The cases drawn depend on the seed only, never on the code under test.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

import numpy as np


def _hunt():
    """Load bench/hunt_verifier.py (bench is not a package) for its case generators."""
    spec = importlib.util.spec_from_file_location(
        "hunt_verifier", Path(__file__).with_name("hunt_verifier.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def with_kink(case: dict) -> dict:
    """Add |w₀ - p₀| to f: a kink exactly at the point, where any slope in [-1, 1] is right."""
    import tensorflow as tf

    f, p0 = case["f"], float(case["point"][0])

    def kinked(w):
        return f(w) + tf.abs(w[0] - tf.constant(p0, w.dtype))
    return dict(case, f=kinked, extra=case["extra"] + "+kink")


def problems(rng: np.random.Generator):
    """Yield (case, argument maker, mode, trials) forever: each trial a dict of what to run."""
    hunt = _hunt()
    while True:
        case = hunt.make_case(rng)
        if case is None:
            continue
        if rng.random() < 0.12:
            case = with_kink(case)
        f, right, point = case["f"], case["right"], case["point"]
        truth = right(point)
        if not np.all(np.isfinite(truth)):
            continue
        maker = str(rng.choice(["tensor", "numpy", "variable"]))
        mode = str(rng.choice(["full", "fast", "auto"]))
        wrong_at = int(rng.integers(case["count"]))
        delta = float(rng.choice([1e-2, 0.1, 0.5])) * float(rng.choice([-1, 1]))

        def wrong(w, right=right, wrong_at=wrong_at, delta=delta):
            g = right(w).copy()
            g[wrong_at] += delta * max(abs(g[wrong_at]), 1e-2 * np.max(np.abs(g)), 1e-3)
            return g
        trials = [("right", dict(analytic=right)), ("wrong formula", dict(analytic=wrong)),
                  ("no formula", dict(analytic=None))]
        if np.max(np.abs(truth)) > 1e-3:
            trials.append(("wrong tape", dict(analytic=right, f=hunt.doubled_tape(f))))
        if "kink" not in case["extra"] and case["extra"] in ("none", "offset"):
            trials.append(("taylor right", dict(taylor=right)))
            trials.append(("taylor wrong", dict(taylor=lambda w, right=right: right(w) + 0.1
                                                * np.maximum(np.abs(right(w)), 1.0))))
        yield case, maker, mode, trials


def run_one(case: dict, maker: str, mode: str, what: str, trial: dict) -> dict:
    """Run one check; return its verdict and texts as a JSON-ready dict."""
    import tensorflow as tf

    from tfbasics.gradcheck import check_gradient
    from tfbasics.taylor import taylor_test

    point = case["point"]
    row = {"expr": case["expr"], "extra": case["extra"], "point": point.tolist(),
           "dtype": case["dtype"], "maker": maker, "mode": mode, "trial": what}
    try:
        if "taylor" in trial:
            test = taylor_test(case["f"], point, gradient=trial["taylor"])
            row.update(passed=bool(test.passed), order=test.order, note=test.note,
                       text=str(test))
            return row
        arg = {"tensor": lambda: tf.constant(point), "numpy": lambda: np.array(point),
               "variable": lambda: tf.Variable(point)}[maker]()
        result = check_gradient(trial.get("f", case["f"]), arg, analytic=trial["analytic"],
                                mode=mode)
        row.update(passed=bool(result.passed), culprit=result.culprit, worst=result.worst,
                   kinks=list(result.kinks), note=result.note, blame=result.blame,
                   checked_mode=result.mode, taylor_order=result.taylor_order,
                   skipped=result.skipped, text=str(result))
    except Exception as error:  # noqa: BLE001 - an error is a verdict too, and must not change
        row.update(error=f"{type(error).__name__}: {error}")
    return row


def run(count: int, seed: int, out: Path) -> int:
    """Write `count` checks' verdicts to `out`, one JSON line each."""
    rng = np.random.default_rng(seed)
    started, written = time.time(), 0
    with out.open("w") as stream:
        for case, maker, mode, trials in problems(rng):
            for what, trial in trials:
                row = run_one(case, maker, mode, what, trial)
                row["index"] = written
                stream.write(json.dumps(row, sort_keys=True, default=repr) + "\n")
                written += 1
            stream.flush()
            if written >= count:
                break
    import tfbasics

    print(f"differential: {written} checks of {Path(tfbasics.__file__).parent} in "
          f"{time.time() - started:.0f} s -> {out}")
    return 0


def compare(old: Path, new: Path) -> int:
    """Print every check whose verdict or text differs between two runs; 1 if any does."""
    a = [json.loads(line) for line in old.read_text().splitlines()]
    b = [json.loads(line) for line in new.read_text().splitlines()]
    differ = 0
    if len(a) != len(b):
        print(f"{old} has {len(a)} checks, {new} has {len(b)}")
        differ += 1
    for x, y in zip(a, b, strict=False):  # a shorter run is reported above
        if x != y:
            differ += 1
            keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
            print(f"#{x.get('index')} {x.get('trial')}: {x.get('expr')} + {x.get('extra')} "
                  f"{x.get('dtype')} {x.get('maker')} {x.get('mode')}")
            for key in keys:
                print(f"  {key}:\n    old: {x.get(key)!r}\n    new: {y.get(key)!r}")
    print(f"compare: {min(len(a), len(b))} checks, {differ} differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/differential.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="checks to run (at least)")
    parser.add_argument("--seed", type=int, default=0, help="the seed that draws the checks")
    parser.add_argument("--out", type=Path, help="the JSON-lines file to write")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"),
                        help="compare two runs' files instead of running")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        parser.error("--out FILE is needed to run (or --compare OLD NEW)")
    return run(args.count, args.seed, args.out)


if __name__ == "__main__":
    sys.exit(main())
