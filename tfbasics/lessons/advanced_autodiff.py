"""Advanced automatic differentiation

Stop and reset the tape, write your own gradients, and take Jacobians, Hessians and
forward-mode products. Then check a gradient: `check_gradient`, the Taylor test, the step of
differences.

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

from tfbasics import (
    check_gradient,
    plot_curves,
    plot_derivatives,
    plot_matrix,
    plot_step_error,
    plot_taylor,
    taylor_test,
)
from tfbasics.checks import Check, check_close


def controlling_the_tape() -> list[Check]:
    """Three ways to keep y out of the gradient: dz/dy is None each time.

    `t.stop_recording()` records nothing inside it (for work such as logging); `t.reset()`
    throws away what was recorded so far (a new tape is often clearer); `tf.stop_gradient`
    blocks one path and needs no tape."""
    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as t1:
        x_sq = x * x
        with t1.stop_recording():
            y_sq = y * y  # not recorded
        z1 = x_sq + y_sq
    with tf.GradientTape() as t2:
        y_sq = y * y
        t2.reset()  # throw out all the tape recorded so far
        z2 = x * x + y_sq
    with tf.GradientTape() as t3:
        z3 = x**2 + tf.stop_gradient(y**2)
    tapes = [(t1, z1), (t2, z2), (t3, z3)]
    grads = [t.gradient(z, {"x": x, "y": y}) for t, z in tapes]
    for grad in grads:
        print(grad["x"], grad["y"])  # dz/dx = 2x → 4, and dz/dy
    # Verify
    ways = ["with stop_recording", "after the reset", "with stop_gradient"]
    why = ["y² was not recorded", "y² was recorded before reset", "stop_gradient blocks it"]
    return [check for way, reason, grad in zip(ways, why, grads, strict=True) for check in [
        check_close(f"dz/dx at x = 2 {way}", grad["x"], 2 * 2.0, by="by hand 2x"),
        check_close(f"dz/dy {way}", grad["y"], None, by=f"the guide: {reason}"),
    ]]


@tf.custom_gradient
def clip_gradients(y):  # y unchanged; the gradient back clipped to norm 0.5
    def backward(dy):
        return tf.clip_by_norm(dy, 0.5)
    return y, backward


def custom_gradient_clipping() -> list[Check]:
    """`tf.custom_gradient` replaces a gradient. `backward` clips dy to norm 0.5: the tape gives
    0.5·2v."""
    grads = {}
    for value in (2.0, 0.1):
        v = tf.Variable(value)
        with tf.GradientTape() as t:
            output = clip_gradients(v * v)
        grads[value] = t.gradient(output, v)
        print(grads[value])  # dy = 1 clipped to 0.5, times 2v
    # Verify
    return [
        check_close("the clipped gradient at v = 2", grads[2.0], 0.5 * 2 * 2.0,
                    by="by hand 0.5·2v"),
        check_close("the clipped gradient at v = 0.1", grads[0.1], 0.5 * 2 * 0.1,
                    by="by hand 0.5·2v"),
    ]


# A fresh Python loads each SavedModel given on its command line, differentiates
# call_custom_grad(v²) at v = 2, and prints the gradient or the name of the error TF raises.
_LOAD_AND_DIFFERENTIATE = """
import sys
import tensorflow as tf
for path in sys.argv[1:]:
    try:
        loaded = tf.saved_model.load(path)
        v = tf.Variable(2.0)
        with tf.GradientTape() as t:
            output = loaded.call_custom_grad(v * v)
        print(float(t.gradient(output, v)))
    except Exception as error:
        print(type(error).__name__)
"""


def _gradients_in_a_fresh_process(paths: list[str]) -> list[float | str]:
    """Load each SavedModel in a new Python process, in order, and return the gradient of
    `call_custom_grad(v²)` at v = 2 for each, or the name of the error TF raised.

    A fresh process knows only what the SavedModel carries: the process that saved a model
    still has the custom gradient in its gradient registry, whatever the model kept.
    """
    import subprocess  # here, so that this helper's notebook cell stands on its own
    import sys

    result = subprocess.run([sys.executable, "-c", _LOAD_AND_DIFFERENTIATE, *paths],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    lines = result.stdout.split()
    if result.returncode != 0 or len(lines) != len(paths):
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1][:80]
        return [f"the fresh process failed (exit {result.returncode}): {tail}"] * len(paths)
    return [_number_or_name(line) for line in lines]


def _number_or_name(text: str) -> float | str:
    """Return '2.0' as the number 2.0, and an error's name such as 'LookupError' as it is."""
    try:
        return float(text)
    except ValueError:
        return text


