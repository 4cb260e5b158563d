"""Automatic differentiation with tf.GradientTape

To train a model you need gradients: how much a loss changes when each weight moves a little.
A `tf.GradientTape` records the operations you run inside its `with` block, and
`tape.gradient` walks that record backwards (reverse-mode differentiation) to give you the
gradient of a target with respect to your variables.

Every gradient below is checked against the one you would derive by hand. The examples follow
the guide page, starting from L = 4w + w³ at w = 1, whose gradient is 7. Half of the page is
about the cases where you get `None` instead of a gradient; each of those is an example too,
with the diagnosis `explain_none` gives.

Guide: https://www.tensorflow.org/guide/autodiff
"""

from __future__ import annotations

from pathlib import Path

import keras
import matplotlib.style
import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close, check_raises
from tfbasics import explain_none, plot_sensitivity


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

    `tape.gradient` accepts any nesting of lists and dicts as sources and returns the
    gradients in the same structure. Each gradient is a partial derivative: how L moves when
    that one variable moves and the others stay put.
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

    The gradient with respect to each source has the source's own shape, so you can subtract
    it from the variable directly. Sources can be a list or a dict; the tape answers in kind.
    With loss = mean(y²) over the two outputs, dloss/dy = y, so dloss/dw = xᵀy and
    dloss/db = y: the chain rule written out by hand, which the tape matches.
    """
    w = tf.Variable(tf.random.stateless_normal((3, 2), seed=[1, 2]), name="w")
    b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
    x = [[1.0, 2.0, 3.0]]
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    [dl_dw, dl_db] = tape.gradient(loss, [w, b])
    grad = tape.gradient(loss, {"w": w, "b": b})  # a dict of sources gives a dict back
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
    """A Keras layer collects its weights in `trainable_variables`; take the gradient of those.

    In TF 2.16 and later `tf.keras` is Keras 3, whose weights are `keras.Variable`s rather
    than `tf.Variable`s; the tape still watches them and gives one gradient per weight. With
    a relu the unit whose output is 0 gets zero gradient: it did not take part in the loss.
    """
    layer = keras.layers.Dense(2, activation="relu",
                               kernel_initializer=keras.initializers.GlorotUniform(seed=0))
    x = tf.constant([[1.0, 2.0, 3.0]])
    with tf.GradientTape() as tape:
        y = layer(x)  # forward pass: relu(x @ kernel + bias) = [0, 4.07]
        loss = tf.reduce_mean(y**2)
    grad = tape.gradient(loss, layer.trainable_variables)
    y_np = np.maximum(x.numpy() @ layer.kernel.numpy() + layer.bias.numpy(), 0)
    return [
        check_close("the weights are Keras 3 variables named kernel and bias",
                    [[type(v).__name__, v.name] for v in layer.trainable_variables],
                    [["Variable", "kernel"], ["Variable", "bias"]]),
        check_close("gradient shapes equal the weights' shapes", [g.shape.as_list() for g in grad],
                    [[3, 2], [2]]),
        check_close("dloss/dkernel = xᵀ·y (zero where relu cut the output)", grad[0],
                    x.numpy().T @ y_np),
        check_close("dloss/dbias = y", grad[1], y_np[0]),
    ]


def what_the_tape_watches() -> list[Check]:
    """The tape watches trainable variables only; everything else gets a None gradient.

    A `tf.constant` is not watched, a variable made with `trainable=False` is not watched,
    and `Variable + 1.0` is a new `tf.Tensor`, no longer a variable. A watched variable that L
    never uses gets None too. `explain_none` reads what the tape watched and says why each
    None is None; `tape.watched_variables()` lists the watched ones (names as the seed gave).
    """
    w1 = tf.Variable(1.0, name="w1")
    c1 = tf.constant(-2.0, name="c1")  # a constant: the tape does not watch it
    c2 = tf.Variable(-1.0, trainable=False, name="c2")  # not trainable: not watched either
    c3 = tf.Variable(1.0, name="c3") + 1.0  # Variable + Tensor is a Tensor, no longer a Variable
    alpha = tf.Variable(0.0, name="alpha")  # trainable, but L never uses it
    with tf.GradientTape() as tape:
        L = (w1 + c1) ** 2 + c2**3 + 4 * c3
    grads = tape.gradient(L, [w1, c1, c2, c3, alpha])  # dL/dw1 = 2(w1 + c1) = -2
    why = explain_none(tape, L, {"c1": c1, "c2": c2, "c3": c3, "alpha": alpha})
    return [
        check_close("dL/dw1 of L = (w1 + c1)² + c2³ + 4·c3", grads[0], 2 * (1.0 - 2.0)),
        check_close("dL/dc1 is None: a constant", grads[1], None, note=why["c1"]),
        check_close("dL/dc2 is None: trainable=False", grads[2], None, note=why["c2"]),
        check_close("dL/dc3 is None: Variable + 1.0 is a Tensor", grads[3], None,
                    note=why["c3"]),
        check_close("dL/dalpha is None: L does not use it", grads[4], None,
                    note=why["alpha"]),
        check_close("tape.watched_variables() names only w1",
                    [v.name for v in tape.watched_variables()], ["w1:0"]),
    ]


def watching_a_constant() -> list[Check]:
    """`tape.watch` makes the tape record a tensor it would otherwise ignore.

    Watch a `tf.Tensor` inside the `with` block, before you use it; from then on the tape
    records the operations on it as it does for a variable. Here L = w⁴ at w = -3, so
    dL/dw = 4w³ = -108.
    """
    w = tf.constant(-3.0)
    with tf.GradientTape() as tape:
        tape.watch(w)
        L = w**4
    dL_dw = tape.gradient(L, w)  # dL/dw = 4w³ → -108 at w = -3
    return [check_close("dL/dw of L = w⁴ at a watched constant w = -3", dL_dw, 4 * (-3.0) ** 3)]


def watching_only_what_you_choose() -> list[Check]:
    """`watch_accessed_variables=False` turns automatic watching off; watch what you need.

    The tape then records only what you `tape.watch`. Both variables take part in the sum, but
    only x1 was watched, so only x1 gets a gradient: d softplus(x1)/dx1 = sigmoid(x1), and
    x0's gradient is None.
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
    return [
        check_close("dy/dx0 is None: x0 was not watched", grad["x0"], None),
        check_close("dy/dx1 = sigmoid(10)", grad["x1"], 1 / (1 + np.exp(-10.0))),
        check_close("the tape watched x1 only", [v is x1 for v in tape.watched_variables()],
                    [True]),
    ]


