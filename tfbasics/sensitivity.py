"""Sensitivity beyond one variable: gradient fields, input sensitivity, integrated gradients.

The public helpers are `gradient_field` (a loss of two weights and its gradient over a grid),
`input_sensitivity` and `gradient_times_input` (how a model's output moves with each of its
inputs) and `integrated_gradients` (attributions that add up to the change in the output).
Each makes one batched tape call on TF's default device (a GPU when TF sees one) and returns
NumPy arrays. See the `sensitivity` lesson.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import tensorflow as tf

from tfbasics._sources import as_source, check_target, require_function

_SAMPLE = 61  # grid points evaluated again, in another order, to check f is pointwise


class GradientField(NamedTuple):
    """L and its gradient on a grid; each array has shape (num1, num0): rows follow w1."""

    w0: np.ndarray
    w1: np.ndarray
    L: np.ndarray
    dL_dw0: np.ndarray
    dL_dw1: np.ndarray


def _axis(name: str, bounds: Any, num: int, dtype: Any) -> tf.Tensor:
    """Return linspace(start, stop, num) for one axis of the grid, checked first."""
    if not (isinstance(bounds, (tuple, list)) and len(bounds) == 2) or not all(
            isinstance(b, numbers.Real) and not isinstance(b, bool) for b in bounds):
        raise TypeError(f"{name} must be a pair of numbers (start, stop), got {bounds!r}: "
                        f"e.g. (-1.0, 3.0)")
    start, stop = (float(b) for b in bounds)
    if not (np.isfinite(start) and np.isfinite(stop) and start < stop):
        raise ValueError(f"{name} must run from a smaller finite number to a larger one, got "
                         f"{bounds!r}: e.g. (-1.0, 3.0)")
    return tf.linspace(tf.constant(start, dtype), tf.constant(stop, dtype), num)


def _counts(num: Any) -> tuple[int, int]:
    """Return (points along w0, points along w1) from num = 21 or num = (21, 11)."""
    pair = tuple(num) if isinstance(num, (tuple, list)) else (num, num)
    if len(pair) != 2 or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool)
                                 for n in pair):
        raise TypeError(f"num must be a whole number of points per axis (or a pair), got "
                        f"{num!r}: e.g. num=21")
    if min(pair) < 2:
        raise ValueError(f"num must be at least 2 points per axis, got {num!r}")
    return int(pair[0]), int(pair[1])


def gradient_field(f: Callable[[tf.Tensor, tf.Tensor], Any], w0_range: tuple[float, float],
                   w1_range: tuple[float, float], num: int | tuple[int, int] = 21,
                   dtype: Any = tf.float32) -> GradientField:
    """Return L = f(w0, w1) and (dL/dw0, dL/dw1) on a grid, from one tape call over all of it.

    f receives two tensors of the grid's shape and returns one L per grid point (checked:
    shuffling the points must shuffle L the same way), so d(ΣL)/dw0 at each point is that
    point's own dL/dw0. A gradient that is None (f does not use a weight) is an error, not
    zeros. See the `sensitivity` lesson.

    >>> field = gradient_field(lambda a, b: a**2 + 3 * b, (-1.0, 1.0), (0.0, 1.0), num=3)
    >>> field.dL_dw0[0]   # dL/da = 2a at a = -1, 0, 1
    array([-2.,  0.,  2.], dtype=float32)
    """
    require_function(f, "lambda w0, w1: w0**2 + 10 * w1**2")
    num0, num1 = _counts(num)
    w0, w1 = tf.meshgrid(_axis("w0_range", w0_range, num0, dtype),
                         _axis("w1_range", w1_range, num1, dtype))
    with tf.GradientTape() as tape:
        tape.watch([w0, w1])
        L = f(w0, w1)
    check_target(L, lambda: f"the grid w0 in {tuple(w0_range)}, w1 in {tuple(w1_range)}")
    if isinstance(L, (list, tuple)) or L.shape != w0.shape:
        shape = "a list" if isinstance(L, (list, tuple)) else f"shape {tuple(L.shape)}"
        raise ValueError(f"f(w0, w1) must give one L per grid point, shape {tuple(w0.shape)}; "
                         f"it gave {shape}: keep the grid's axes and reduce over your data "
                         f"only, e.g. tf.reduce_mean((w0[..., None] * x - y)**2, axis=-1)")
    _check_pointwise(f, w0, w1, L)
    dL_dw0, dL_dw1 = tape.gradient(L, [w0, w1])
    for name, value in (("w0", dL_dw0), ("w1", dL_dw1)):
        if value is None:
            raise ValueError(f"dL/d{name} is None: f does not use {name} through TF ops, so "
                             f"the tape has no gradient for it (see explain_none)")
    return GradientField(*(np.asarray(v) for v in (w0, w1, L, dL_dw0, dL_dw1)))


def _check_pointwise(f: Callable[..., Any], w0: tf.Tensor, w1: tf.Tensor, L: tf.Tensor) -> None:
    """Raise ValueError unless each L comes from its own grid point only (no mixing).

    f runs again on a shuffled strict subset of the points, as one row: a pointwise f gives
    the same L there; a mean over the grid, a cumsum or a transpose do not.
    """
    count = w0.shape.num_elements()
    order = np.random.default_rng(0).choice(count, min(_SAMPLE, count - 1), replace=False)
    pick = lambda t: tf.gather(tf.reshape(t, [-1]), order)[None]  # noqa: E731
    expected = np.asarray(pick(L))
    try:
        got = np.asarray(f(pick(w0), pick(w1)))
    except Exception:  # noqa: BLE001 - f works on grids of its first shape only
        raise ValueError(f"f(w0, w1) fails on a grid of another shape (1, {len(order)}): "
                         f"write f with TF ops that work on any shape, reducing over your "
                         f"data's axis only") from None
    scale = float(np.max(np.abs(expected)))
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-4,
                                                      atol=1e-5 * scale):
        raise ValueError("f(w0, w1) mixes grid points: each L must come from its own (w0, "
                         "w1) only (reduce over your data's axis, never over the grid's)")


def _batch(x: Any, name: str = "x") -> tf.Tensor:
    """Return a batch of inputs as a float tensor, axis 0 counting the inputs."""
    x = as_source(x, name, variable=False)
    if isinstance(x, tf.Variable):
        x = tf.convert_to_tensor(x)
    if x.shape.rank == 0:
        raise ValueError(f"{name} must be a batch of inputs (axis 0 counts them), got one "
                         f"number: pass e.g. [[1.0, 2.0]] for one input of two features")
    return x


def _chosen(model: Callable[..., Any], x: tf.Tensor, target: Any) -> tf.Tensor:
    """Return the output to explain for each input: model(x)[:, target], shape (N,)."""
    y = model(x)
    if isinstance(y, (list, tuple, dict)):
        raise TypeError(f"the model returned {len(y)} tensors: explain one at a time, e.g. "
                        f"lambda x: model(x)[0]")
    check_target(y)
    count = int(x.shape[0])
    if y.shape.rank == 0 or y.shape[0] != count:
        raise ValueError(f"the model gave output of shape {tuple(y.shape)} for {count} "
                         f"inputs: it must give one output (or one row) per input, axis 0 "
                         f"first, e.g. tf.reduce_sum(x**2, axis=-1)")
    y = tf.reshape(y, [count, -1])
    outputs = int(y.shape[1])
    if target is None:
        if outputs != 1:
            raise ValueError(f"the model gives {outputs} outputs per input: pass target=the "
                             f"index of the one to explain, e.g. target=0")
        return tf.reshape(y, [count])
    targets = np.asarray(target)
    if targets.dtype.kind not in "iu" or targets.shape not in ((), (count,)) or np.any(
            (targets < -outputs) | (targets >= outputs)):
        raise ValueError(f"target must be an output index in 0 ... {outputs - 1} (or one "
                         f"index per input), got {target!r}")
    if targets.ndim == 0:
        return y[:, int(targets)]
    return tf.gather(y, targets % outputs, axis=1, batch_dims=1)


def _sensitivity(model: Any, x: tf.Tensor, target: Any) -> tuple[tf.Tensor, tf.Tensor]:
    """Return (outputs, d outputs / d x) for a batch, from one tape call."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _chosen(model, x, target)
    dy_dx = tape.gradient(y, x)  # Σ over the batch: each output depends on its own input
    if dy_dx is None:
        raise ValueError("the model's output does not depend on x through TF ops (a NumPy "
                         "step, or an input the model ignores), so the tape gives None")
    return y, dy_dx


