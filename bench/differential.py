"""A differential run of the verifier: old code against new, verdict by verdict, text by text.

A refactor of `tfbasics.gradcheck` is pure when every verdict and every word of every report
stays the same. This script runs a fixed, seeded list of random checks and writes one JSON
line per check: `check_gradient` (passed, culprit, worst element, kinks, note, blame, mode,
Taylor order, the printed report) and `taylor_test` (passed, order, note, the printed
report), or the error a check raised. The problems come from `bench/hunt_verifier.py`:
random expressions built in TF and SymPy with a large offset, a high frequency or a
singularity near the point, here also with a kink at the point; the right formula, a wrong
one, one off by a few units of rounding, none at all, and a wrong tape (a doubled
`tf.custom_gradient`) with and without a formula; float32 and float64;
tensors, NumPy arrays and `tf.Variable` arguments; full, fast and auto mode; then a fixed
list of checks that reach the verdict's rarer rules (`special_cases`).

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
        factor = 1 + 3e-5 if case["dtype"] == "float32" else 1 + 3e-11

        def slightly(w, right=right, wrong_at=wrong_at, factor=factor):
            g = right(w).copy()
            g[wrong_at] *= factor
            return g
        trials = [("right", dict(analytic=right)), ("wrong formula", dict(analytic=wrong)),
                  ("no formula", dict(analytic=None)), ("slightly off", dict(analytic=slightly))]
        if np.max(np.abs(truth)) > 1e-3:
            trials.append(("wrong tape", dict(analytic=right, f=hunt.doubled_tape(f))))
            trials.append(("wrong tape, no formula", dict(analytic=None,
                                                          f=hunt.doubled_tape(f))))
        if "kink" not in case["extra"] and case["extra"] in ("none", "offset"):
            trials.append(("taylor right", dict(taylor=right)))
            trials.append(("taylor wrong", dict(taylor=lambda w, right=right: right(w) + 0.1
                                                * np.maximum(np.abs(right(w)), 1.0))))
        yield case, maker, mode, trials


EPS32 = float(np.finfo(np.float32).eps)


def special_cases() -> list[tuple[dict, str, str, str, dict]]:
    """Return the fixed checks that reach the verdict's rarer rules: the false verdicts issue
    20 lists, a tape replaced by tf.stop_gradient or tf.custom_gradient with and without a
    formula, f that depends on its dtype, a kink at w, fast mode on many elements, complex and
    float16 arguments, and Taylor tests of f with a large offset."""
    import tensorflow as tf

    hunt = _hunt()
    out = []

    def add(name, f, point, dtype, analytic=None, maker="tensor", mode="auto", taylor=None):
        case = dict(f=f, point=np.asarray(point, dtype), expr=name, extra="special",
                    dtype=dtype)
        trial = dict(taylor=taylor) if taylor is not None else dict(analytic=analytic)
        out.append((case, maker, mode, "special", trial))

    def eps_of(w):
        return float(np.finfo(w.dtype.as_numpy_dtype).eps)

    def stopped(w):
        return tf.reduce_sum(tf.stop_gradient(w * w) + w)

    a = 1.6224171 + 0.005

    def tanh_shift(w):
        return tf.reduce_sum(tf.tanh(w - a) ** 2) + 8.0

    def tanh_shift_slope(w):
        t = np.tanh(np.asarray(w, np.float64) - a)
        return 2 * t * (1 - t * t)

    def cubic(w):
        return tf.reduce_sum(w ** 3) / 3.0

    for dtype in ("float32", "float64"):
        for maker in ("tensor", "variable", "numpy"):
            add("|w| + 5", lambda w: tf.abs(w) + 5.0, 1e-4, dtype, lambda w: 0.0, maker)
            add("softplus(1e4 w)/1e4 + 2", lambda w: tf.nn.softplus(1e4 * w) / 1e4 + 2.0, 0.0,
                dtype, lambda w: 0.3, maker)
            add("tanh(w - a)^2 + 8", tanh_shift, 1.6224171, dtype, tanh_shift_slope, maker)
            add("sum log|w|", lambda w: tf.reduce_sum(tf.math.log(tf.abs(w))),
                [1e-8, 3e-8, -2e-8], dtype, lambda w: 1 / w, maker)
            add("sum sin(1000 v)", lambda w: tf.reduce_sum(tf.sin(1000.0 * w)),
                [0.31, -0.77, 1.23], dtype, None, maker)
            add("sum sin(1000 v) formula", lambda w: tf.reduce_sum(tf.sin(1000.0 * w)),
                [0.31, -0.77, 1.23], dtype, lambda w: 1000.0 * np.cos(1000.0 * w), maker)
            add("stop_gradient(w²) + w", stopped, [0.5, -1.5], dtype, None, maker)
            add("stop_gradient(w²) + w formula", stopped, [0.5, -1.5], dtype,
                lambda w: 2 * w + 1, maker)
            add("doubled cubic", hunt.doubled_tape(cubic), [0.7, -1.1], dtype, None, maker)
            add("doubled cubic, formula repeats", hunt.doubled_tape(cubic), [0.7, -1.1], dtype,
                lambda w: 2 * w ** 2, maker)
            add("w·eps(dtype)·1e6 + w²", lambda w: tf.reduce_sum(w * w + w * eps_of(w) * 1e6),
                [0.3, 0.9], dtype, None, maker)
            add("w² + tiny dtype-dependent wiggle", lambda w: tf.reduce_sum(
                w * w + 0.01 / EPS32 * eps_of(w) * tf.sin(1e4 * w) / 1e4), [0.3, 0.9], dtype,
                None, maker)
            add("doubled (w² + 1e4)", hunt.doubled_tape(lambda w: tf.reduce_sum(w * w) + 1e4),
                [0.3, 0.9], dtype, None, maker)
            add("doubled (w² + 1e4), formula repeats", hunt.doubled_tape(
                lambda w: tf.reduce_sum(w * w) + 1e4), [0.3, 0.9], dtype, lambda w: 4 * w, maker)
            add("minimum (w-1)² near 1", lambda w: tf.reduce_sum((w - 1.0) ** 2) + 3.0,
                [1.0 + 1e-3, 1.0 - 2e-3], dtype, lambda w: 2 * (w - 1) + 1e-6, maker)
            add("w² + 1e5, formula 0.1% off", lambda w: tf.reduce_sum(w * w) + 1e5,
                [0.3, 0.7], dtype, lambda w: 2.002 * w, maker)
            add("|w| at its kink, formula 2", lambda w: tf.abs(w), 0.0, dtype, lambda w: 2.0,
                maker)
            add("relu at its kink, formula 0.5", tf.nn.relu, 0.0, dtype, lambda w: 0.5, maker)
            add("cond", lambda w: tf.cond(w > 0, lambda: w * w, lambda: -w), 0.8, dtype,
                lambda w: 2 * w, maker)
        for mode in ("fast", "full"):
            point = np.linspace(-1.0, 1.0, 300)
            add("fast: sum sin(w)·w, one element off", lambda w: tf.reduce_sum(tf.sin(w) * w),
                point, dtype, lambda w: np.where(np.arange(w.size) == 17, 1.5, 1.0)
                * (np.sin(w) + w * np.cos(w)), "tensor", mode)
            add("fast: sum sin(w)·w, no formula", lambda w: tf.reduce_sum(tf.sin(w) * w),
                point, dtype, None, "variable", mode)
        for offset in (1e5, 1e12, 1e15):
            for g in ("zero", "doubled", "right"):
                factor = {"zero": 0.0, "doubled": 2.0, "right": 1.0}[g]
                add(f"taylor sum w² + {offset:g}, {g}", lambda w, o=offset: tf.reduce_sum(
                    w * w) + o, [0.3, 0.7, 1.1], dtype,
                    taylor=lambda w, k=factor: k * 2 * np.asarray(w))
    add("complex |z|²", lambda z: tf.math.real(tf.reduce_sum(z * tf.math.conj(z))),
        [0.5 + 0.25j, -1.0 + 2.0j], "complex128", lambda z: 2 * z)
    add("complex |z|², wrong", lambda z: tf.math.real(tf.reduce_sum(z * tf.math.conj(z))),
        [0.5 + 0.25j, -1.0 + 2.0j], "complex64", lambda z: 2 * np.conj(z))
    add("float16 sin", lambda w: tf.reduce_sum(tf.sin(w)), [0.5, 1.0], "float16",
        lambda w: np.cos(w))
    add("float16 sin 3% off", lambda w: tf.reduce_sum(tf.sin(w)), [0.5, 1.0], "float16",
        lambda w: 1.03 * np.cos(w.astype(np.float64)))
    return out


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
        for case, maker, mode, what, trial in special_cases():
            row = run_one(case, maker, mode, what, trial)
            row["index"] = written
            stream.write(json.dumps(row, sort_keys=True, default=repr) + "\n")
            written += 1
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
