"""Advanced automatic differentiation

Once you can get a gradient, you will want to control what the tape records, replace a
gradient with your own, and go further: gradients of gradients, Jacobians, Hessians, and
forward mode. Every result is checked against its closed form.

Guide: https://www.tensorflow.org/guide/advanced_autodiff
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close
from tfbasics.gradcheck import check_gradient
from tfbasics.plots import plot_derivatives, plot_matrix


def stop_recording() -> list[Check]:
    """Inside `tape.stop_recording()` the tape records nothing, so y gets no gradient."""
    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as t:
        x_sq = x * x
        with t.stop_recording():
            y_sq = y * y  # not recorded
        z = x_sq + y_sq
    grad = t.gradient(z, {"x": x, "y": y})  # dz/dx = 2x = 4; dz/dy: None
    return [
        check_close("dz/dx of z = x² + y² at x = 2", grad["x"], 2 * 2.0),
        check_close("dz/dy is None: y² was computed under stop_recording", grad["y"], None),
    ]


def reset_the_tape() -> list[Check]:
    """`tape.reset()` throws away everything recorded so far and starts again."""
    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as t:
        y_sq = y * y
        t.reset()  # y_sq is forgotten
        z = x * x + y_sq
    grad = t.gradient(z, {"x": x, "y": y})  # dz/dx = 2x = 4; dz/dy: None
    return [
        check_close("dz/dx after reset", grad["x"], 2 * 2.0),
        check_close("dz/dy is None: y² was recorded before reset", grad["y"], None),
    ]


def stop_gradient() -> list[Check]:
    """`tf.stop_gradient` blocks one path through the graph; the rest still counts."""
    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as t:
        y_sq = y**2
        z = x**2 + tf.stop_gradient(y_sq)
    grad = t.gradient(z, {"x": x, "y": y})  # dz/dx = 2x = 4; dz/dy: None
    return [
        check_close("dz/dx of z = x² + stop_gradient(y²)", grad["x"], 2 * 2.0),
        check_close("dz/dy is None: stop_gradient blocks it", grad["y"], None),
    ]


@tf.custom_gradient
def clip_gradients(y):
    """Pass y through unchanged, but clip the gradient flowing back to a norm of 0.5."""
    def backward(dy):
        return tf.clip_by_norm(dy, 0.5)
    return y, backward


def custom_gradient_clipping() -> list[Check]:
    """`tf.custom_gradient` replaces the gradient: here it clips the upstream gradient."""
    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        output = clip_gradients(v * v)
    dv = t.gradient(output, v)  # upstream 1 clipped to 0.5, times d(v²)/dv = 2v = 4 → 2
    return [check_close("d clip_gradients(v²)/dv at v = 2", dv, 0.5 * 2 * 2.0)]


@tf.custom_gradient
def log1pexp(x):
    """log(1 + eˣ) with a gradient written to stay finite for large x."""
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))  # = sigmoid(x), 1 when e is inf
    return tf.math.log(1 + e), grad


def custom_gradient_for_stability() -> list[Check]:
    """The plain gradient of log(1 + eˣ) at x = 100 is NaN (inf/inf); the custom one is 1."""
    x = tf.constant(100.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        naive = tf.math.log(1 + tf.exp(x))
        stable = log1pexp(x)
    return [
        check_close("naive d log(1 + eˣ)/dx at x = 100 is NaN", bool(tf.math.is_nan(
            t.gradient(naive, x))), True),
        check_close("custom gradient at x = 100 is sigmoid(100) = 1", t.gradient(stable, x),
                    1 / (1 + np.exp(-100.0))),
    ]


@tf.custom_gradient
def broken_square(x):
    """x² whose custom gradient is wrong on purpose: 3x instead of 2x."""
    def grad(upstream):
        return upstream * 3 * x
    return x * x, grad


def a_broken_custom_gradient_is_caught() -> list[Check]:
    """check_gradient compares the tape with forward mode and finite differences: it knows."""
    verdict = check_gradient(broken_square, 2.0, analytic=lambda x: 2 * x)  # d(x²)/dx = 4
    return [check_close("check_gradient fails it and blames the tape",
                        [verdict.passed, verdict.culprit], [False, "reverse"],
                        note=verdict.blame)]


def higher_order_gradients() -> list[Check]:
    """A tape inside a tape: the outer one records the inner one's gradient computation."""
    x = tf.Variable(1.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = x * x * x
        dy_dx = t1.gradient(y, x)  # 3x² → 3
    d2y_dx2 = t2.gradient(dy_dx, x)  # 6x → 6
    return [
        check_close("dy/dx of y = x³ at x = 1", dy_dx, 3 * 1.0**2),
        check_close("d²y/dx² of y = x³ at x = 1", d2y_dx2, 6 * 1.0),
    ]


def jacobian_of_a_scalar_source() -> list[Check]:
    """`tape.jacobian` keeps every output's derivative separate instead of summing them."""
    x = tf.linspace(-10.0, 10.0, 201)
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x + delta)
    dy_dx = tape.jacobian(y, delta)  # σ'(x) = σ(x)(1 - σ(x)) at each of 201 points
    s = 1 / (1 + np.exp(-np.linspace(-10.0, 10.0, 201)))
    return [check_close("jacobian of sigmoid(x + δ) w.r.t. the scalar δ", dy_dx, s * (1 - s))]