def gradient_of_an_intermediate_result() -> list[Check]:
    """You can ask for the gradient with respect to a value computed inside the tape.

    With y = x² and z = y², dz/dy = 2y, which is 18 at x = 3 (where y = 9). The tape recorded
    how z came from y, so y is a source like any other.
    """
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    dz_dy = tape.gradient(z, y)  # dz/dy = 2y = 18, since y = 9
    return [check_close("dz/dy of z = y², y = x² at x = 3", dz_dy, 2 * 3.0**2)]


def persistent_tape() -> list[Check]:
    """A persistent tape answers several `gradient` calls; a plain one answers once.

    A plain tape frees what it recorded as soon as `gradient` returns. With `persistent=True`
    it keeps the record, so you can ask for dw2/dw1, dL/dw2 and dL/dw1 from one recording;
    drop it with `del tape` when done, since it holds every intermediate result in memory.
    The original notebook's w2 = 2·w1 = [2, -6] is checked too.
    """
    w1 = tf.Variable([1.0, -3.0])
    with tf.GradientTape(persistent=True) as tape:
        w2 = 2 * w1  # [2, -6]
        L = w2**2
    dw2_dw1 = tape.gradient(w2, w1)  # 2 for each element
    dL_dw2 = tape.gradient(L, w2)  # 2·w2 = [4, -12]
    dL_dw1 = tape.gradient(L, w1)  # chain rule: 2·w2 · 2 = 8·w1 = [8, -24]
    del tape  # a persistent tape holds its record until you drop it

    with tf.GradientTape() as once:
        L_once = w1**2
    once.gradient(L_once, w1)
    w1_np = np.array([1.0, -3.0])
    return [
        check_close("w2 = 2·w1", w2, 2 * w1_np),
        check_close("dw2/dw1 of w2 = 2·w1", dw2_dw1, np.full(2, 2.0)),
        check_close("dL/dw2 of L = w2²", dL_dw2, 2 * (2 * w1_np)),
        check_close("dL/dw1 of L = (2·w1)²", dL_dw1, 8 * w1_np),
        check_raises("a second gradient() on a non-persistent tape raises",
                     lambda: once.gradient(L_once, w1), RuntimeError),
    ]