def custom_gradients_in_a_saved_model() -> list[Check]:
    """A SavedModel keeps a custom gradient with `experimental_custom_gradients=True`.

    In TF 2.21 it is also the default. Saved without it, only the saving process (whose
    registry knows `clip_gradients`) can differentiate: a fresh process raises `LookupError`.
    """
    class MyModule(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec(None)])
        def call_custom_grad(self, x):
            return clip_gradients(x)

    model = MyModule()
    export_dir = os.path.join(tempfile.mkdtemp(), "saved_model")
    options = tf.saved_model.SaveOptions(experimental_custom_gradients=True)
    tf.saved_model.save(model, export_dir, options=options)
    v = tf.Variable(2.0)
    loaded = tf.saved_model.load(export_dir)
    with tf.GradientTape() as t:
        output = loaded.call_custom_grad(v * v)
    dv = t.gradient(output, v)
    print(dv)  # the clipped gradient, as before: 2
    # Verify
    folder = os.path.dirname(export_dir)
    without = os.path.join(folder, "without")
    tf.saved_model.save(model, without, options=tf.saved_model.SaveOptions(
        experimental_custom_gradients=False))
    try:
        fresh_without, fresh_with = _gradients_in_a_fresh_process([without, export_dir])
    finally:
        shutil.rmtree(folder)
    return [
        check_close("the loaded gradient here", dv, 0.5 * 2 * 2.0, by="by hand 0.5·2v"),
        check_close("loaded in a fresh process", fresh_with, 0.5 * 2 * 2.0,
                    by="by hand 0.5·2v"),
        check_close("saved without the option, loaded in a fresh process", fresh_without,
                    "LookupError", by="the guide"),
        check_close("SaveOptions' default", tf.saved_model.SaveOptions()
                    .experimental_custom_gradients, True, by="the TF 2.21 API docs"),
    ]


@tf.custom_gradient
def log1pexp(x):  # log(1 + eˣ), with a gradient that stays finite for large x
    e = tf.exp(x)
    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))  # = sigmoid(x), 1 when e is inf
    return tf.math.log(1 + e), grad


