"""Automatic differentiation with tf.GradientTape

To train a model you need gradients: how much a loss changes when each weight moves a little.
A `tf.GradientTape` records the operations in its `with` block; `tape.gradient` walks them
backwards. Half of the guide page is about getting `None` instead: each case is an example.

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

    `tape.gradient(L, w)` walks the recorded operations back with the chain rule: 4 + 3w² = 7.
    A common slip is to label this value "at w = 2": the gradient is taken where w is, and w
    is 1.

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

    Each is a partial derivative: how L moves when that one variable moves and the rest stay.
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

    Each gradient has its source's shape; by the chain rule, dloss/dw = xᵀy and dloss/db = y.
    """
    w = tf.Variable(tf.random.stateless_normal((3, 2), seed=[1, 2]), name="w")
    b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
    x = [[1.0, 2.0, 3.0]]
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    [dl_dw, dl_db] = tape.gradient(loss, [w, b])
    grad = tape.gradient(loss, {"w": w, "b": b})  # a dict in, a dict out
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

    In TF 2.21 these are Keras 3's `keras.Variable`s, which the tape watches like `tf.Variable`s.
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

    `tape.watched_variables()` lists what it watched; `explain_none` says why the rest is None.
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


def watching_what_you_choose() -> list[Check]:
    """`tape.watch(x)` records any tensor; `watch_accessed_variables=False` turns auto-watching off.

    Without `tape.watch` a `tf.constant` gets None; with automatic watching off, so does x0.
    """
    w = tf.constant(-3.0)
    with tf.GradientTape() as tape:
        tape.watch(w)
        L = w**4
    dL_dw = tape.gradient(L, w)  # dL/dw = 4w³ → -108 at w = -3
    print(dL_dw)

    x0, x1 = tf.Variable(0.0), tf.Variable(10.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x1)
        y = tf.math.sin(x0) + tf.nn.softplus(x1)
    grad = tape.gradient(y, {"x0": x0, "x1": x1})  # dy/dx1 = sigmoid(x1)
    print("dy/dx0:", grad["x0"])
    print("dy/dx1:", grad["x1"].numpy())
    # Verify
    return [
        check_close("dL/dw at the watched w = -3", dL_dw, 4 * (-3.0) ** 3,
                    by="by hand 4·(-3)³"),
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


def gradient_of_a_vector_variable() -> list[Check]:
    """A vector variable gets a gradient of its own shape: one slope per element.

    L = Σw² is one scalar built from every element, so dL/dw[i] = 2w[i].
    """
    w = tf.Variable([1.0, -3.0])
    with tf.GradientTape() as tape:
        L = tf.reduce_sum(w**2)
    dL_dw = tape.gradient(L, w)  # L = Σw² = 10; dL/dw = 2w = [2, -6]
    print(dL_dw)
    # Verify
    w_np = np.array([1.0, -3.0])
    return [
        check_close("dL/dw at w = [1, -3]", dL_dw, 2 * w_np, by="NumPy 2w"),
    ]


def persistent_tape() -> list[Check]:
    """A persistent tape answers several `gradient` calls; a plain one answers once.

    A plain tape frees its record when `gradient` returns; `persistent=True` keeps it until
    `del tape`.
    """
    w1 = tf.Variable([1.0, -3.0])
    with tf.GradientTape(persistent=True) as tape:
        w2 = 2 * w1  # [2, -6]
        L = w2**2
    dw2_dw1 = tape.gradient(w2, w1)  # 2 for each element
    dL_dw2 = tape.gradient(L, w2)  # 2·w2 = [4, -12]
    dL_dw1 = tape.gradient(L, w1)  # chain rule: 2·w2 · 2 = 8·w1 = [8, -24]
    del tape
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

    It sums a dict or list of targets, or a tensor's elements; each one's own gradient is a
    Jacobian.
    """
    x, w = tf.Variable(2.0), tf.Variable(-1.0)
    with tf.GradientTape(persistent=True) as tape:
        y0 = x**2
        y1 = 1 / x
        y = x * [3.0, 4.0]
        L = [2 * w, w**4]  # [-2, 1] at w = -1
    each = [tape.gradient(y0, x), tape.gradient(y1, x)]  # 2x = 4 and -1/x² = -0.25
    summed = tape.gradient({"y0": y0, "y1": y1}, x)  # 4 - 0.25 = 3.75
    dy_dx = tape.gradient(y, x)  # d(3x + 4x)/dx = 7
    dL_dw = tape.gradient(L, w)  # d(2w + w⁴)/dw = 2 + 4w³ → -2 at w = -1
    # Verify
    return [
        check_close("dy0/dx and dy1/dx at x = 2", each, [2 * 2.0, -1 / 2.0**2],
                    by="by hand 2x and -1/x²"),
        check_close("the gradient of {y0, y1}", summed, 2 * 2.0 - 1 / 2.0**2,
                    by="by hand 2x - 1/x²"),
        check_close("d(x·[3, 4])/dx at x = 2", dy_dx, 3.0 + 4.0, by="the guide, 3 + 4"),
        check_close("dL/dw of the list [2w, w⁴] at w = -1", dL_dw, 2 + 4 * (-1.0) ** 3,
                    by="by hand 2 + 4w³"),
    ]


def sigmoid_over_a_grid() -> list[Check]:
    """For an elementwise function, the gradient of the sum is each element's own slope.

    y[i] depends on x[i] only, so one call gives σ'(x) at each of the guide's 201 points.
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

    TF's float32 tanh on the CPU is exactly ±1 from |w| ≈ 8 (the exact tanh rounds to ±1 in
    float32 from |w| ≈ 9): there its slope 1 - tanh² cancels to exactly 0.
    """
    w = tf.linspace(-10.0, 10.0, 129)  # a tf.Tensor, not a tf.Variable
    with tf.GradientTape() as tape:
        tape.watch(w)
        L = tf.tanh(w)
    dL_dw = tape.gradient(L, w)  # dL/dw = 1 - tanh²(w), at each of the 129 points
    print(dL_dw[::32].numpy())  # at w = -10, -5, 0, 5, 10
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

    The branch not taken gets None, and so does x, though watched: it only chose the branch.
    """
    v0, v1 = tf.Variable(2.0), tf.Variable(2.0)
    grads = []
    for x in (tf.constant(1.0), tf.constant(-1.0)):
        with tf.GradientTape() as tape:
            tape.watch(x)
            if x > 0.0:
                result = v0
            else:
                result = v1**2  # d/dv1 = 2·v1 = 4
        grads.append(tape.gradient(result, [v0, v1, x]))
        print(grads[-1])
    # Verify
    return [
        check_close("d result/d [v0, v1, x] at x = 1", grads[0], [1.0, None, None],
                    by="by hand, result = v0"),
        check_close("d result/d [v0, v1, x] at x = -1", grads[1], [None, 2 * 2.0, None],
                    by="by hand, result = v1², 2·v1"),
    ]