def gradient_of_several_targets() -> list[Check]:
    """A gradient is about one scalar: several targets give the gradient of their sum.

    Asked for the gradient of a dict (or list) of targets, the tape returns, for each source,
    the sum of the gradients of every target. With y0 = x² and y1 = 1/x at x = 2 that is
    2x - 1/x² = 4 - 0.25 = 3.75.
    """
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y0 = x**2
        y1 = 1 / x
    each = [tape.gradient(y0, x), tape.gradient(y1, x)]  # 2x = 4 and -1/x² = -0.25
    summed = tape.gradient({"y0": y0, "y1": y1}, x)  # 4 - 0.25 = 3.75
    return [
        check_close("dy0/dx and dy1/dx at x = 2", each, [2 * 2.0, -1 / 2.0**2]),
        check_close("the gradient of {y0, y1} is their sum", summed, 2 * 2.0 - 1 / 2.0**2),
    ]


def gradient_of_a_tensor_target() -> list[Check]:
    """A non-scalar target is summed too: the tape differentiates the sum of its elements.

    The guide's x·[3, 4] at x = 2 gives 3 + 4 = 7. The original notebook calls a list of
    targets, [2w, w⁴], a "tensor target": it is summed the same way, 2 + 4w³ = -2 at w = -1.
    If you need each element's own gradient, that is a Jacobian (the next lesson).
    """
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * [3.0, 4.0]
    dy_dx = tape.gradient(y, x)  # d(3x + 4x)/dx = 7

    w = tf.Variable(-1.0)
    with tf.GradientTape() as tape:
        L = [2 * w, w**4]  # [-2, 1] at w = -1
    dL_dw = tape.gradient(L, w)  # d(2w + w⁴)/dw = 2 + 4w³ → -2 at w = -1
    return [
        check_close("d(x·[3, 4])/dx at x = 2 is 3 + 4", dy_dx, 3.0 + 4.0),
        check_close("L = [2w, w⁴] at w = -1", L, [2 * -1.0, (-1.0) ** 4]),
        check_close("dL/dw of the list [2w, w⁴] at w = -1 (summed)", dL_dw,
                    2 + 4 * (-1.0) ** 3),
    ]


def gradient_of_a_vector_variable() -> list[Check]:
    """A vector variable gets a gradient of its own shape: one slope per element.

    L = Σw² is a scalar built from every element, so dL/dw[i] = 2w[i]: the gradient points
    where L grows fastest, and has as many elements as w.
    """
    w = tf.Variable([1.0, -3.0])
    with tf.GradientTape() as tape:
        L = tf.reduce_sum(w**2)
    dL_dw = tape.gradient(L, w)  # L = Σw² = 10; dL/dw = 2w = [2, -6]
    w_np = np.array([1.0, -3.0])
    return [
        check_close("L = Σw² at w = [1, -3]", L, np.sum(w_np**2)),
        check_close("dL/dw of L = Σw² at w = [1, -3]", dL_dw, 2 * w_np),
    ]