def input_sensitivity(model: Callable[..., Any], x: Any, target: int | None = None
                      ) -> np.ndarray:
    """Return dy/dx for each input in the batch x (a NumPy array of x's shape).

    `model` is a Keras model or any f taking a batch (axis 0 counts the inputs) and giving
    one output per input, or one row of outputs with `target` naming the one to explain (an
    index, or one per input). Each input must be processed on its own, as Keras layers do
    in inference. |dy/dx| is the saliency map. See the `sensitivity` lesson.

    >>> input_sensitivity(lambda x: tf.reduce_sum(x**2, axis=-1), [[1.0, -2.0]])  # 2x
    array([[ 2., -4.]], dtype=float32)
    """
    require_function(model, "a keras.Model, or lambda x: tf.reduce_sum(x**2, axis=-1)")
    return np.asarray(_sensitivity(model, _batch(x), target)[1])


def gradient_times_input(model: Callable[..., Any], x: Any, target: int | None = None
                         ) -> np.ndarray:
    """Return x · dy/dx for each input in the batch x (arguments as `input_sensitivity`).

    >>> gradient_times_input(lambda x: tf.reduce_sum(x**2, axis=-1), [[1.0, -2.0]])  # 2x²
    array([[2., 8.]], dtype=float32)
    """
    require_function(model, "a keras.Model, or lambda x: tf.reduce_sum(x**2, axis=-1)")
    x = _batch(x)
    return np.asarray(x * _sensitivity(model, x, target)[1])