def none_when_not_connected() -> list[Check]:
    """When the target does not depend on a source, its gradient is `None`, not 0.

    So a slip does not pass as a zero gradient; ask for zeros with `UnconnectedGradients.ZERO`.
    """
    x, y = tf.Variable([2.0, 2.0]), tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        z = y * y
    dz_dx = tape.gradient(z, x)
    zeros = tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    print(dz_dx, zeros)
    # Verify
    return [
        check_close("dz/dx for z = y²", dz_dx, None, by="the guide: not connected"),
        check_close("dz/dx with UnconnectedGradients.ZERO", zeros, [0.0, 0.0],
                    by="by hand: zeros of x's shape"),
    ]


def none_after_replacing_a_variable() -> list[Check]:
    """A common slip: `x = x + 1` replaces the variable with a tensor, which is not watched.

    So the second pass gives None; `x.assign_add(1)` changes the variable in place instead.
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

    NumPy's result comes back as a new constant, with no history; `explain_none` finds the step.
    """
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float32)
    def f(x):
        y = np.mean(x**2, axis=0)  # this step is calculated with NumPy
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

    `tf.constant(10)` is int32, and TF warns that a watched tensor must be floating: write 10.0.
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

    After `x1.assign_add(x0)`, y = x1² has no path to x0. `tf.data` iterators and queues stop
    it too.
    """
    x0, x1 = tf.Variable(3.0), tf.Variable(0.0)
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

    `adjust_contrast` runs `AdjustContrastv2`, which has none: write one with
    `tf.custom_gradient`.
    """
    image, delta = tf.Variable([[[0.5, 0.0, 0.0]]]), tf.Variable(0.1)
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


def keras_today() -> list[Check]:
    """Keras 3 is the Keras of TF 2.21, and the `seaborn-*` plot styles are gone.

    Since TF 2.16 `tf.keras` is Keras 3 (JAX, TensorFlow or PyTorch; no longer CNTK or Theano).
    matplotlib 3.6 deprecated the `seaborn-*` styles (now `seaborn-v0_8-*`); 3.8 removed them.
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
    watching_what_you_choose,
    gradient_of_an_intermediate_result,
    gradient_of_a_vector_variable,
    persistent_tape,
    gradient_of_several_targets,
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
    keras_today,
]