def custom_gradient_for_stability() -> list[Check]:
    """In float32 e¹⁰⁰ is inf and the plain gradient 0·inf = NaN. Written as 1 - 1/(1 + eˣ) it
    gives 1."""
    x = tf.constant(100.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        naive = tf.math.log(1 + tf.exp(x))
        stable = log1pexp(x)
    print(t.gradient(naive, x), t.gradient(stable, x))  # NaN, sigmoid(100) = 1
    # Verify
    d_naive, d_stable = t.gradient(naive, x), t.gradient(stable, x)  # a persistent tape
    return [
        check_close("isnan(the plain gradient at x = 100)", bool(np.isnan(d_naive)), True,
                    by="by hand 0·inf"),
        check_close("the custom gradient at x = 100", d_stable, 1 / (1 + np.exp(-100.0)),
                    by="NumPy sigmoid(100)"),
    ]


@tf.custom_gradient
def broken_square(x):  # x², with a gradient wrong on purpose: 3x, not 2x
    def grad(upstream):
        return upstream * 3 * x
    return x * x, grad


def a_broken_custom_gradient_is_caught() -> list[Check]:
    """A custom gradient can be wrong: here the tape says 6. Forward mode and differences say
    4."""
    verdict = check_gradient(broken_square, 2.0, analytic=lambda x: 2 * x)
    print(verdict)
    # Verify
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = broken_square(x)
    return [
        check_close("the tape's gradient at x = 2", tape.gradient(y, x), 3 * 2.0,
                    by="by hand the custom 3x"),
        check_close("check_gradient's verdict and culprit", [verdict.passed, verdict.culprit],
                    [False, "reverse"], by="by hand: 3x is not d(x²)/dx = 2x"),
    ]


def two_tapes_watching_different_tensors() -> list[Check]:
    """Several tapes can record at once. Each gives the gradient with respect to what it
    watched."""
    x0, x1 = tf.constant(0.0), tf.constant(0.0)
    with tf.GradientTape() as tape0, tf.GradientTape() as tape1:
        tape0.watch(x0)
        tape1.watch(x1)
        ys = tf.math.sin(x0) + tf.nn.sigmoid(x1)
    dys_dx0 = tape0.gradient(ys, x0)
    dys_dx1 = tape1.gradient(ys, x1)
    print(dys_dx0.numpy(), dys_dx1.numpy())  # cos(0) = 1, σ(0)·(1 - σ(0)) = 0.25
    # Verify
    return [
        check_close("tape0's dys/dx0 at 0", dys_dx0, np.cos(0.0), by="NumPy cos(0)"),
        check_close("tape1's dys/dx1 at 0", dys_dx1, 0.5 * (1 - 0.5),
                    by="by hand σ(0)(1 - σ(0))"),
    ]


def higher_order_gradients() -> list[Check]:
    r"""Nest tapes for second derivatives: the outer tape records `t1.gradient` and
    differentiates it again. The guide's use: penalise ‖g1‖, the input gradient's size, a
    defence against adversarial examples.

    $$\frac{\partial \lVert g_1\rVert}{\partial W} = \frac{2}{\lVert g_1\rVert}\left(g_1^\top H
    + x^\top\big((g_1 W) \odot [xW + b > 0]\big)\right), \quad H = \mathrm{relu}(xW + b)$$
    """
    x = tf.Variable(1.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = x * x * x
        dy_dx = t1.gradient(y, x)  # recorded by t2, so differentiable too
    d2y_dx2 = t2.gradient(dy_dx, x)
    print(dy_dx.numpy(), d2y_dx2.numpy())  # 3x² → 3.0, 6x → 6.0

    keras.utils.set_random_seed(1)  # the same x and weights on every run
    x = tf.random.normal([7, 5])
    layer = keras.layers.Dense(10, activation=tf.nn.relu)
    with tf.GradientTape() as t2:
        with tf.GradientTape(watch_accessed_variables=False) as t1:  # x only
            t1.watch(x)
            out = tf.reduce_sum(layer(x) ** 2)
        g1 = t1.gradient(out, x)  # 1. the input gradient
        g1_mag = tf.norm(g1)  # 2. its magnitude
    dg1_mag = t2.gradient(g1_mag, layer.trainable_variables)  # 3. its gradient
    print([var.shape for var in dg1_mag])
    # Verify
    x_np = x.numpy().astype(np.float64)
    W, b = layer.kernel.numpy().astype(np.float64), layer.bias.numpy().astype(np.float64)
    z = x_np @ W + b
    H, on = np.maximum(z, 0), (z > 0).astype(np.float64)
    G = 2 * H @ W.T
    m = np.linalg.norm(G)
    through_H = (G @ W) * on  # the path through relu(xW + b)
    return [
        check_close("dy/dx of x³ at x = 1", dy_dx, 3 * 1.0**2, by="by hand 3x²"),
        check_close("d²y/dx² at x = 1", d2y_dx2, 6 * 1.0, by="by hand 6x"),
        check_close("d‖g1‖/dW", dg1_mag[0],
                    (2 / m * (G.T @ H + x_np.T @ through_H)).astype(np.float32),
                    by="by hand (2/‖g1‖)(g1ᵀH + xᵀ((g1W)⊙[z > 0]))"),
        check_close("d‖g1‖/db", dg1_mag[1], (2 / m * through_H.sum(axis=0)).astype(np.float32),
                    by="by hand (2/‖g1‖)·Σ(g1W)⊙[z > 0]"),
    ]


def jacobians() -> list[Check]:
    """`tape.jacobian` keeps each output's derivative apart. For a scalar source it has the
    target's shape; for a tensor source, the target's then the source's, and summed over the
    target's axes it is the gradient.
    """
    x = tf.linspace(-10.0, 10.0, 200 + 1)
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x + delta)
    dy_dx = tape.jacobian(y, delta)  # σ'(x) = σ(x)(1 - σ(x)) at each point
    print(y.shape, dy_dx.shape)

    x = tf.random.stateless_normal([7, 5], seed=[1, 2])
    w = tf.Variable(tf.random.stateless_normal([5, 10], seed=[3, 4]) * 0.3)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.tanh(x @ w)
    j = tape.jacobian(y, w)
    g = tape.gradient(y, w)  # the gradient of the sum of y
    print("y:", y.shape, "w:", w.shape, "j:", j.shape, "g:", g.shape)
    # Verify
    s = 1 / (1 + np.exp(-np.linspace(-10.0, 10.0, 201, dtype=np.float32)))
    x_np = x.numpy().astype(np.float64)
    y_np = np.tanh(x_np @ w.numpy().astype(np.float64))
    expected = np.einsum("ij,ik,jl->ijkl", 1 - y_np**2, x_np, np.eye(10)).astype(np.float32)
    return [
        check_close("dy/dδ", dy_dx, s * (1 - s), by="NumPy σ(x)(1 - σ(x)) in float32"),
        check_close("dy[i, j]/dw[k, l]", j, expected, by="by hand (1 - y²)·x[i, k]·[j = l]"),
        check_close("tape.gradient(y, w)", g, expected.sum(axis=(0, 1)),
                    by="NumPy Σ of the hand Jacobian"),
    ]


def plot_the_sigmoid_jacobian(figures_dir: Path) -> Path:
    """The guide's figure: y = sigmoid(x + δ) and its Jacobian with respect to δ.

    Each point's derivative is kept on its own: the bell-shaped curve peaks at 1/4 where the
    sigmoid is steepest.
    """
    x = tf.linspace(-10.0, 10.0, 200 + 1)
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x + delta)
    dy_dx = tape.jacobian(y, delta)
    path = plot_curves(
        x.numpy(), {"y": y.numpy(), "dy/dδ (tape.jacobian)": dy_dx.numpy()},
        path=figures_dir / "advanced_autodiff_sigmoid_jacobian.png",
        title="The Jacobian of sigmoid(x + δ) with respect to δ")
    return path