def jacobian_of_a_tensor_source() -> list[Check]:
    """With a matrix source the Jacobian has the target's shape followed by the source's."""
    x = tf.random.stateless_normal([7, 5], seed=[1, 2])
    w = tf.Variable(tf.random.stateless_normal([5, 10], seed=[3, 4]) * 0.3)
    with tf.GradientTape() as tape:
        y = tf.tanh(x @ w)  # shape (7, 10)
    j = tape.jacobian(y, w)  # shape (7, 10, 5, 10)
    # dy[i, j]/dw[k, l] = (1 - y[i, j]²) · x[i, k] · [j == l]
    x_np, y_np = x.numpy().astype(np.float64), np.tanh(x.numpy() @ w.numpy()).astype(np.float64)
    expected = np.einsum("ij,ik,jl->ijkl", 1 - y_np**2, x_np, np.eye(10))
    return [
        check_close("jacobian shape is target shape + source shape", j.shape.as_list(),
                    [7, 10, 5, 10]),
        check_close("dy[i, j]/dw[k, l] = (1 - y²)·x[i, k]·[j = l]", j, expected),
    ]


def batch_jacobian() -> list[Check]:
    """When each example's outputs depend only on its inputs, `batch_jacobian` skips zeros."""
    x = tf.random.stateless_normal([7, 5], seed=[5, 6])
    w = tf.random.stateless_normal([5, 10], seed=[7, 8]) * 0.3
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.tanh(x @ w)
    jb = tape.batch_jacobian(y, x)  # shape (7, 10, 5): one (10, 5) Jacobian per example
    y_np = np.tanh(x.numpy().astype(np.float64) @ w.numpy())
    expected = (1 - y_np**2)[:, :, None] * w.numpy().T[None, :, :]  # (1 - y²)·w[k, j]
    return [
        check_close("batch_jacobian shape", jb.shape.as_list(), [7, 10, 5]),
        check_close("dy[b, j]/dx[b, k] = (1 - y[b, j]²)·w[k, j]", jb, expected),
    ]


def hessian_with_nested_tapes() -> list[Check]:
    """A Hessian is the Jacobian of the gradient: nest a tape, then call `jacobian`."""
    w = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            L = w[0] ** 2 * w[1] + w[1] ** 3
        g = t1.gradient(L, w)  # [2·w0·w1, w0² + 3·w1²] = [4, 13]
    H = t2.jacobian(g, w)  # [[2·w1, 2·w0], [2·w0, 6·w1]] = [[4, 2], [2, 12]]
    return [
        check_close("gradient of L = w0²·w1 + w1³ at (1, 2)", g, [2 * 1.0 * 2, 1 + 3 * 2.0**2]),
        check_close("Hessian of L at (1, 2)", H, [[2 * 2.0, 2 * 1.0], [2 * 1.0, 6 * 2.0]]),
        check_close("the Hessian is symmetric", H, tf.transpose(H)),
    ]


def forward_mode_jvp() -> list[Check]:
    """Forward mode pushes a tangent along with the values: one pass gives J·v."""
    x = tf.Variable([1.0, 2.0])
    v = tf.constant([1.0, 0.5])
    with tf.autodiff.ForwardAccumulator(primals=x, tangents=v) as acc:
        y = x**3
    jvp = acc.jvp(y)  # J = diag(3x²), so J·v = 3x²·v = [3, 6]
    x_np = np.array([1.0, 2.0])
    return [check_close("J·v of y = x³ in direction [1, 0.5]", jvp, 3 * x_np**2 * [1.0, 0.5])]


