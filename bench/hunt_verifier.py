"""An adversarial hunt for false verdicts of check_gradient and taylor_test.

Random expressions are built twice, in TF and in SymPy; SymPy's gradient is the oracle. Each
expression is checked at a random point, in float32 and float64, through tensors and
tf.Variables, in full and fast mode, with

- the right formula (SymPy's): must PASS (else a false FAIL);
- a wrong formula (one element off by a relative 1% to 50%): must FAIL, blaming your formula;
- a wrong tape (f's gradient doubled by a tf.custom_gradient, the right formula given):
  must FAIL, blaming the tape;
- taylor_test of the right and of a 10%-wrong gradient (float64 tensors): the wrong one must
  not pass, the right one must not fail with an order below 1.5;

and the expressions carry what fooled the verifier before: a large constant added to f,
kinks (|a|, relu) away from the point, a high frequency (sin(k·a)) and a singularity
(log|a|) near the point. Run: `python bench/hunt_verifier.py [count] [--seed S]`; it prints
each false verdict and a summary line, and exits 1 when it finds any.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import sympy

UNARY = ["sin", "cos", "tanh", "exp_tanh", "log1p_sq", "square", "softplus", "abs", "relu"]
BINARY = ["add", "sub", "mul"]


def tree(rng: np.random.Generator, count: int, depth: int = 0) -> tuple:
    """A random expression tree over `count` variables."""
    if depth >= 3 or (depth > 0 and rng.random() < 0.3):
        if rng.random() < 0.75:
            return ("var", int(rng.integers(count)))
        return ("const", float(rng.choice([0.5, 1.5, 2.0, -1.25])))
    if rng.random() < 0.5:
        return (str(rng.choice(UNARY)), tree(rng, count, depth + 1))
    return (str(rng.choice(BINARY)), tree(rng, count, depth + 1), tree(rng, count, depth + 1))


def build(node: tuple, xs: list, tf_side: bool) -> object:
    """Build a tree in TF (tf_side) or SymPy."""
    import tensorflow as tf

    head = node[0]
    if head == "var":
        return xs[node[1]]
    if head == "const":
        return tf.constant(node[1], xs[0].dtype) if tf_side else sympy.Float(node[1])
    a = build(node[1], xs, tf_side)
    if head in BINARY:
        b = build(node[2], xs, tf_side)
        return {"add": a + b, "sub": a - b, "mul": a * b}[head]
    if tf_side:
        return {"sin": tf.sin, "cos": tf.cos, "tanh": tf.tanh,
                "exp_tanh": lambda v: tf.exp(tf.tanh(v)),
                "log1p_sq": lambda v: tf.math.log(1.0 + v * v), "square": lambda v: v * v,
                "softplus": tf.nn.softplus, "abs": tf.abs, "relu": tf.nn.relu}[head](a)
    return {"sin": sympy.sin, "cos": sympy.cos, "tanh": sympy.tanh,
            "exp_tanh": lambda v: sympy.exp(sympy.tanh(v)),
            "log1p_sq": lambda v: sympy.log(1 + v * v), "square": lambda v: v * v,
            "softplus": lambda v: sympy.log(1 + sympy.exp(v)),
            "abs": sympy.Abs, "relu": lambda v: sympy.Max(v, 0)}[head](a)


def kinks_near(node: tuple, point: np.ndarray, margin: float) -> bool:
    """Tell whether an |a| or relu's argument is within `margin` of 0 at the point."""
    import tensorflow as tf

    found = []

    def walk(n: tuple) -> None:
        if n[0] in ("abs", "relu"):
            value = float(build(n[1], [tf.constant(v, tf.float64) for v in point], True))
            found.append(abs(value) < margin)
        for child in n[1:]:
            if isinstance(child, tuple):
                walk(child)
    walk(node)
    return any(found)


EXTRAS = ["none", "offset", "highfreq", "singular"]


def make_case(rng: np.random.Generator) -> dict | None:
    """A random problem: f in TF, its gradient from SymPy, a point, a dtype, a maker."""
    import tensorflow as tf

    count = int(rng.integers(1, 4))
    node = tree(rng, count)
    extra = str(rng.choice(EXTRAS, p=[0.55, 0.2, 0.15, 0.1]))
    dtype = str(rng.choice(["float32", "float64"]))
    symbols = sympy.symbols(f"x0:{count}", real=True)
    expr = build(node, list(symbols), False)
    point = rng.uniform(-1.5, 1.5, count)
    offset = 0.0
    k = 0.0
    if extra == "offset":
        offset = float(rng.choice([1e3, 1e5]) if dtype == "float32" else rng.choice([1e8, 1e12]))
    if extra == "highfreq":
        k = float(rng.choice([30.0, 300.0, 1000.0]))
        expr = expr + sympy.sin(k * symbols[0])
    if extra == "singular":
        point[0] = float(rng.choice([1e-6, -3e-7, 2e-8]))
        expr = expr + sympy.log(sympy.Abs(symbols[0]))
    point = point.astype(dtype)
    if kinks_near(node, point.astype(np.float64), 1e-2):
        return None
    grads = [sympy.lambdify(symbols, sympy.diff(expr, s), "numpy") for s in symbols]
    value = sympy.lambdify(symbols, expr, "numpy")
    if not np.isfinite(value(*point.astype(np.float64))):
        return None
    kc = k

    def f(w):
        xs = [w[i] for i in range(count)]
        out = build(node, xs, True)
        out = out + 0.0 * w[0]  # a constant tree still depends on w
        if kc:
            out = out + tf.sin(tf.constant(kc, w.dtype) * w[0])
        if extra == "singular":
            out = out + tf.math.log(tf.abs(w[0]))
        return out + offset

    def right(w):
        w = np.asarray(w)
        if kc:  # the product k·w rounds in w's dtype inside f, so the slope does too
            return np.array([float(g(*w.astype(np.float64))) if i else
                             float(g(*w.astype(np.float64)))
                             - kc * np.cos(kc * float(w[0]))
                             + kc * np.cos(float(np.asarray(kc, w.dtype) * w[0]))
                             for i, g in enumerate(grads)])
        return np.array([float(g(*w.astype(np.float64))) for g in grads])

    return dict(f=f, right=right, point=point, dtype=dtype, extra=extra, node=node,
                expr=str(expr), count=count)