def hessian_with_nested_tapes() -> list[Check]:
    """A Hessian is the Jacobian of the gradient: nest a tape, call `jacobian`. A Newton step
    solves H·update = g (the guide adds ε·I to H, in case it is singular); on a quadratic
    ½wᵀQw - bᵀw one step lands on the minimum Q⁻¹b.
    """
    w = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            L = w[0] ** 2 * w[1] + w[1] ** 3
        dL_dw = t1.gradient(L, w)  # [2·w0·w1, w0² + 3·w1²]
    H = t2.jacobian(dL_dw, w)  # [[2·w1, 2·w0], [2·w0, 6·w1]]
    print(H.numpy())

    Q = tf.constant([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
    b = tf.constant([1.0, -2.0, 0.5])
    w = tf.Variable([0.5, 0.5, 0.5])
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            L = 0.5 * tf.tensordot(w, tf.linalg.matvec(Q, w), 1)
            L -= tf.tensordot(b, w, 1)
        g = t1.gradient(L, w)  # Qw - b
    h = t2.jacobian(g, w)  # Q
    n = tf.reduce_prod(w.shape)  # flatten: H as a matrix, g as a column
    update = tf.linalg.solve(tf.reshape(h, [n, n]), tf.reshape(g, [n, 1]))
    w.assign_sub(tf.reshape(update, w.shape))
    print(w.numpy())
    # Verify
    w0, w1 = 1.0, 2.0
    Q_np, b_np = Q.numpy().astype(np.float64), b.numpy().astype(np.float64)
    return [
        check_close("the gradient at (1, 2)", dL_dw, [2 * w0 * w1, w0**2 + 3 * w1**2],
                    by="by hand [2w0w1, w0² + 3w1²]"),
        check_close("the Hessian at (1, 2)", H, [[2 * w1, 2 * w0], [2 * w0, 6 * w1]],
                    by="by hand [[2w1, 2w0], [2w0, 6w1]]"),
        check_close("the Hessian of ½wᵀQw - bᵀw", h, Q_np, by="by hand Q"),
        check_close("w after one Newton step", w, np.linalg.solve(Q_np, b_np),
                    by="NumPy's minimum Q⁻¹b"),
    ]


def _elu(z: np.ndarray) -> np.ndarray:
    """elu(z) in NumPy: z where z > 0, else eᶻ - 1."""
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))


