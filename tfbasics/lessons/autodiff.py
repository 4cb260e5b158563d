"""Automatic differentiation with tf.GradientTape

To train a model you need gradients: how much a loss changes when each weight moves a little.
A `tf.GradientTape` records the operations you run inside its `with` block, and
`tape.gradient` walks that record backwards to give the gradient of a target with respect to
your variables. Half of the guide page is about the cases where you get `None` instead of a
gradient: each is an example here, with the diagnosis `explain_none` gives.

Guide: https://www.tensorflow.org/guide/autodiff
"""

from __future__ import annotations

from pathlib import Path

import keras
import matplotlib.style
import numpy as np
import tensorflow as tf

from tfbasics import explain_none, plot_sensitivity
from tfbasics.checks import Check, check_close, check_raises


def gradient_of_a_cubic() -> list[Check]:
    """Record L = 4w + w³ on a tape, then ask the tape for dL/dw at w = 1.

    Inside the `with` block the tape watches the trainable `tf.Variable` w and records each
    operation on it. `tape.gradient(L, w)` replays that record backwards, applying the chain
    rule to each operation, and gives 4 + 3w² = 7. A common slip is to label this value
    "at w = 2": the gradient is taken where w is, and w is 1.

    $$\\frac{dL}{dw} = 4 + 3w^2 = 7 \\quad\\text{at } w = 1$$
    """
    w = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        L = 4 * w + w**3
    dL_dw = tape.gradient(L, w)  # dL/dw = 4 + 3w² → 7 at w = 1
    print(dL_dw)
    # Verify
    return [check_close("dL/dw at w = 1", dL_dw, 4 + 3 * 1.0**2, by="by hand 4 + 3·1²")]


def gradient_of_two_variables() -> list[Check]:
    """Pass a list of variables and the tape gives one gradient per variable, in order.

    Each gradient is a partial derivative: how L moves when that one variable moves and the
    others stay put.
    """
    w1, w2 = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        L = w1 + w2**2
    dL_dw1, dL_dw2 = tape.gradient(L, [w1, w2])  # (1, 2·w2) → (1, 4) at (1, 2)
    print(dL_dw1.numpy(), dL_dw2.numpy())
    # Verify
    return [
        check_close("dL/dw1 of L = w1 + w2² at (1, 2)", dL_dw1, 1.0, by="by hand ∂L/∂w1 = 1"),
        check_close("dL/dw2 at (1, 2)", dL_dw2, 2 * 2.0, by="by hand ∂L/∂w2 = 2·w2 = 2·2"),
    ]


def gradients_of_a_linear_layer() -> list[Check]:
    """A tape works on tensors of any shape: here a layer y = x @ w + b and its loss.

    The gradient with respect to each source has the source's own shape, and a list or dict
    of sources gets an answer in kind. With loss = mean(y²) over the two outputs,
    dloss/dy = y, so dloss/dw = xᵀy and dloss/db = y: the chain rule, by hand.
    """
    w = tf.Variable(tf.random.stateless_normal((3, 2), seed=[1, 2]), name="w")
    b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
    x = [[1.0, 2.0, 3.0]]
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    [dl_dw, dl_db] = tape.gradient(loss, [w, b])
    grad = tape.gradient(loss, {"w": w, "b": b})  # a dict in, a dict out
    print(w.shape, dl_dw.shape)
    print(grad["b"])
    # Verify
    y_np = np.array(x) @ w.numpy() + b.numpy()  # (1, 2)
    return [
        check_close("dloss/dw's shape", dl_dw.shape.as_list(), [3, 2], by="w's shape"),
        check_close("dloss/dw", dl_dw, np.array(x).T @ y_np, by="NumPy xᵀ·y"),
        check_close("dloss/db", dl_db, y_np[0], by="NumPy y"),
        check_close("the dict's dloss/db", grad["b"], y_np[0], by="NumPy y"),
    ]