def smooth(x):
    """The function the derivatives figure shows: f(x) = sin(x)·exp(-x²/8)."""
    return tf.sin(x) * tf.exp(-(x**2) / 8)


def smooth_d1(x):
    """f′(x) = (cos x - x·sin x / 4)·exp(-x²/8), by the product rule."""
    return (np.cos(x) - x * np.sin(x) / 4) * np.exp(-(x**2) / 8)


def smooth_d2(x):
    """f″(x) = (-sin x - x·cos x / 2 + (x²/16 - 1/4)·sin x)·exp(-x²/8)."""
    return (-np.sin(x) - x * np.cos(x) / 2 + (x**2 / 16 - 0.25) * np.sin(x)) * np.exp(-(x**2) / 8)


def derivatives_over_a_grid() -> list[Check]:
    """Two nested tapes over a whole grid give f′ and f″ at every point at once."""
    x = tf.linspace(-6.0, 6.0, 241)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = smooth(x)
        dy_dx = t1.gradient(y, x)  # elementwise f, so each slope is its own point's
    d2y_dx2 = t2.gradient(dy_dx, x)
    grid = np.linspace(-6.0, 6.0, 241)
    return [
        check_close("f′ of sin(x)·exp(-x²/8) on 241 points", dy_dx, smooth_d1(grid)),
        check_close("f″ of sin(x)·exp(-x²/8) on 241 points", d2y_dx2, smooth_d2(grid)),
    ]


def plot_derivatives_of_a_smooth_function(figures_dir: Path) -> Path:
    """Plot f, f′ and f″ from nested tapes, with the closed forms dashed on top."""
    return plot_derivatives(smooth, -6.0, 6.0, num=241, order=2,
                            analytic=[smooth_d1, smooth_d2],
                            path=Path(figures_dir) / "advanced_autodiff_derivatives.png",
                            title="f(x) = sin(x)·exp(-x²/8) and two derivatives",
                            label="f(x)")


A = np.array([[4.0, 1.0, 0.5, 0.0, 0.0, 0.0],
              [1.0, 3.0, 0.5, 0.5, 0.0, 0.0],
              [0.5, 0.5, 3.0, 1.0, 0.5, 0.0],
              [0.0, 0.5, 1.0, 2.0, 0.5, 0.5],
              [0.0, 0.0, 0.5, 0.5, 2.0, 1.0],
              [0.0, 0.0, 0.0, 0.5, 1.0, 1.0]])


def hessian_of_quadratic_plus_sine(w: tf.Variable) -> tf.Tensor:
    """Return the Hessian of L = ½wᵀAw + Σ sin(w) at w, from nested tapes."""
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            L = 0.5 * tf.tensordot(w, tf.linalg.matvec(A.astype(np.float32), w), 1) \
                + tf.reduce_sum(tf.sin(w))
        g = t1.gradient(L, w)  # Aw + cos(w)
    return t2.jacobian(g, w)  # A - diag(sin w)


def hessian_of_six_variables() -> list[Check]:
    """A bigger Hessian, the one the heat map shows: A - diag(sin w), and symmetric."""
    w = tf.Variable(tf.linspace(-1.5, 1.5, 6))
    H = hessian_of_quadratic_plus_sine(w)
    expected = A - np.diag(np.sin(np.linspace(-1.5, 1.5, 6)))
    return [
        check_close("Hessian of ½wᵀAw + Σ sin(w) is A - diag(sin w)", H, expected),
        check_close("and symmetric", H, tf.transpose(H)),
    ]


def plot_hessian_heat_map(figures_dir: Path) -> Path:
    """Draw that Hessian as a heat map: the coupling between each pair of variables."""
    H = hessian_of_quadratic_plus_sine(tf.Variable(tf.linspace(-1.5, 1.5, 6)))
    return plot_matrix(H, path=Path(figures_dir) / "advanced_autodiff_hessian.png",
                       title="Hessian of ½wᵀAw + Σ sin(w)",
                       labels=[f"w{i}" for i in range(6)])


EXAMPLES = [
    stop_recording,
    reset_the_tape,
    stop_gradient,
    custom_gradient_clipping,
    custom_gradient_for_stability,
    a_broken_custom_gradient_is_caught,
    higher_order_gradients,
    jacobian_of_a_scalar_source,
    jacobian_of_a_tensor_source,
    batch_jacobian,
    hessian_with_nested_tapes,
    forward_mode_jvp,
    derivatives_over_a_grid,
    plot_derivatives_of_a_smooth_function,
    hessian_of_six_variables,
    plot_hessian_heat_map,
]