def sigmoid_over_a_grid() -> list[Check]:
    """For an elementwise function, the gradient of the sum is each element's own slope.

    y[i] depends only on x[i], so d(Σy)/dx[i] = dy[i]/dx[i]: one backward pass over the guide's
    201 points gives the sigmoid's slope σ(x)(1 - σ(x)) at every one of them.
    """
    x = tf.linspace(-10.0, 10.0, 200 + 1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.sigmoid(x)
    dy_dx = tape.gradient(y, x)  # σ'(x) = σ(x)(1 - σ(x))
    s = 1 / (1 + np.exp(-np.linspace(-10.0, 10.0, 201)))
    return [check_close("dy/dx of the sigmoid on 201 points in [-10, 10]", dy_dx, s * (1 - s))]


def plot_sigmoid_and_its_slope(figures_dir: Path) -> Path:
    """The guide's figure: the sigmoid rises from 0 to 1, its slope peaks at 1/4 at x = 0.

    The dashed line is the closed form σ(x)(1 - σ(x)); the tape's slope lies on it.
    """
    return plot_sensitivity(tf.nn.sigmoid, -10.0, 10.0, num=201,
                            analytic=lambda x: (1 / (1 + np.exp(-x))) * (1 - 1 / (1 + np.exp(-x))),
                            path=Path(figures_dir) / "autodiff_sigmoid.png",
                            title="The sigmoid and its slope", label="y = sigmoid(x)",
                            output="y", variable="x")


def tanh_sensitivity() -> list[Check]:
    """The original notebook's last example: the slope of tanh over a grid, from one tape.

    The grid is a `tf.Tensor` made with `tf.linspace`, not a `tf.Variable`, so the tape must
    `watch` it. The slope is 1 - tanh²(w): 1 at w = 0, and exactly 0 once TF's float32 tanh
    returns exactly ±1, from about |w| = 8 on the CPU (its fast tanh clamps there; a correctly
    rounded one reaches 1 near |w| = 9): 1 - 1 cancels to 0. The closed form is below 5e-7 at
    those points, within float32's tolerance for values near 1.
    """
    w = tf.linspace(-10.0, 10.0, 129)  # a tf.Tensor, not a tf.Variable
    with tf.GradientTape() as tape:
        tape.watch(w)
        L = tf.tanh(w)
    dL_dw = tape.gradient(L, w)  # dL/dw = 1 - tanh²(w), at each of the 129 points
    w_np = np.linspace(-10.0, 10.0, 129)
    saturated = np.abs(w_np)[np.abs(L.numpy()) == 1.0].min()  # where tanh(w) is exactly ±1
    return [
        check_close("the grid is a watched tf.Tensor", [isinstance(w, tf.Variable),
                                                       tf.is_tensor(w)], [False, True]),
        check_close("dL/dw of L = tanh(w) on 129 points in [-10, 10]",
                    dL_dw, 1 - np.tanh(w_np) ** 2,
                    note=f"the slope is exactly 0 where TF's tanh returns ±1 (|w| ≥ "
                         f"{saturated:.3g} here): float32's 1 - 1 cancels to 0"),
    ]


def plot_tanh_sensitivity(figures_dir: Path) -> Path:
    """Plot tanh and its slope: the slope is 1 at 0 and vanishes where tanh saturates.

    The original notebook styled this plot with `plt.style.use('seaborn-whitegrid')`, a style
    matplotlib 3.6 removed (it is now 'seaborn-v0_8-whitegrid'); tfbasics changes no global
    style and draws its own grid.
    """
    return plot_sensitivity(tf.tanh, -10.0, 10.0, num=129,
                            analytic=lambda w: 1 - np.tanh(w) ** 2,
                            path=Path(figures_dir) / "autodiff_tanh.png",
                            title="Sensitivity of L = tanh(w)", label="L = tanh(w)")


def control_flow() -> list[Check]:
    """Python `if` and `while` just decide which operations the tape records.

    Here x > 0, so the tape records `result = v0` and never sees v1: dv0 is 1, dv1 is None.
    x gets no gradient either, though it was watched: it only chose, through a Python `if`,
    which operation ran, and no operation the tape recorded used it (a comparison has no
    gradient in any case).
    """
    x = tf.constant(1.0)
    v0 = tf.Variable(2.0)
    v1 = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        if x > 0.0:
            result = v0
        else:
            result = v1**2
    dv0, dv1 = tape.gradient(result, [v0, v1])
    dx = tape.gradient(result, x)
    return [
        check_close("d result/d v0 = 1: the branch taken", dv0, 1.0),
        check_close("d result/d v1 is None: the branch not taken", dv1, None),
        check_close("d result/d x is None: the condition has no gradient", dx, None),
    ]


def none_when_not_connected() -> list[Check]:
    """When the target does not depend on a source, its gradient is `None`, not 0.

    z = y·y never touches x. TF says None rather than 0 so that a mistake (you meant to use x)
    does not pass silently as a zero gradient.
    """
    x = tf.Variable(2.0)
    y = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y * y
    dz_dx = tape.gradient(z, x)
    return [check_close("dz/dx is None: z = y² does not use x", dz_dx, None,
                        note=explain_none(lambda x: y * y, x))]


def none_after_replacing_a_variable() -> list[Check]:
    """A common slip: `x = x + 1` replaces the variable with a tensor, which is not watched.

    In the first pass x is a `tf.Variable` and dy/dx = 1. Then `x = x + 1` makes x a new
    `tf.Tensor`, so the second pass records nothing about it and the gradient is None. Write
    `x.assign_add(1)` to change the variable in place instead.
    """
    x = tf.Variable(2.0)
    kinds, gradients, why = [], [], ""
    for _ in range(2):
        with tf.GradientTape() as tape:
            y = x + 1
        kinds.append(type(x).__name__)
        gradients.append(tape.gradient(y, x))
        why = explain_none(tape, y, {"x": x})["x"]
        x = x + 1  # this should be x.assign_add(1)
    return [
        check_close("first pass: a ResourceVariable, dy/dx = 1", [kinds[0], gradients[0]],
                    ["ResourceVariable", 1.0]),
        check_close("second pass: an EagerTensor, dy/dx is None", [kinds[1], gradients[1]],
                    ["EagerTensor", None], note=why),
    ]


def none_through_numpy() -> list[Check]:
    """The tape cannot follow a calculation that leaves TensorFlow, e.g. through NumPy.

    `np.mean` turns x² into a NumPy array; `tf.reduce_mean` then converts it back into a new
    constant, which has no history. The gradient is None; `explain_none` traces the function
    and finds the step that left TF.
    """
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float32)

    def f(x):
        x2 = x**2
        y = np.mean(x2, axis=0)  # this step is calculated with NumPy
        return tf.reduce_mean(y, axis=0)  # a constant made from NumPy's result

    with tf.GradientTape() as tape:
        y = f(x)
    return [check_close("dy/dx is None: the path went through NumPy", tape.gradient(y, x),
                        None, note=explain_none(f, x))]