def _elu_slope(z: np.ndarray) -> np.ndarray:
    """elu'(z) in NumPy: 1 where z > 0, else eᶻ."""
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0)))


def _batch_norm_jacobian(a: np.ndarray, gamma: np.ndarray, epsilon: float) -> np.ndarray:
    """Return d bn(a)[b, h] / d a[c, h] as a (batch, batch, features) array, by hand.

    In training mode bn(a) = gamma·(a - μ)/s with μ and s² = var + epsilon taken over the
    batch, so d(a - μ)_b/da_c = δ_bc - 1/B and ds/da_c = (a_c - μ)/(B·s):
    d bn_b/da_c = gamma·((δ_bc - 1/B)/s - â_b·â_c/(B·s)), with â = (a - μ)/s.
    """
    batch = a.shape[0]
    s = np.sqrt(a.var(axis=0) + epsilon)
    a_hat = (a - a.mean(axis=0)) / s
    delta = np.eye(batch)[:, :, None] - 1 / batch
    return gamma * (delta / s - np.einsum("bh,ch->bch", a_hat, a_hat) / (batch * s))


def batch_jacobian() -> list[Check]:
    """If each example's outputs depend only on its inputs, `batch_jacobian` computes just the
    Jacobian's diagonal blocks. It checks only that the first axes match: after
    BatchNormalization, which mixes the batch, it returns each feature's batch sum
    differentiated.
    """
    keras.utils.set_random_seed(2)  # the same x and weights on every run
    x = tf.random.normal([7, 5])
    layer1 = keras.layers.Dense(8, activation=tf.nn.elu)
    bn = keras.layers.BatchNormalization()
    layer2 = keras.layers.Dense(6, activation=tf.nn.elu)
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = layer2(layer1(x))
        y_bn = layer2(bn(layer1(x), training=True))  # normalise across the batch
    j, jb = tape.jacobian(y, x), tape.batch_jacobian(y, x)
    j_bn, jb_bn = tape.jacobian(y_bn, x), tape.batch_jacobian(y_bn, x)
    print("j:", j.shape, "jb:", jb.shape)
    # Verify
    x_np = x.numpy().astype(np.float64)
    w1, w2 = layer1.kernel.numpy().astype(np.float64), layer2.kernel.numpy().astype(np.float64)
    z1 = x_np @ w1 + layer1.bias.numpy()
    z2 = _elu(z1) @ w2 + layer2.bias.numpy()
    blocks = np.einsum("bo,io,bi,ki->bok", _elu_slope(z2), w2, _elu_slope(z1), w1)
    between = (1 - np.eye(7))[:, None, :, None]  # 1 where two examples differ
    # With BatchNorm, by hand: elu ∘ Dense ∘ bn ∘ elu ∘ Dense, in float64.
    a = _elu(z1)
    gamma = bn.gamma.numpy().astype(np.float64)
    d_bn = _batch_norm_jacobian(a, gamma, bn.epsilon)
    n = gamma * (a - a.mean(axis=0)) / np.sqrt(a.var(axis=0) + bn.epsilon) + bn.beta.numpy()
    z2_bn = n @ w2 + layer2.bias.numpy()
    full = np.einsum("bo,ho,bch,ch,ih->boci", _elu_slope(z2_bn), w2, d_bn, _elu_slope(z1), w1)
    own = np.einsum("bobi->boi", full)  # each example's own block
    summed = full.sum(axis=0).transpose(1, 0, 2)  # over the outputs' batch axis
    return [
        check_close("the largest entry between different examples",
                    np.abs(j.numpy() * between.astype(np.float32)).max(), np.float32(0.0),
                    by="by hand: independent examples"),
        check_close("batch_jacobian", jb, blocks.astype(np.float32),
                    by="by hand diag(elu'(z2))·W2ᵀ·diag(elu'(z1))·W1ᵀ"),
        check_close("the full Jacobian with BatchNorm", j_bn, full.astype(np.float32),
                    by="by hand, with bn's Jacobian derived"),
        check_close("its largest entry between different examples",
                    np.abs(j_bn.numpy() * between.astype(np.float32)).max(),
                    np.float32(np.abs(full * between).max()), by="by hand"),
        check_close("batch_jacobian under BatchNorm", jb_bn, summed.astype(np.float32),
                    by="by hand, Σ over the outputs' batch"),
        check_close("its largest gap to each example's own block",
                    np.abs(jb_bn.numpy() - own.astype(np.float32)).max(),
                    np.float32(np.abs(summed - own).max()), by="by hand"),
    ]