def gradients_of_a_keras_layer() -> list[Check]:
    """A Keras layer keeps its weights in `trainable_variables`: ask the tape for those.

    In TF 2.21 `tf.keras` is Keras 3, whose weights are `keras.Variable`s; the tape watches
    them like `tf.Variable`s. The unit that relu cut to 0 gets a zero gradient.
    """
    init = keras.initializers.GlorotUniform(seed=0)
    layer = keras.layers.Dense(2, activation="relu", kernel_initializer=init)
    x = tf.constant([[1.0, 2.0, 3.0]])
    with tf.GradientTape() as tape:
        y = layer(x)  # relu(x @ kernel + bias)
        loss = tf.reduce_mean(y**2)
    grad = tape.gradient(loss, layer.trainable_variables)
    for var, g in zip(layer.trainable_variables, grad, strict=True):
        print(var.name, g.shape)
    print(grad[1])  # dloss/dbias = y, 0 where relu cut the unit
    # Verify
    kernel, bias = layer.kernel.numpy(), layer.bias.numpy()
    y_np = np.maximum(x.numpy() @ kernel + bias, 0)  # relu(x @ kernel + bias) in NumPy
    return [
        check_close("the weights' types and names",
                    [[type(v).__name__, v.name] for v in layer.trainable_variables],
                    [["Variable", "kernel"], ["Variable", "bias"]], by="Keras 3's Dense"),
        check_close("dloss/dkernel", grad[0], x.numpy().T @ y_np, by="NumPy xᵀ·y"),
        check_close("dloss/dbias", grad[1], y_np[0], by="NumPy y"),
    ]


def what_the_tape_watches() -> list[Check]:
    """The tape watches trainable variables only; everything else gets a None gradient.

    Not a `tf.constant`, not a variable made with `trainable=False`, and not `Variable + 1.0`,
    a new `tf.Tensor`; a variable that L never uses gets None too. `explain_none` says why.
    """
    w1 = tf.Variable(1.0, name="w1")
    c1 = tf.constant(-2.0)  # a constant: the tape does not watch it
    c2 = tf.Variable(-1.0, trainable=False)  # not trainable: not watched either
    c3 = tf.Variable(1.0) + 1.0  # Variable + 1.0 is a Tensor, no longer a Variable
    alpha = tf.Variable(0.0)  # trainable, but L never uses it
    with tf.GradientTape() as tape:
        L = (w1 + c1) ** 2 + c2**3 + 4 * c3
    grads = tape.gradient(L, [w1, c1, c2, c3, alpha])  # dL/dw1 = 2(w1 + c1) = -2
    print(grads)
    print(tape.watched_variables())
    why = explain_none(tape, L, {"c2": c2, "c3": c3, "alpha": alpha})
    for name, reason in why.items():
        print(f"{name}: {reason}")
    # Verify
    return [
        check_close("dL/dw1", grads[0], 2 * (1.0 - 2.0), by="by hand 2(w1 + c1) = 2(1 - 2)"),
        check_close("dL/dc1, dL/dc2, dL/dc3, dL/dalpha", grads[1:], [None] * 4,
                    by="the guide: unwatched or unused"),
        check_close("the watched variables' names", [v.name for v in tape.watched_variables()],
                    ["w1:0"], by="by hand: w1 alone"),
    ]


def watching_a_constant() -> list[Check]:
    """`tape.watch(w)` makes the tape record a tensor: call it in the `with` block, first.

    Without it the tape ignores a `tf.constant`, and its gradient is None.
    """
    w = tf.constant(-3.0)
    with tf.GradientTape() as tape:
        tape.watch(w)
        L = w**4
    dL_dw = tape.gradient(L, w)  # dL/dw = 4w³ → -108 at w = -3
    # Verify
    return [check_close("dL/dw at the watched w = -3", dL_dw, 4 * (-3.0) ** 3,
                        by="by hand 4·(-3)³")]


def watching_only_what_you_choose() -> list[Check]:
    """`watch_accessed_variables=False` turns automatic watching off; watch what you need.

    The tape records only what you `tape.watch`: x0 takes part in the sum but gets None;
    x1 gets d softplus(x1)/dx1 = sigmoid(x1).
    """
    x0 = tf.Variable(0.0)
    x1 = tf.Variable(10.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x1)
        y0 = tf.math.sin(x0)
        y1 = tf.nn.softplus(x1)
        y = y0 + y1
        ys = tf.reduce_sum(y)
    grad = tape.gradient(ys, {"x0": x0, "x1": x1})  # dys/dx1 = sigmoid(x1)
    print("dy/dx0:", grad["x0"])
    print("dy/dx1:", grad["x1"].numpy())
    # Verify
    return [
        check_close("dy/dx0 for the unwatched x0", grad["x0"], None,
                    by="the guide: not watched"),
        check_close("dy/dx1", grad["x1"], 1 / (1 + np.exp(-10.0)), by="NumPy sigmoid(10)"),
    ]