def _trapezoid(steps: int) -> tuple[np.ndarray, np.ndarray]:
    weights = np.full(steps + 1, 1.0 / steps)
    weights[[0, -1]] /= 2
    return np.linspace(0.0, 1.0, steps + 1), weights


def _gauss_legendre(steps: int) -> tuple[np.ndarray, np.ndarray]:
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    return (nodes + 1) / 2, weights / 2  # from [-1, 1] to [0, 1]


# Quadrature rules on [0, 1] for `steps`: (path points α, weights). The Riemann rules
# have error of order 1 (left, right) and 2 (middle); the trapezoid's is 2.
RULES: dict[str, Callable[[int], tuple[np.ndarray, np.ndarray]]] = {
    "trapezoid": _trapezoid,
    "riemann_left": lambda n: (np.arange(n) / n, np.full(n, 1.0 / n)),
    "riemann_right": lambda n: (np.arange(1, n + 1) / n, np.full(n, 1.0 / n)),
    "riemann_middle": lambda n: ((np.arange(n) + 0.5) / n, np.full(n, 1.0 / n)),
    "gauss_legendre": _gauss_legendre,
}


@dataclass(frozen=True)
class IntegratedGradients:
    """Integrated-gradients attributions for a batch, and how well they add up.

    `completeness_error[i]` is |Σ attributions[i] - (outputs[i] - baseline_outputs[i])|:
    exact integration makes it 0, so it measures the quadrature's error.
    """

    attributions: np.ndarray  # x's shape
    completeness_error: np.ndarray  # one per input
    outputs: np.ndarray  # F(x)
    baseline_outputs: np.ndarray  # F(baseline)
    steps: int
    method: str


def _baseline(baseline: Any, x: tf.Tensor) -> tf.Tensor:
    """Return the baseline as a tensor of x's shape and dtype (zeros when None)."""
    if baseline is None:
        return tf.zeros_like(x)
    value = tf.cast(as_source(baseline, "baseline", variable=False), x.dtype)
    if value.shape == x.shape[1:]:
        return tf.broadcast_to(value, tf.shape(x))
    if value.shape != x.shape:
        raise ValueError(f"baseline has shape {tuple(value.shape)} but x has shape "
                         f"{tuple(x.shape)}: give one input's shape {tuple(x.shape[1:])} or "
                         f"x's shape")
    return value


def integrated_gradients(model: Callable[..., Any], x: Any, baseline: Any = None,
                         steps: int = 50, method: str = "trapezoid",
                         target: int | None = None) -> IntegratedGradients:
    """Return integrated gradients (x - x′)·∫₀¹ dy/dx(x′ + α(x - x′)) dα for a batch x.

    The integral is a quadrature over `steps` intervals (`method`: one of `RULES`), every
    path point of every input in one batched tape call. The baseline x′ is zeros by default,
    one input (shared) or one per input. `model` and `target` are as in `input_sensitivity`.
    The attributions of an input add up to y(x) - y(x′) up to `completeness_error`. The one
    batch holds (steps + 3)·N inputs (the path points and both ends): where that does not
    fit in memory, call it on smaller slices of x. See the `sensitivity` lesson.

    >>> ig = integrated_gradients(lambda x: tf.reduce_sum(x**2, axis=-1), [[1.0, -2.0]])
    >>> ig.attributions, ig.completeness_error   # x²: the trapezoid is exact for 2αx
    (array([[1., 4.]], dtype=float32), array([0.], dtype=float32))
    """
    require_function(model, "a keras.Model, or lambda x: tf.reduce_sum(x**2, axis=-1)")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"steps must be a whole number, got {steps!r}: e.g. steps=50")
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if method not in RULES:
        raise ValueError(f"unknown method {method!r}: choose one of {', '.join(RULES)}")
    x = _batch(x)
    x0 = _baseline(baseline, x)
    alphas, weights = RULES[method](int(steps))
    # y(x′) and y(x) ride along with the path points, with weight 0.
    alphas = tf.constant(np.concatenate([[0.0, 1.0], alphas]), x.dtype)
    weights = tf.constant(np.concatenate([[0.0, 0.0], weights]), x.dtype)
    count, shape = int(x.shape[0]), [-1] + x.shape.as_list()[1:]
    alpha = tf.reshape(alphas, [-1] + [1] * x.shape.rank)
    path = tf.reshape(x0[None] + alpha * (x - x0)[None], shape)  # (points·N, ...)
    tiled = target if np.ndim(target) == 0 else np.tile(np.asarray(target), len(alphas))
    y, dy_dpath = _sensitivity(model, path, tiled)
    mean_gradient = tf.reshape(weights[None] @ tf.reshape(dy_dpath, [len(alphas), -1]), x.shape)
    attributions = (x - x0) * mean_gradient
    y = tf.cast(tf.reshape(y, [len(alphas), count]), x.dtype)  # a float32 model, float64 x
    total = tf.reduce_sum(tf.reshape(attributions, [count, -1]), axis=1)
    error = tf.abs(total - (y[1] - y[0]))
    return IntegratedGradients(np.asarray(attributions), np.asarray(error), np.asarray(y[1]),
                               np.asarray(y[0]), int(steps), method)