def batch_jacobian_patches(j: tf.Tensor) -> np.ndarray:
    """Lay out a (batch, outs, batch, ins) Jacobian as one image of
    (batch, batch) patches, each in a border of NaN (the guide pads with -max;
    NaN draws as grey, not as data)."""
    j = tf.transpose(j, [1, 0, 3, 2])  # each (batch, batch) slice contiguous
    j = tf.pad(j, [[0, 0], [1, 1], [0, 0], [1, 1]], constant_values=np.nan)
    s = j.shape
    return tf.reshape(j, [s[0] * s[1], s[2] * s[3]]).numpy()


def plot_batch_jacobian_structure(figures_dir: Path) -> Path:
    """The guide's picture of independence: each (batch, batch) patch is diagonal.

    Each patch is one (output feature, input feature) pair's derivatives between the 7
    examples of the batch; only an example's own input moves its output, so only the
    diagonal is lit. Grey borders separate the 6 × 5 patches.
    """
    keras.utils.set_random_seed(2)  # the same x and weights on every run
    x = tf.random.normal([7, 5])
    layer1 = keras.layers.Dense(8, activation=tf.nn.elu)
    layer2 = keras.layers.Dense(6, activation=tf.nn.elu)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = layer2(layer1(x))
    j = tape.jacobian(y, x)
    path = plot_matrix(batch_jacobian_patches(j),
                       path=figures_dir / "advanced_autodiff_batch_jacobian.png",
                       title="All (batch, batch) slices are diagonal",
                       labels=([""] * 54, [""] * 45))
    return path


def forward_mode_jvp() -> list[Check]:
    """Forward mode pushes a tangent v along: one pass gives J·v. It pays with few inputs, many
    outputs."""
    x = tf.Variable([1.0, 2.0])
    v = tf.constant([1.0, 0.5])
    with tf.autodiff.ForwardAccumulator(primals=x, tangents=v) as acc:
        y = x**3
    jvp = acc.jvp(y)  # J = diag(3x²), so J·v = 3x²·v = [3, 6]
    print(jvp)
    # Verify
    return [check_close("J·v of y = x³ at [1, 2] along [1, 0.5]", jvp,
                        3 * np.array([1.0, 2.0]) ** 2 * [1.0, 0.5], by="by hand 3x²·v")]


def smooth(x):  # f(x) = sin(x)·exp(-x²/8), the function the derivatives figure shows
    return tf.sin(x) * tf.exp(-(x**2) / 8)


def smooth_d1(x):
    """f′(x) = (cos x - x·sin x / 4)·exp(-x²/8), by the product rule."""
    return (np.cos(x) - x * np.sin(x) / 4) * np.exp(-(x**2) / 8)


def smooth_d2(x):
    """f″(x) = (-sin x - x·cos x / 2 + (x²/16 - 1/4)·sin x)·exp(-x²/8)."""
    return ((-np.sin(x) - x * np.cos(x) / 2 + (x**2 / 16 - 0.25) * np.sin(x))
            * np.exp(-(x**2) / 8))