def gradient_of_an_intermediate_result() -> list[Check]:
    """A value computed inside the tape is a source like any other: here dz/dy for z = y².

    The tape recorded how z came from y, so it can walk back from z to y.
    """
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    dz_dy = tape.gradient(z, y)  # dz/dy = 2y = 18, since y = 9
    # Verify
    return [check_close("dz/dy at x = 3", dz_dy, 2 * 3.0**2, by="by hand 2y = 2·3²")]


def persistent_tape() -> list[Check]:
    """A persistent tape answers several `gradient` calls; a plain one answers once.

    A plain tape frees its record as soon as `gradient` returns; `persistent=True` keeps it
    (and every intermediate result in memory) until you `del tape`.
    """
    w1 = tf.Variable([1.0, -3.0])
    with tf.GradientTape(persistent=True) as tape:
        w2 = 2 * w1  # [2, -6]
        L = w2**2
    dw2_dw1 = tape.gradient(w2, w1)  # 2 for each element
    dL_dw2 = tape.gradient(L, w2)  # 2·w2 = [4, -12]
    dL_dw1 = tape.gradient(L, w1)  # chain rule: 2·w2 · 2 = 8·w1 = [8, -24]
    del tape  # a persistent tape holds its record until you drop it
    print(dw2_dw1.numpy(), dL_dw2.numpy(), dL_dw1.numpy())

    with tf.GradientTape() as once:  # a plain tape: one gradient() call
        L_once = w1**2
    print(once.gradient(L_once, w1))
    # Verify
    w1_np = np.array([1.0, -3.0])
    return [
        check_close("dw2/dw1", dw2_dw1, np.full(2, 2.0), by="by hand d(2·w1)/dw1 = 2"),
        check_close("dL/dw2", dL_dw2, 2 * (2 * w1_np), by="NumPy 2·w2"),
        check_close("dL/dw1 of L = (2·w1)²", dL_dw1, 8 * w1_np, by="NumPy 8·w1"),
        check_raises("a second gradient() on the plain tape",
                     lambda: once.gradient(L_once, w1), RuntimeError),
    ]


def gradient_of_several_targets() -> list[Check]:
    """A gradient is about one scalar: several targets give the gradient of their sum.

    For a dict or list of targets, the tape sums every target's gradient for each source.
    """
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y0 = x**2
        y1 = 1 / x
    each = [tape.gradient(y0, x), tape.gradient(y1, x)]  # 2x = 4 and -1/x² = -0.25
    summed = tape.gradient({"y0": y0, "y1": y1}, x)  # 4 - 0.25 = 3.75
    # Verify
    return [
        check_close("dy0/dx and dy1/dx at x = 2", each, [2 * 2.0, -1 / 2.0**2],
                    by="by hand 2x and -1/x²"),
        check_close("the gradient of {y0, y1}", summed, 2 * 2.0 - 1 / 2.0**2,
                    by="by hand 2x - 1/x²"),
    ]


def gradient_of_a_tensor_target() -> list[Check]:
    """A non-scalar target is summed too: the tape differentiates the sum of its elements.

    A list of targets such as [2w, w⁴] is summed the same way. Each element's own gradient
    is a Jacobian (the next lesson).
    """
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * [3.0, 4.0]
    dy_dx = tape.gradient(y, x)  # d(3x + 4x)/dx = 7

    w = tf.Variable(-1.0)
    with tf.GradientTape() as tape:
        L = [2 * w, w**4]  # [-2, 1] at w = -1
    dL_dw = tape.gradient(L, w)  # d(2w + w⁴)/dw = 2 + 4w³ → -2 at w = -1
    # Verify
    return [
        check_close("d(x·[3, 4])/dx at x = 2", dy_dx, 3.0 + 4.0, by="the guide, 3 + 4"),
        check_close("dL/dw of the list [2w, w⁴] at w = -1", dL_dw, 2 + 4 * (-1.0) ** 3,
                    by="by hand 2 + 4w³"),
    ]