def doubled_tape(f):
    """f whose tape gradient is twice f's true one (a broken tf.custom_gradient)."""
    import tensorflow as tf

    @tf.custom_gradient
    def g(w):
        y = f(w)

        def grad(dy):
            with tf.GradientTape() as tape:
                tape.watch(w)
                inner = f(w)
            return 2.0 * dy * tape.gradient(inner, w)
        return y, grad
    return g


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/hunt_verifier.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=200,
                        help="random problems (about 5 checks each)")
    parser.add_argument("--seed", type=int, default=0, help="the hunt's random seed")
    args = parser.parse_args(argv)
    import tensorflow as tf

    from tfbasics.gradcheck import check_gradient
    from tfbasics.taylor import taylor_test

    rng = np.random.default_rng(args.seed)
    checks, false, started = 0, [], time.time()
    kinds: dict[str, int] = {}
    made = 0
    while made < args.count:
        case = make_case(rng)
        if case is None:
            continue
        made += 1
        f, right, point = case["f"], case["right"], case["point"]
        truth = right(point)
        if not np.all(np.isfinite(truth)):
            continue
        maker = str(rng.choice(["tensor", "variable"]))
        mode = str(rng.choice(["full", "fast"]))

        def arg(maker=maker, point=point):
            return tf.Variable(point) if maker == "variable" else tf.constant(point)
        wrong_at = int(rng.integers(case["count"]))
        delta = float(rng.choice([1e-2, 0.1, 0.5])) * float(rng.choice([-1, 1]))

        # Wrong by more than f's own rounding can resolve: 64·eps·|f| (docs/verifier.md).
        floor = 64 * float(np.finfo(case["dtype"]).eps) * abs(
            float(f(tf.constant(point, tf.float64))))

        def wrong(w, right=right, wrong_at=wrong_at, delta=delta, floor=floor):
            g = right(w).copy()
            g[wrong_at] += delta * max(abs(g[wrong_at]), 1e-2 * np.max(np.abs(g)), 1e-3,
                                       floor / abs(delta))
            return g
        tag = f"{case['expr']} + {case['extra']} at {point.tolist()} {case['dtype']} {maker} {mode}"
        trials = [("right", dict(analytic=right), True, ""),
                  ("wrong formula", dict(analytic=wrong), False, "analytic")]
        if case["extra"] != "singular" and np.max(np.abs(truth)) > 1e-3:  # else 2g = g
            trials.append(("wrong tape", dict(analytic=right, f=doubled_tape(f)), False,
                           "reverse"))
        for what, kwargs, should, blame in trials:
            g = kwargs.pop("f", f)
            try:
                result = check_gradient(g, arg(), mode=mode, **kwargs)
            except Exception as error:  # noqa: BLE001 - an error is a finding too
                false.append(f"ERROR {what}: {tag}: {type(error).__name__}: {error}")
                print(false[-1], flush=True)
                continue
            checks += 1
            kind = None
            if should and not result.passed:
                kind = "false FAIL"
            elif not should and result.passed:
                kind = "false PASS"
            elif not should and blame and result.culprit not in (blame, ""):
                kind = "wrong blame"
            if kind:
                kinds[kind] = kinds.get(kind, 0) + 1
                false.append(f"{kind} ({what}): {tag}: {result.note[:300]}")
                print(false[-1], flush=True)
        if case["dtype"] == "float64" and case["extra"] in ("none", "offset"):
            for gradient, should in ((right, True),
                                     (lambda w, right=right: right(w) + 0.1 * np.maximum(
                                         np.abs(right(w)), 1.0), False)):
                test = taylor_test(f, point, gradient=gradient)
                checks += 1
                bad = (not should and test.passed) or (
                    should and not test.passed and test.order is not None)
                if bad:
                    kind = "taylor false " + ("PASS" if not should else "FAIL")
                    kinds[kind] = kinds.get(kind, 0) + 1
                    false.append(f"{kind}: {tag}: order {test.order} {test.note}")
                    print(false[-1], flush=True)
    print(f"hunt: {made} problems, {checks} checks, {len(false)} false verdicts {kinds}, "
          f"{time.time() - started:.0f} s")
    return 1 if false else 0


if __name__ == "__main__":
    sys.exit(main())