def derivatives_over_a_grid() -> list[Check]:
    """Nested tapes work over a whole grid. f is elementwise, so each point's slope is its
    own."""
    x = tf.linspace(-6.0, 6.0, 241)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = smooth(x)
        dy_dx = t1.gradient(y, x)  # f is elementwise: each slope is its own point's
    d2y_dx2 = t2.gradient(dy_dx, x)
    # Verify
    grid = np.linspace(-6.0, 6.0, 241)
    return [
        check_close("f′ of sin(x)·exp(-x²/8)", dy_dx, smooth_d1(grid).astype(np.float32),
                    by="by hand (cos x - x·sin x/4)·exp(-x²/8)"),
        check_close("f″", d2y_dx2, smooth_d2(grid).astype(np.float32),
                    by="by hand, the product rule twice"),
    ]


def plot_derivatives_of_a_smooth_function(figures_dir: Path) -> Path:
    """Plot f, f′ and f″ from nested tapes, with the closed forms dashed on top.

    Where f′ crosses zero f has a peak or a valley; where f″ crosses zero f bends the other
    way.
    """
    path = plot_derivatives(smooth, -6.0, 6.0, num=241, order=2,
                            analytic=[smooth_d1, smooth_d2],
                            path=figures_dir / "advanced_autodiff_derivatives.png",
                            title="f(x) = sin(x)·exp(-x²/8) and two derivatives",
                            label="f(x)")
    return path


A = np.array([[4, 1, 0.5, 0, 0, 0], [1, 3, 0.5, 0.5, 0, 0],
              [0.5, 0.5, 3, 1, 0.5, 0], [0, 0.5, 1, 2, 0.5, 0.5],
              [0, 0, 0.5, 0.5, 2, 1], [0, 0, 0, 0.5, 1, 1]], np.float32)


def hessian_of_quadratic_plus_sine(w):  # of L = ½wᵀAw + Σ sin(w), nested tapes
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            L = 0.5 * tf.tensordot(w, tf.linalg.matvec(A, w), 1)
            L += tf.reduce_sum(tf.sin(w))
        g = t1.gradient(L, w)  # Aw + cos(w)
    return t2.jacobian(g, w)  # A - diag(sin w)


def hessian_of_six_variables() -> list[Check]:
    """The heat map's Hessian: ½wᵀAw gives A. Each sin(w[i]) adds -sin(w[i]) on the diagonal
    only."""
    w = tf.Variable(tf.linspace(-1.5, 1.5, 6))
    H = hessian_of_quadratic_plus_sine(w)
    print([f"{d:.3f}" for d in np.diag(H)])  # A's diagonal minus sin(w)
    # Verify
    w_np = np.linspace(-1.5, 1.5, 6, dtype=np.float32)
    return [
        check_close("the Hessian", H, A - np.diag(np.sin(w_np)),
                    by="by hand A - diag(sin w)"),
        check_close("its largest asymmetry |H - Hᵀ|", np.abs(H.numpy() - H.numpy().T).max(),
                    np.float32(0.0), by="by hand: mixed partials commute"),
    ]


def plot_hessian_heat_map(figures_dir: Path) -> Path:
    """Draw that Hessian as a heat map: the coupling between each pair of variables.

    The colours are centred on 0: red is positive and blue would be negative (this Hessian
    has no negative entry); the diagonal carries A's entries minus sin(w).
    """
    H = hessian_of_quadratic_plus_sine(tf.Variable(tf.linspace(-1.5, 1.5, 6)))
    path = plot_matrix(H, path=figures_dir / "advanced_autodiff_hessian.png",
                       title="Hessian of ½wᵀAw + Σ sin(w)",
                       labels=[f"w{i}" for i in range(6)])
    return path