def gradient_of_a_vector_variable() -> list[Check]:
    """A vector variable gets a gradient of its own shape: one slope per element.

    L = Σw² is one scalar built from every element, so dL/dw[i] = 2w[i].
    """
    w = tf.Variable([1.0, -3.0])
    with tf.GradientTape() as tape:
        L = tf.reduce_sum(w**2)
    dL_dw = tape.gradient(L, w)  # L = Σw² = 10; dL/dw = 2w = [2, -6]
    print(dL_dw)  # the gradient has w's shape
    # Verify
    w_np = np.array([1.0, -3.0])
    return [
        check_close("dL/dw at w = [1, -3]", dL_dw, 2 * w_np, by="NumPy 2w"),
    ]


def sigmoid_over_a_grid() -> list[Check]:
    """For an elementwise function, the gradient of the sum is each element's own slope.

    y[i] depends only on x[i], so one backward pass gives the slope σ(x)(1 - σ(x)) at each
    of the guide's 201 points.
    """
    x = tf.linspace(-10.0, 10.0, 200 + 1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.sigmoid(x)
    dy_dx = tape.gradient(y, x)  # σ'(x) = σ(x)(1 - σ(x))
    print(dy_dx.shape, dy_dx[100].numpy())  # 201 slopes; at x = 0 it is 1/4
    # Verify
    s = 1 / (1 + np.exp(-np.linspace(-10.0, 10.0, 201, dtype=np.float32)))
    return [check_close("dy/dx on 201 points in [-10, 10]", dy_dx, s * (1 - s),
                        by="NumPy σ(1 - σ) in float32")]


def plot_sigmoid_and_its_slope(figures_dir: Path) -> Path:
    """The guide's figure: the sigmoid rises from 0 to 1, its slope peaks at 1/4 at x = 0.

    The dashed line is the closed form σ(x)(1 - σ(x)); the tape's slope lies on it.
    """
    def sigmoid_slope(x):  # σ(x)(1 - σ(x)), in NumPy
        s = 1 / (1 + np.exp(-x))
        return s * (1 - s)

    path = plot_sensitivity(tf.nn.sigmoid, -10.0, 10.0, num=201,
                            analytic=sigmoid_slope,
                            path=figures_dir / "autodiff_sigmoid.png",
                            title="The sigmoid and its slope",
                            label="y = sigmoid(x)", output="y", variable="x")
    return path


def tanh_sensitivity() -> list[Check]:
    """The slope of tanh over a watched grid: 1 at w = 0, exactly 0 where tanh(w) is ±1.

    TF's float32 tanh on the CPU returns exactly ±1 from |w| ≈ 8 (the exact tanh rounds to
    ±1 in float32 from |w| ≈ 9); there 1 - tanh² = 1 - 1 cancels to 0.
    """
    w = tf.linspace(-10.0, 10.0, 129)  # a tf.Tensor, not a tf.Variable
    with tf.GradientTape() as tape:
        tape.watch(w)
        L = tf.tanh(w)
    dL_dw = tape.gradient(L, w)  # dL/dw = 1 - tanh²(w), at each of the 129 points
    print(dL_dw[::16].numpy())  # at w = -10, -7.5, ..., 7.5, 10
    # Verify
    w_np = np.linspace(-10.0, 10.0, 129)
    one = np.abs(L.numpy()) == 1.0  # where TF's tanh(w) is exactly ±1
    return [
        check_close("dL/dw of L = tanh(w) on 129 points in [-10, 10]", dL_dw,
                    1 - np.tanh(w_np) ** 2, by="NumPy 1 - tanh²"),
        check_close(f"dL/dw where TF's tanh is ±1 (|w| ≥ {np.abs(w_np[one]).min():g})",
                    dL_dw.numpy()[one], np.zeros(one.sum(), np.float32), rtol=0, atol=0,
                    by="by hand 1 - 1²"),
    ]


def plot_tanh_sensitivity(figures_dir: Path) -> Path:
    """Plot tanh and its slope: the slope is 1 at 0 and vanishes where tanh saturates.

    Older code styles such plots with `plt.style.use("seaborn-whitegrid")`: matplotlib 3.6
    deprecated the `seaborn-*` styles (they live on as `seaborn-v0_8-*`) and 3.8 removed
    them, so that line now raises `OSError`. `plot_sensitivity` changes no global style.
    """
    path = plot_sensitivity(tf.tanh, -10.0, 10.0, num=129,
                            analytic=lambda w: 1 - np.tanh(w) ** 2,
                            path=figures_dir / "autodiff_tanh.png",
                            title="Sensitivity of L = tanh(w)", label="L = tanh(w)")
    return path


def control_flow() -> list[Check]:
    """Python `if` and `while` just decide which operations the tape records.

    The variable of the branch not taken gets None: v1 at x = 1, v0 at x = -1. x gets None
    too, though watched: it only chose which operation ran.
    """
    v0 = tf.Variable(2.0)
    v1 = tf.Variable(2.0)

    def gradients_at(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            if x > 0.0:
                result = v0
            else:
                result = v1**2
        return tape.gradient(result, [v0, v1, x])

    taken = gradients_at(tf.constant(1.0))  # x > 0: result = v0
    other = gradients_at(tf.constant(-1.0))  # x < 0: result = v1², d/dv1 = 2·v1
    print(taken)
    print(other)
    # Verify
    return [
        check_close("d result/d [v0, v1, x] at x = 1", taken, [1.0, None, None],
                    by="by hand, result = v0"),
        check_close("d result/d [v0, v1, x] at x = -1", other, [None, 2 * 2.0, None],
                    by="by hand, result = v1², 2·v1"),
    ]


def none_when_not_connected() -> list[Check]:
    """When the target does not depend on a source, its gradient is `None`, not 0.

    TF says None, not 0, so that a slip (you meant to use x) does not pass as a zero
    gradient.
    """
    x = tf.Variable(2.0)
    y = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y * y
    dz_dx = tape.gradient(z, x)
    print(dz_dx)
    # Verify
    return [check_close("dz/dx for z = y²", dz_dx, None, by="the guide: not connected")]


def none_after_replacing_a_variable() -> list[Check]:
    """A common slip: `x = x + 1` replaces the variable with a tensor, which is not watched.

    After `x = x + 1`, x is a new `tf.Tensor`, so the second pass gives None. Write
    `x.assign_add(1)` to change the variable in place instead.
    """
    x = tf.Variable(2.0)
    grads = []
    for _ in range(2):
        with tf.GradientTape() as tape:
            y = x + 1
        grads.append(tape.gradient(y, x))
        print(type(x).__name__, ":", grads[-1])
        x = x + 1  # this should be `x.assign_add(1)`
    # Verify
    return [
        check_close("dy/dx in pass 1, x a Variable", grads[0], 1.0, by="by hand d(x + 1)/dx"),
        check_close("dy/dx in pass 2, x a Tensor", grads[1], None, by="the guide: not watched"),
    ]


def none_through_numpy() -> list[Check]:
    """The tape cannot follow a calculation that leaves TensorFlow, e.g. through NumPy.

    `np.mean` gives a NumPy array; `tf.reduce_mean` turns it into a new constant, with no
    history. `explain_none` traces f and finds the step that left TF.
    """
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float32)

    def f(x):
        x2 = x**2
        y = np.mean(x2, axis=0)  # this step is calculated with NumPy
        return tf.reduce_mean(y, axis=0)  # a constant made from NumPy's result

    with tf.GradientTape() as tape:
        y = f(x)
    dy_dx = tape.gradient(y, x)
    print(dy_dx)
    print(explain_none(f, x))
    # Verify
    return [check_close("dy/dx through np.mean", dy_dx, None, by="the guide")]


def none_through_an_integer() -> list[Check]:
    """Integers have no gradient, even when you watch them.

    `tf.constant(10)` is an int32 (TF logs a warning that a watched tensor must be
    floating). Write 10.0, not 10; more often the slip gives a dtype error instead.
    """
    x = tf.constant(10)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    dy_dx = g.gradient(y, x)
    print(dy_dx)
    print(explain_none(g, y, {"x": x})["x"])
    # Verify
    return [check_close("dy/dx for the int32 x = tf.constant(10)", dy_dx, None,
                        by="the guide: integers have no gradient")]


def none_through_a_stateful_op() -> list[Check]:
    """A variable's state stops gradients: the tape sees its value, not how it got there.

    Reading x1 after `x1.assign_add(x0)` starts a new history, so y = x1² has no path back
    to x0. (The same holds for `tf.data` iterators and queues.)
    """
    x0 = tf.Variable(3.0)
    x1 = tf.Variable(0.0)

    def f(x0):
        x1.assign_add(x0)  # update x1 = x1 + x0
        return x1**2  # y = (x1 + x0)², but the tape starts from x1's new value

    with tf.GradientTape() as tape:
        y = f(x0)
    dy_dx0 = tape.gradient(y, x0)  # 2(x1 + x0) = 6 on paper
    print(dy_dx0)
    print(explain_none(f, x0))
    # Verify
    return [check_close("dy/dx0 through assign_add", dy_dx0, None, by="the guide")]


def no_gradient_registered() -> list[Check]:
    """Some ops have no gradient at all; then the tape raises `LookupError`, not None.

    `tf.image.adjust_contrast` runs `AdjustContrastv2`, which has no registered gradient.
    To differentiate through it, give it one (`tf.custom_gradient`) or use other ops.
    """
    image = tf.Variable([[[0.5, 0.0, 0.0]]])
    delta = tf.Variable(0.1)
    with tf.GradientTape() as tape:
        new_image = tf.image.adjust_contrast(image, delta)
    try:
        print(tape.gradient(new_image, [image, delta]))
    except LookupError as e:
        print(f"{type(e).__name__}: {e}")
    # Verify
    with tf.GradientTape() as again:  # the shown tape is used up: record once more
        new_image = tf.image.adjust_contrast(image, delta)
    return [check_raises("tape.gradient through adjust_contrast",
                         lambda: again.gradient(new_image, [image, delta]), LookupError)]


def zeros_instead_of_none() -> list[Check]:
    """Pass `unconnected_gradients=tf.UnconnectedGradients.ZERO` to get zeros, not None.

    The zeros have the source's shape. Use it on purpose, e.g. to add gradients up: a None
    is often a mistake worth seeing.
    """
    x = tf.Variable([2.0, 2.0])
    y = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y**2
    dz_dx = tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    print(dz_dx)
    # Verify
    return [check_close("dz/dx with UnconnectedGradients.ZERO", dz_dx, [0.0, 0.0],
                        by="by hand: zeros of x's shape")]


def keras_today() -> list[Check]:
    """Keras 3 is the Keras of TF 2.21, and the `seaborn-*` plot styles are gone.

    Keras 3 runs on JAX, TensorFlow or PyTorch, and since TF 2.16 `tf.keras` is Keras 3
    (multi-backend Keras up to 2.3 ran on TensorFlow, CNTK or Theano). matplotlib 3.6
    deprecated the `seaborn-*` styles (now `seaborn-v0_8-*`) and 3.8 removed them.
    """
    print(keras.__version__, keras.backend.backend())
    grids = [s for s in matplotlib.style.available if "whitegrid" in s]
    print(matplotlib.__version__, grids)
    # Verify

    def use_old_style():
        with matplotlib.style.context("seaborn-whitegrid"):
            pass

    return [
        check_close("Keras's major version", keras.__version__.split(".")[0], "3",
                    by="TF 2.16+ ships Keras 3"),
        check_close("tf.keras.layers.Dense is keras.layers.Dense",
                    tf.keras.layers.Dense is keras.layers.Dense, True,
                    by="TF 2.16+: tf.keras is Keras 3"),
        check_close("matplotlib's whitegrid style", grids,
                    ["seaborn-v0_8-whitegrid"], by="matplotlib 3.6's new name"),
        check_raises(f"using 'seaborn-whitegrid' in matplotlib {matplotlib.__version__}",
                     use_old_style, OSError),
    ]


EXAMPLES = [
    gradient_of_a_cubic,
    gradient_of_two_variables,
    gradients_of_a_linear_layer,
    gradients_of_a_keras_layer,
    what_the_tape_watches,
    watching_a_constant,
    watching_only_what_you_choose,
    gradient_of_an_intermediate_result,
    persistent_tape,
    gradient_of_several_targets,
    gradient_of_a_tensor_target,
    gradient_of_a_vector_variable,
    sigmoid_over_a_grid,
    plot_sigmoid_and_its_slope,
    tanh_sensitivity,
    plot_tanh_sensitivity,
    control_flow,
    none_when_not_connected,
    none_after_replacing_a_variable,
    none_through_numpy,
    none_through_an_integer,
    none_through_a_stateful_op,
    no_gradient_registered,
    zeros_instead_of_none,
    keras_today,
]
