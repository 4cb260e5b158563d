"""Advanced automatic differentiation

Once you can get a gradient, you will want to control what the tape records, replace a
gradient with your own, and go further: gradients of gradients, Jacobians, Hessians, batch
Jacobians and forward mode. Each result is checked against its closed form.

The lesson ends with how you know a gradient is right: `check_gradient` compares the tape with
forward mode and finite differences and blames the one that disagrees, and the Taylor test
tells a right gradient from a wrong one without any tolerance. It also shows why finite
differences step by eps^(1/3): smaller steps drown in rounding, larger ones in curvature.

Guide: https://www.tensorflow.org/guide/advanced_autodiff
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close
from tfbasics.gradcheck import check_gradient
from tfbasics.plots import (
    plot_curves,
    plot_derivatives,
    plot_matrix,
    plot_step_error,
    plot_taylor,
)
from tfbasics.taylor import taylor_test


def stop_recording() -> list[Check]:
    """Inside `tape.stop_recording()` the tape records nothing, so y gets no gradient.

    Use it to compute something inside a tape's `with` block that should not count, such as
    a value you only log. z = x² + y² at x = 2, so dz/dx = 4; the y² term was computed with
    the tape paused, so dz/dy is None.
    """
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
    """`tape.reset()` throws away everything recorded so far and starts again.

    Leaving the `with` block and opening a new tape is usually clearer; `reset` is for when you
    cannot. The y² computed before the reset is forgotten, so z's y-part has no recorded path.
    """
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
    """`tf.stop_gradient` blocks one path through the graph; the rest still counts.

    Unlike `stop_recording`, it needs no access to the tape: the value passes through, but the
    tape treats it as a constant. So dz/dx = 2x = 4 and dz/dy is None.
    """
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
    """`tf.custom_gradient` replaces the gradient: here it clips the upstream gradient.

    The forward pass is the identity; the backward function receives the upstream gradient dy
    (1 here) and returns it clipped to norm 0.5. The chain rule then multiplies by d(v²)/dv =
    2v: 0.5·4 = 2 at the guide's v = 2, and 0.5·0.2 = 0.1 at v = 0.1, where the unclipped
    gradient would be 0.2.
    """
    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        output = clip_gradients(v * v)
    dv = t.gradient(output, v)  # upstream 1 clipped to 0.5, times 2v = 4 → 2

    small = tf.Variable(0.1)
    with tf.GradientTape() as t:
        output = clip_gradients(small * small)
    d_small = t.gradient(output, small)  # 0.5 · 2·0.1 = 0.1
    return [
        check_close("d clip_gradients(v²)/dv at v = 2", dv, 0.5 * 2 * 2.0),
        check_close("d clip_gradients(v²)/dv at v = 0.1", d_small, 0.5 * 2 * 0.1),
    ]


class CustomGradientModule(tf.Module):
    """A module whose traced function uses the clipping custom gradient."""

    @tf.function(input_signature=[tf.TensorSpec(None)])
    def call_custom_grad(self, x):
        return clip_gradients(x)


def custom_gradients_in_a_saved_model() -> list[Check]:
    """A SavedModel can keep a custom gradient: `experimental_custom_gradients=True`.

    The guide sets the option; in TF 2.21 it is the default. The gradient function is traced
    into the SavedModel, so a program that loads it gets the clipped gradient, 2 at v = 2 as
    before. Saved with the option False, a loaded model still gives 2 in this process, because
    the gradient registry here knows the function; a fresh process raises `LookupError` for
    `IdentityN`.
    """
    folder = tempfile.mkdtemp()  # never inside the repository
    try:
        tf.saved_model.save(
            CustomGradientModule(), os.path.join(folder, "saved_model"),
            options=tf.saved_model.SaveOptions(experimental_custom_gradients=True))
        loaded = tf.saved_model.load(os.path.join(folder, "saved_model"))
        v = tf.Variable(2.0)
        with tf.GradientTape() as t:
            output = loaded.call_custom_grad(v * v)
        dv = t.gradient(output, v)  # the clipped gradient, as before: 2
    finally:
        shutil.rmtree(folder)
    return [
        check_close("TF 2.21 keeps custom gradients by default",
                    tf.saved_model.SaveOptions().experimental_custom_gradients, True),
        check_close("the loaded model's gradient is still clipped", dv, 0.5 * 2 * 2.0),
        check_close("and the loaded object is not the original class",
                    isinstance(loaded, CustomGradientModule), False),
    ]


@tf.custom_gradient
def log1pexp(x):
    """log(1 + eˣ) with a gradient written to stay finite for large x."""
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))  # = sigmoid(x), 1 when e is inf
    return tf.math.log(1 + e), grad


def custom_gradient_for_stability() -> list[Check]:
    """The plain gradient of log(1 + eˣ) at x = 100 is NaN; a custom gradient gives 1.

    In float32 e¹⁰⁰ overflows to inf, and the tape's chain rule takes log's gradient,
    1/(1 + inf) = 0, then exp's: 0 · inf = NaN. Written as 1 - 1/(1 + eˣ), the same
    derivative (the sigmoid) stays finite: 1 - 0 = 1.
    """
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
    """A custom gradient can be wrong; `check_gradient` compares the tape with two witnesses.

    Forward mode follows the forward computation x·x, and finite differences follow f's own
    change, so both say 4 at x = 2 while the tape says 6. `check_gradient` blames the one leg
    that disagrees with all the others: the tape.
    """
    verdict = check_gradient(broken_square, 2.0, analytic=lambda x: 2 * x)  # d(x²)/dx = 4
    return [check_close("check_gradient fails it and blames the tape",
                        [verdict.passed, verdict.culprit], [False, "reverse"],
                        note=verdict.blame)]


def two_tapes_watching_different_tensors() -> list[Check]:
    """Several tapes can record at once, each watching its own tensors.

    tape0 watches x0 and tape1 watches x1; both record the same sum, and each gives the
    gradient with respect to what it watched: cos(0) = 1 and sigmoid'(0) = 1/4.
    """
    x0 = tf.constant(0.0)
    x1 = tf.constant(0.0)
    with tf.GradientTape() as tape0, tf.GradientTape() as tape1:
        tape0.watch(x0)
        tape1.watch(x1)
        y0 = tf.math.sin(x0)
        y1 = tf.nn.sigmoid(x1)
        y = y0 + y1
        ys = tf.reduce_sum(y)
    return [
        check_close("tape0: dys/dx0 = cos(0)", tape0.gradient(ys, x0), np.cos(0.0)),
        check_close("tape1: dys/dx1 = sigmoid(0)·(1 - sigmoid(0))", tape1.gradient(ys, x1), 0.25),
    ]


def higher_order_gradients() -> list[Check]:
    """A tape inside a tape: the outer one records the inner one's gradient computation.

    Because `t1.gradient` runs inside `t2`'s `with` block, its operations are recorded too,
    and t2 can differentiate them: d²(x³)/dx² = 6x = 6 at x = 1.
    """
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


def input_gradient_regularization() -> list[Check]:
    r"""Penalise a model's input gradient: a gradient of a gradient's size, with two tapes.

    A small input gradient makes the output hard to move by nudging the input (a defence
    against adversarial examples). The inner tape gives g1 = dout/dx; its norm m = ‖g1‖ is a
    scalar, and the outer tape differentiates m with respect to the layer's weights. By hand,
    for out = Σ relu(xW + b)²: g1 = 2·H·Wᵀ with H = relu(xW + b), and m depends on W twice,
    through H and through Wᵀ, which is why the outer tape must see the inner one's work.

    $$\frac{\partial m}{\partial W} = \frac{2}{m}\left(g_1^\top H + x^\top\big((g_1 W)
    \odot [xW + b > 0]\big)\right)$$
    """
    x = tf.random.stateless_normal([7, 5], seed=[1, 1])
    layer = keras.layers.Dense(10, activation=tf.nn.relu,
                               kernel_initializer=keras.initializers.GlorotUniform(seed=1))
    with tf.GradientTape() as t2:
        with tf.GradientTape(watch_accessed_variables=False) as t1:
            t1.watch(x)  # the inner tape: the gradient with respect to the input only
            out = tf.reduce_sum(layer(x) ** 2)
        g1 = t1.gradient(out, x)  # 1. the input gradient
        g1_mag = tf.norm(g1)  # 2. its magnitude
    dg1_mag = t2.gradient(g1_mag, layer.trainable_variables)  # 3. its gradient wrt the model
    # The same by hand, in float64: G = 2·H·Wᵀ, m = ‖G‖, and both paths from W to m.
    x_np = x.numpy().astype(np.float64)
    W, b = layer.kernel.numpy().astype(np.float64), layer.bias.numpy().astype(np.float64)
    z = x_np @ W + b
    H, on = np.maximum(z, 0), (z > 0).astype(np.float64)
    G = 2 * H @ W.T
    m = np.linalg.norm(G)
    through_H = (G @ W) * on  # the path through relu(xW + b)
    return [
        check_close("g1 = 2·relu(xW + b)·Wᵀ", g1, G),
        check_close("d‖g1‖/dweights has the weights' shapes", [g.shape.as_list()
                                                               for g in dg1_mag], [[5, 10], [10]]),
        check_close("d‖g1‖/dW = (2/m)(g1ᵀH + xᵀ((g1W)⊙[z > 0]))", dg1_mag[0],
                    2 / m * (G.T @ H + x_np.T @ through_H)),
        check_close("d‖g1‖/db = (2/m)·Σ (g1W)⊙[z > 0]", dg1_mag[1],
                    2 / m * through_H.sum(axis=0)),
    ]


def jacobian_of_a_scalar_source() -> list[Check]:
    """`tape.jacobian` keeps every output's derivative separate instead of summing them.

    With a scalar source the Jacobian has the target's shape: here dy[i]/dδ for y =
    sigmoid(x + δ) at each of 201 points, σ'(x) = σ(x)(1 - σ(x)).
    """
    x = tf.linspace(-10.0, 10.0, 200 + 1)
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x + delta)
    dy_dx = tape.jacobian(y, delta)  # σ'(x) = σ(x)(1 - σ(x)) at each of 201 points
    s = 1 / (1 + np.exp(-np.linspace(-10.0, 10.0, 201)))
    return [
        check_close("the Jacobian has the target's shape", dy_dx.shape.as_list(), [201]),
        check_close("jacobian of sigmoid(x + δ) w.r.t. the scalar δ", dy_dx, s * (1 - s)),
    ]


def plot_the_sigmoid_jacobian(figures_dir: Path) -> Path:
    """The guide's figure: y = sigmoid(x + δ) and its Jacobian with respect to δ, from one tape.

    Each point's derivative is kept on its own: the bell-shaped curve peaks at 1/4 where the
    sigmoid is steepest.
    """
    x = tf.linspace(-10.0, 10.0, 200 + 1)
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x + delta)
    dy_dx = tape.jacobian(y, delta)
    return plot_curves(x.numpy(), {"y": y.numpy(), "dy/dδ (tape.jacobian)": dy_dx.numpy()},
                       path=Path(figures_dir) / "advanced_autodiff_sigmoid_jacobian.png",
                       title="The Jacobian of sigmoid(x + δ) with respect to δ")


def jacobian_of_a_tensor_source() -> list[Check]:
    """With a matrix source the Jacobian has the target's shape followed by the source's.

    For y = tanh(x @ w), dy[i, j]/dw[k, l] = (1 - y[i, j]²)·x[i, k] when j = l, else 0. Summed
    over the target's axes, the Jacobian is the gradient of the sum, which is exactly what
    `tape.gradient` computes.
    """
    x = tf.random.stateless_normal([7, 5], seed=[1, 2])
    w = tf.Variable(tf.random.stateless_normal([5, 10], seed=[3, 4]) * 0.3)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.tanh(x @ w)  # shape (7, 10)
    j = tape.jacobian(y, w)  # shape (7, 10, 5, 10)
    g = tape.gradient(y, w)  # the gradient of the sum of y
    x_np, y_np = x.numpy().astype(np.float64), np.tanh(x.numpy() @ w.numpy()).astype(np.float64)
    expected = np.einsum("ij,ik,jl->ijkl", 1 - y_np**2, x_np, np.eye(10))
    return [
        check_close("jacobian shape is target shape + source shape", j.shape.as_list(),
                    [7, 10, 5, 10]),
        check_close("dy[i, j]/dw[k, l] = (1 - y²)·x[i, k]·[j = l]", j, expected),
        check_close("summed over the target's axes, the Jacobian is Σ dy/dw",
                    tf.reduce_sum(j, axis=[0, 1]), expected.sum(axis=(0, 1))),
        check_close("which is what tape.gradient computes", g, expected.sum(axis=(0, 1))),
    ]


def hessian_with_nested_tapes() -> list[Check]:
    """A Hessian is the Jacobian of the gradient: nest a tape, then call `jacobian`.

    L = w0²·w1 + w1³ at (1, 2): the gradient is [2w0w1, w0² + 3w1²] = [4, 13] and the
    Hessian [[2w1, 2w0], [2w0, 6w1]] = [[4, 2], [2, 12]], symmetric as second derivatives are.
    """
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


def newton_step_with_a_hessian() -> list[Check]:
    """A Newton step solves H·update = g, then moves w by -update; on a quadratic it lands.

    For L = ½wᵀQw - bᵀw the Hessian is Q and the gradient Qw - b, so one step from anywhere
    reaches the minimum Q⁻¹b. Flatten the Hessian into a matrix and the gradient into a
    column, and solve with `tf.linalg.solve` rather than inverting H, which is slower and less
    accurate. The guide adds a small ε·I to H so that the solve cannot fail on a singular one.
    """
    Q = tf.constant([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
    b = tf.constant([1.0, -2.0, 0.5])
    w = tf.Variable([0.5, 0.5, 0.5])
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            L = 0.5 * tf.tensordot(w, tf.linalg.matvec(Q, w), 1) - tf.tensordot(b, w, 1)
        g = t1.gradient(L, w)  # Qw - b
    h = t2.jacobian(g, w)  # Q
    n_params = tf.reduce_prod(w.shape)
    g_vec = tf.reshape(g, [n_params, 1])
    h_mat = tf.reshape(h, [n_params, n_params])
    update = tf.linalg.solve(h_mat, g_vec)  # H⁻¹·g, without forming H⁻¹
    w.assign_sub(tf.reshape(update, w.shape))
    Q_np, b_np = Q.numpy().astype(np.float64), b.numpy().astype(np.float64)
    return [
        check_close("the Hessian of ½wᵀQw - bᵀw is Q", h_mat, Q_np),
        check_close("one Newton step reaches the minimum Q⁻¹b", w, np.linalg.solve(Q_np, b_np)),
    ]


def batch_jacobian() -> list[Check]:
    """When each example's outputs depend only on its own inputs, `batch_jacobian` skips zeros.

    The full Jacobian of y (batch, outs) with respect to x (batch, ins) has shape (7, 6, 7, 5),
    but every block between two different examples is zero. `batch_jacobian` computes only the
    (7, 6, 5) diagonal blocks: it differentiates each output feature summed over the batch,
    which is the full Jacobian summed over its first batch axis (the outputs' examples), and
    where the other blocks are zero that sum is the diagonal block. Through two elu layers
    each block is diag(elu'(z2))·W2ᵀ·diag(elu'(z1))·W1ᵀ.
    """
    x = tf.random.stateless_normal([7, 5], seed=[5, 6])
    layer1 = keras.layers.Dense(8, activation=tf.nn.elu,
                                kernel_initializer=keras.initializers.GlorotUniform(seed=2))
    layer2 = keras.layers.Dense(6, activation=tf.nn.elu,
                                kernel_initializer=keras.initializers.GlorotUniform(seed=3))
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = layer2(layer1(x))
    j = tape.jacobian(y, x)  # (batch, outs, batch, ins)
    jb = tape.batch_jacobian(y, x)  # (batch, outs, ins)
    w1, w2 = layer1.kernel.numpy().astype(np.float64), layer2.kernel.numpy().astype(np.float64)
    z1 = x.numpy() @ w1 + layer1.bias.numpy()
    z2 = np.where(z1 > 0, z1, np.expm1(z1)) @ w2 + layer2.bias.numpy()
    slope = lambda z: np.where(z > 0, 1.0, np.exp(z))  # noqa: E731 - elu'(z)
    blocks = np.einsum("bo,io,bi,ki->bok", slope(z2), w2, slope(z1), w1)
    off_diagonal = j.numpy() * (1 - np.eye(7))[:, None, :, None]
    return [
        check_close("the full Jacobian's shape", j.shape.as_list(), [7, 6, 7, 5]),
        check_close("blocks between different examples are zero", np.abs(off_diagonal).max(),
                    0.0),
        check_close("batch_jacobian has shape (batch, outs, ins)", jb.shape.as_list(),
                    [7, 6, 5]),
        check_close("each block is diag(elu'(z2))·W2ᵀ·diag(elu'(z1))·W1ᵀ", jb, blocks),
        check_close("and equals the full Jacobian summed over its first batch axis",
                    tf.transpose(tf.reduce_sum(j, axis=0), [1, 0, 2]), blocks),
    ]


def batch_jacobian_patches(j: tf.Tensor) -> np.ndarray:
    """Lay out a (batch, outs, batch, ins) Jacobian as one image of (batch, batch) patches,
    a border of NaN around each (the guide pads with -max; NaN draws as grey, not as data)."""
    j = tf.transpose(j, [1, 0, 3, 2])  # the (batch, batch) slices as contiguous patches
    j = tf.pad(j, [[0, 0], [1, 1], [0, 0], [1, 1]], constant_values=np.nan)
    s = j.shape
    return tf.reshape(j, [s[0] * s[1], s[2] * s[3]]).numpy()


def plot_batch_jacobian_structure(figures_dir: Path) -> Path:
    """The guide's picture of independence: each (batch, batch) patch is diagonal.

    Each patch is one (output feature, input feature) pair's derivatives between the 7
    examples of the batch; only an example's own input moves its output, so only the diagonal
    is lit. Grey borders separate the 6 × 5 patches.
    """
    x = tf.random.stateless_normal([7, 5], seed=[5, 6])
    layer1 = keras.layers.Dense(8, activation=tf.nn.elu,
                                kernel_initializer=keras.initializers.GlorotUniform(seed=2))
    layer2 = keras.layers.Dense(6, activation=tf.nn.elu,
                                kernel_initializer=keras.initializers.GlorotUniform(seed=3))
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = layer2(layer1(x))
    j = tape.jacobian(y, x)
    return plot_matrix(batch_jacobian_patches(j),
                       path=Path(figures_dir) / "advanced_autodiff_batch_jacobian.png",
                       title="All (batch, batch) slices are diagonal",
                       labels=([""] * 54, [""] * 45))


def batch_norm_breaks_independence() -> list[Check]:
    """`batch_jacobian` trusts you: BatchNormalization in training mode mixes the examples.

    It normalises each feature across the batch, so every example's output depends on every
    input, and the off-diagonal blocks are no longer zero. `batch_jacobian` checks only that
    the first axes match, and still returns a (7, 6, 5) result: the full Jacobian summed over
    its first batch axis, how each example's input moves the whole batch's outputs, which is
    not any example's own derivative.
    """
    x = tf.random.stateless_normal([7, 5], seed=[5, 6])
    layer1 = keras.layers.Dense(8, activation=tf.nn.elu,
                                kernel_initializer=keras.initializers.GlorotUniform(seed=2))
    bn = keras.layers.BatchNormalization()
    layer2 = keras.layers.Dense(6, activation=tf.nn.elu,
                                kernel_initializer=keras.initializers.GlorotUniform(seed=3))
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = layer2(bn(layer1(x), training=True))
    j = tape.jacobian(y, x)
    jb = tape.batch_jacobian(y, x)
    off_diagonal = j.numpy() * (1 - np.eye(7))[:, None, :, None]
    return [
        check_close("with BatchNormalization the off-diagonal blocks are not zero",
                    bool(np.abs(off_diagonal).max() > 1e-3), True,
                    note=f"largest off-diagonal entry {np.abs(off_diagonal).max():.3f}"),
        check_close("batch_jacobian still returns shape (7, 6, 5)", jb.shape.as_list(),
                    [7, 6, 5]),
        check_close("it is the full Jacobian summed over its first batch axis", jb,
                    tf.transpose(tf.reduce_sum(j, axis=0), [1, 0, 2]).numpy(), rtol=1e-4,
                    atol=1e-5),
        check_close("which is not the diagonal blocks, each example's own derivative",
                    bool(np.abs(jb.numpy() - np.einsum("bobi->boi", j.numpy())).max() > 1e-3),
                    True),
    ]


def forward_mode_jvp() -> list[Check]:
    """Forward mode pushes a tangent along with the values: one pass gives J·v.

    Reverse mode gives a row of the Jacobian per backward pass; forward mode gives the
    Jacobian times one direction v per forward pass, cheaper when there are few inputs and
    many outputs. For y = x³, J = diag(3x²), so J·v = [3, 6] for x = [1, 2], v = [1, 0.5].
    """
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
    """Two nested tapes over a whole grid give f′ and f″ at every point at once.

    f is elementwise, so the gradient of Σf gives each point's own slope, and the outer tape
    differentiates those slopes again. The closed forms come from the product rule.
    """
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
    """Plot f, f′ and f″ from nested tapes, with the closed forms dashed on top.

    Where f′ crosses zero f has a peak or a valley; where f″ crosses zero f bends the other way.
    """
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
    """A bigger Hessian, the one the heat map shows: A - diag(sin w), and symmetric.

    The quadratic part contributes A everywhere; each sin(w[i]) adds its own second derivative
    -sin(w[i]) on the diagonal only, since it depends on one variable.
    """
    w = tf.Variable(tf.linspace(-1.5, 1.5, 6))
    H = hessian_of_quadratic_plus_sine(w)
    expected = A - np.diag(np.sin(np.linspace(-1.5, 1.5, 6)))
    return [
        check_close("Hessian of ½wᵀAw + Σ sin(w) is A - diag(sin w)", H, expected),
        check_close("and symmetric", H, tf.transpose(H)),
    ]


def plot_hessian_heat_map(figures_dir: Path) -> Path:
    """Draw that Hessian as a heat map: the coupling between each pair of variables.

    The colours are centred on 0: red is positive and blue would be negative (this Hessian
    has no negative entry); the diagonal carries A's entries minus sin(w).
    """
    H = hessian_of_quadratic_plus_sine(tf.Variable(tf.linspace(-1.5, 1.5, 6)))
    return plot_matrix(H, path=Path(figures_dir) / "advanced_autodiff_hessian.png",
                       title="Hessian of ½wᵀAw + Σ sin(w)",
                       labels=[f"w{i}" for i in range(6)])


def taylor_test_tells_right_from_wrong() -> list[Check]:
    """Is g the gradient? Shrink a step h along a direction u and watch the remainder.

    f(w + h·u) = f(w) + h·uᵀ∇f + O(h²), so r(h) = |f(w + h·u) - f(w) - h·uᵀg| shrinks as h²
    when g is the gradient and only as h when it is not: halving h divides r by 4, or by 2.
    The observed order needs no tolerance at all. Here g is right, then misses the product
    rule's sin(w) term, and `taylor_test` measures the same orders.
    """
    w = tf.constant([0.3, -1.2, 0.7], tf.float64)
    u = tf.constant([1.0, -1.0, 1.0], tf.float64)

    def f(w):
        return tf.reduce_sum(tf.sin(w) * w)  # ∇f = sin(w) + w·cos(w)

    right = tf.sin(w) + w * tf.cos(w)
    wrong = w * tf.cos(w)  # the product rule's first term forgotten
    h = 2.0 ** -np.arange(4, 12)
    r_right = [abs(float(f(w + s * u) - f(w) - s * tf.tensordot(u, right, 1))) for s in h]
    r_wrong = [abs(float(f(w + s * u) - f(w) - s * tf.tensordot(u, wrong, 1))) for s in h]
    order_right = np.polyfit(np.log(h), np.log(r_right), 1)[0]  # the slope on log-log axes
    order_wrong = np.polyfit(np.log(h), np.log(r_wrong), 1)[0]
    helper = taylor_test(f, w.numpy(), gradient=lambda w: w * np.cos(w))
    return [
        check_close("the right gradient's remainder shrinks as h²", order_right, 2.0, atol=0.05),
        check_close("a wrong gradient's remainder shrinks as h", order_wrong, 1.0, atol=0.05),
        check_close("taylor_test measures the same for the wrong one", helper.order, 1.0,
                    atol=0.05, note=str(helper).splitlines()[-1].strip()),
    ]


def plot_taylor_remainder(figures_dir: Path) -> Path:
    """Draw the Taylor remainder against h on log-log axes, with slope-1 and slope-2 guides.

    The right gradient's line runs parallel to slope 2 down to where float64 rounding takes
    over (about 1e-15); the wrong one runs parallel to slope 1 all the way down.
    """
    return plot_taylor(lambda w: tf.reduce_sum(tf.sin(w) * w), np.array([0.3, -1.2, 0.7]),
                       gradients={"missing sin(w): w·cos(w)": lambda w: w * np.cos(w)},
                       path=Path(figures_dir) / "advanced_autodiff_taylor.png",
                       title="Taylor remainder: slope 2 for the gradient, 1 otherwise")


def why_the_step_is_eps_cube_root() -> list[Check]:
    """A central difference errs by h²·|f‴|/6 (truncation) plus about eps·|f|/h (rounding).

    Small steps drown in rounding, large ones in curvature; the sum is smallest near
    h = eps^(1/3), about 5e-3 in float32 and 6e-6 in float64, where the error is about
    eps^(2/3). Here f = sin at w = 1, compared with cos(1) over 49 steps in each dtype.
    """
    steps = 10.0 ** np.linspace(-12, 0, 49)
    best = {}
    for dtype in (tf.float32, tf.float64):
        plus, minus = tf.constant(1.0 + steps, dtype), tf.constant(1.0 - steps, dtype)
        taken = (plus - minus).numpy().astype(np.float64)  # the steps the dtype can hold
        with np.errstate(divide="ignore", invalid="ignore"):
            central = (tf.sin(plus) - tf.sin(minus)).numpy().astype(np.float64) / taken
        error = np.where(taken > 0, np.abs(central - np.cos(1.0)), np.inf)
        best[dtype.name] = (steps[np.argmin(error)], error.min())
    eps32, eps64 = np.finfo(np.float32).eps, np.finfo(np.float64).eps
    return [
        check_close("float32's best step is within 10× of eps^(1/3)",
                    bool(abs(np.log10(best["float32"][0] / np.cbrt(eps32))) <= 1), True,
                    note=f"best h {best['float32'][0]:.1e}, eps^(1/3) {np.cbrt(eps32):.1e}"),
        check_close("float64's best step is within 10× of eps^(1/3)",
                    bool(abs(np.log10(best["float64"][0] / np.cbrt(eps64))) <= 1), True,
                    note=f"best h {best['float64'][0]:.1e}, eps^(1/3) {np.cbrt(eps64):.1e}"),
        check_close("the smallest errors are about eps^(2/3)",
                    [bool(best["float32"][1] < 10 * np.cbrt(eps32) ** 2),
                     bool(best["float64"][1] < 10 * np.cbrt(eps64) ** 2)], [True, True]),
    ]


def plot_finite_difference_error(figures_dir: Path) -> Path:
    """The V of finite differences: error against step, float32 and float64, eps^(1/3) marked.

    The left arm is rounding, which grows as 1/h; the right arm is truncation, which grows as
    h². Their meeting point is the best step, and `check_gradient` starts there.
    """
    return plot_step_error(tf.sin, 1.0, np.cos,
                           path=Path(figures_dir) / "advanced_autodiff_step_error.png",
                           title="Central difference error of sin′(1) against the step h")


EXAMPLES = [
    stop_recording,
    reset_the_tape,
    stop_gradient,
    custom_gradient_clipping,
    custom_gradients_in_a_saved_model,
    custom_gradient_for_stability,
    a_broken_custom_gradient_is_caught,
    two_tapes_watching_different_tensors,
    higher_order_gradients,
    input_gradient_regularization,
    jacobian_of_a_scalar_source,
    plot_the_sigmoid_jacobian,
    jacobian_of_a_tensor_source,
    hessian_with_nested_tapes,
    newton_step_with_a_hessian,
    batch_jacobian,
    plot_batch_jacobian_structure,
    batch_norm_breaks_independence,
    forward_mode_jvp,
    derivatives_over_a_grid,
    plot_derivatives_of_a_smooth_function,
    hessian_of_six_variables,
    plot_hessian_heat_map,
    taylor_test_tells_right_from_wrong,
    plot_taylor_remainder,
    why_the_step_is_eps_cube_root,
    plot_finite_difference_error,
]