def taylor_test_tells_right_from_wrong() -> list[Check]:
    """Is g the gradient? r(h) = |f(w + h·u) - f(w) - h·uᵀg| shrinks as h² if it is, as h
    if not: the slope of log r against log h says which, with no tolerance to choose.
    """
    w = tf.constant([0.3, -1.2, 0.7], tf.float64)
    u = tf.constant([1.0, -1.0, 1.0], tf.float64)
    def f(w):
        return tf.reduce_sum(tf.sin(w) * w)  # ∇f = sin(w) + w·cos(w)

    right = tf.sin(w) + w * tf.cos(w)
    wrong = w * tf.cos(w)  # the product rule's first term forgotten
    h = 2.0 ** -np.arange(4, 12)
    order = {}
    for name, g in (("right", right), ("wrong", wrong)):
        r = [abs(float(f(w + s * u) - f(w) - s * tf.tensordot(u, g, 1)))
             for s in h]
        order[name] = np.polyfit(np.log(h), np.log(r), 1)[0]  # the slope
        print(name, "order:", round(order[name], 2))
    # Verify
    result = taylor_test(f, w.numpy(), gradient=lambda w: w * np.cos(w))
    return [
        check_close("the right gradient's order", order["right"], 2.0, atol=0.05,
                    by="Taylor: r = O(h²)"),
        check_close("the wrong gradient's order", order["wrong"], 1.0, atol=0.05,
                    by="Taylor: r = O(h)"),
        check_close("taylor_test's order for the wrong one", result.order, 1.0, atol=0.05,
                    by="Taylor: r = O(h)"),
    ]


def plot_taylor_remainder(figures_dir: Path) -> Path:
    """Draw the Taylor remainder against h on log-log axes, with slope-1 and slope-2 guides.

    The right gradient's line runs parallel to slope 2 down to where float64 rounding takes
    over (about 1e-15); the wrong one runs parallel to slope 1 all the way down.
    """
    path = plot_taylor(
        lambda w: tf.reduce_sum(tf.sin(w) * w), np.array([0.3, -1.2, 0.7]),
        gradients={"missing sin(w): w·cos(w)": lambda w: w * np.cos(w)},
        path=figures_dir / "advanced_autodiff_taylor.png",
        title="Taylor remainder: slope 2 for the gradient, 1 otherwise")
    return path


def why_the_step_is_eps_cube_root() -> list[Check]:
    """A central difference errs by h²·|f‴|/6 + eps·|f|/h, least near h = eps^(1/3): 5e-3 in
    float32, 6e-6 in float64. There the error is below about eps^(2/3), 2e-5 and 4e-11.
    """
    steps = 10.0 ** np.linspace(-12, 0, 49)
    best = {}
    for dtype in (tf.float32, tf.float64):
        w, h = tf.constant(1.0, dtype), tf.constant(steps, dtype)
        central = (tf.sin(w + h) - tf.sin(w - h)) / (2 * h)
        error = np.abs(central.numpy() - np.cos(1.0))
        best[dtype.name] = steps[np.argmin(error)], error.min()
        print(f"{dtype.name}: best h {best[dtype.name][0]:.0e}, "
              f"error {best[dtype.name][1]:.0e}")
    # Verify
    eps32, eps64 = np.finfo(np.float32).eps, np.finfo(np.float64).eps
    return [
        check_close("log10 of the best steps",
                    [np.log10(best["float32"][0]), np.log10(best["float64"][0])],
                    [np.log10(np.cbrt(eps32)), np.log10(np.cbrt(eps64))], atol=1.0,
                    by="log10 eps^(1/3) ± 1"),
        check_close("the smallest errors < 10·eps^(2/3)",
                    [bool(best["float32"][1] < 10 * np.cbrt(eps32) ** 2),
                     bool(best["float64"][1] < 10 * np.cbrt(eps64) ** 2)], [True, True],
                    by="the error model"),
    ]


def plot_finite_difference_error(figures_dir: Path) -> Path:
    """The V of finite differences: error against step, float32 and float64, eps^(1/3) marked.

    The left arm is rounding, which grows as 1/h; the right arm is truncation, which grows as
    h². Their meeting point is the best step, and `check_gradient` starts there.
    """
    path = plot_step_error(tf.sin, 1.0, np.cos,
                           path=figures_dir / "advanced_autodiff_step_error.png",
                           title="Central difference error of sin′(1)")
    return path


EXAMPLES = [
    controlling_the_tape,
    custom_gradient_clipping,
    custom_gradients_in_a_saved_model,
    custom_gradient_for_stability,
    a_broken_custom_gradient_is_caught,
    two_tapes_watching_different_tensors,
    higher_order_gradients,
    jacobians,
    plot_the_sigmoid_jacobian,
    hessian_with_nested_tapes,
    batch_jacobian,
    plot_batch_jacobian_structure,
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