def none_through_an_integer() -> list[Check]:
    """Integers have no gradient, even when you watch them.

    `tf.constant(10)` is an int32, so y = x·x is an integer computation and its gradient is
    None. It is easy to make an integer by accident: write 10.0, not 10. (TF does not cast
    between dtypes for you, so more often you get a type error instead.)
    """
    x = tf.constant(10)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return [check_close("dy/dx is None for x = tf.constant(10), an int32", g.gradient(y, x),
                        None, note=explain_none(g, y, {"x": x})["x"])]


def none_through_a_stateful_op() -> list[Check]:
    """A variable's state stops gradients: the tape sees its value, not how it got there.

    `x1.assign_add(x0)` changes x1's state, and reading x1 afterwards starts a new history, so
    y = x1² has no path back to x0: dy/dx0 is None. (The same holds for `tf.data` iterators
    and queues.)
    """
    x0 = tf.Variable(3.0)
    x1 = tf.Variable(0.0)

    def f(x0):
        x1.assign_add(x0)  # update x1 = x1 + x0
        return x1**2  # y = (x1 + x0)², but the tape starts from x1's new value

    with tf.GradientTape() as tape:
        y = f(x0)
    dy_dx0 = tape.gradient(y, x0)  # 2(x1 + x0) = 6 on paper
    return [check_close("dy/dx0 is None: the path went through assign_add", dy_dx0, None,
                        note=explain_none(f, x0))]


def no_gradient_registered() -> list[Check]:
    """Some ops have no gradient at all; then the tape raises `LookupError`, not None.

    `tf.image.adjust_contrast` wraps `AdjustContrastv2`, whose gradient TF never implemented.
    Raising is deliberate: a float op with no gradient is a mistake you want to hear about.
    To differentiate through it, register a gradient or rewrite it with other ops.
    """
    image = tf.Variable([[[0.5, 0.0, 0.0]]])
    delta = tf.Variable(0.1)
    with tf.GradientTape() as tape:
        new_image = tf.image.adjust_contrast(image, delta)
    why = explain_none(lambda image: tf.image.adjust_contrast(image, delta), image)
    return [
        check_raises("tape.gradient raises LookupError",
                     lambda: tape.gradient(new_image, [image, delta]), LookupError),
        check_close("explain_none names the missing gradient", "no gradient registered" in why,
                    True, note=why),
    ]


def zeros_instead_of_none() -> list[Check]:
    """`unconnected_gradients=tf.UnconnectedGradients.ZERO` gives zeros instead of None.

    Useful when you add gradients up and want an unconnected source to count as 0; the zeros
    have the source's shape. Use it on purpose: a None is often a mistake worth seeing.
    """
    x = tf.Variable([2.0, 2.0])
    y = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y**2
    dz_dx = tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return [check_close("dz/dx is [0, 0] with UnconnectedGradients.ZERO", dz_dx, [0.0, 0.0])]


def keras_today() -> list[Check]:
    """The original notebook said Keras runs on TensorFlow, CNTK or Theano: that is outdated.

    Keras 3 runs on JAX, TensorFlow or PyTorch, and in TF 2.16 and later `tf.keras` is Keras 3
    under the old names (it keeps aliases such as `tf.keras.losses.MSE`), so
    `tf.keras.layers.Dense` and `keras.layers.Dense` are the same class. Its seaborn plot style
    moved too, to 'seaborn-v0_8-whitegrid' in matplotlib 3.6.
    """
    return [
        check_close("keras.__version__ is 3.x", keras.__version__.split(".")[0], "3"),
        check_close("the backend here is TensorFlow", keras.backend.backend(), "tensorflow"),
        check_close("tf.keras serves Keras 3: the same Dense class",
                    tf.keras.layers.Dense is keras.layers.Dense, True),
        check_close("'seaborn-whitegrid' is gone; 'seaborn-v0_8-whitegrid' is there",
                    ["seaborn-whitegrid" in matplotlib.style.available,
                     "seaborn-v0_8-whitegrid" in matplotlib.style.available], [False, True]),
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
