"""Automatic differentiation with tf.GradientTape

A `tf.GradientTape` records the operations you run inside its `with` block; `tape.gradient`
then walks that record backwards to give you the gradient of a target with respect to your
variables. Every gradient below is checked against the one you would derive by hand.

Guide: https://www.tensorflow.org/guide/autodiff
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close, check_raises
from tfbasics.doctor import explain_none
from tfbasics.plots import plot_sensitivity


def gradient_of_a_cubic() -> list[Check]:
    """Record L = 4w + w³ on a tape and ask it for dL/dw at w = 1."""
    w = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        L = 4 * w + w**3
    dL_dw = tape.gradient(L, w)  # dL/dw = 4 + 3w² → 7 at w = 1
    return [check_close("dL/dw of L = 4w + w³ at w = 1", dL_dw, 4 + 3 * 1.0**2)]


def gradient_of_two_variables() -> list[Check]:
    """Pass a list of variables to get one gradient per variable."""
    w1, w2 = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        L = w1 + w2**2
    dL_dw1, dL_dw2 = tape.gradient(L, [w1, w2])  # (1, 2·w2) → (1, 4) at (1, 2)
    return [
        check_close("dL/dw1 of L = w1 + w2² at (1, 2)", dL_dw1, 1.0),
        check_close("dL/dw2 of L = w1 + w2² at (1, 2)", dL_dw2, 2 * 2.0),
    ]


def what_the_tape_watches() -> list[Check]:
    """The tape watches trainable variables only; everything else gets a None gradient."""
    w1 = tf.Variable(1.0)
    c1 = tf.constant(-2.0)  # a constant: the tape does not watch it
    c2 = tf.Variable(-1.0, trainable=False)  # not trainable: not watched either
    c3 = tf.Variable(1.0) + 1.0  # Variable + Tensor is a Tensor, no longer a Variable
    alpha = tf.Variable(0.0)  # watched, but L never uses it
    with tf.GradientTape() as tape:
        L = (w1 + c1) ** 2 + c2**3 + 4 * c3
    grads = tape.gradient(L, [w1, c1, c2, c3, alpha])  # dL/dw1 = 2(w1 + c1) = -2
    # explain_none reads what the tape watched and says why each None is None.
    why = explain_none(tape, L, {"c1": c1, "c2": c2, "c3": c3, "alpha": alpha})
    return [
        check_close("dL/dw1 of L = (w1 + c1)² + c2³ + 4·c3", grads[0], 2 * (1.0 - 2.0)),
        check_close("dL/dc1 is None: a constant", grads[1], None, note=why["c1"]),
        check_close("dL/dc2 is None: trainable=False", grads[2], None, note=why["c2"]),
        check_close("dL/dc3 is None: Variable + 1.0 is a Tensor", grads[3], None,
                    note=why["c3"]),
        check_close("dL/dalpha is None: L does not use it", grads[4], None,
                    note=why["alpha"]),
    ]


def watching_a_constant() -> list[Check]:
    """`tape.watch` makes the tape record a tensor it would otherwise ignore."""
    w = tf.constant(-3.0)
    with tf.GradientTape() as tape:
        tape.watch(w)
        L = w**4
    dL_dw = tape.gradient(L, w)  # dL/dw = 4w³ → -108 at w = -3
    return [check_close("dL/dw of L = w⁴ at a watched constant w = -3", dL_dw, 4 * (-3.0) ** 3)]


def gradient_of_a_vector_variable() -> list[Check]:
    """A vector variable gets a gradient of its own shape: one slope per element."""
    w = tf.Variable([1.0, -3.0])
    with tf.GradientTape() as tape:
        L = tf.reduce_sum(w**2)
    dL_dw = tape.gradient(L, w)  # L = Σw² = 10; dL/dw = 2w = [2, -6]
    w_np = np.array([1.0, -3.0])
    return [
        check_close("L = Σw² at w = [1, -3]", L, np.sum(w_np**2)),
        check_close("dL/dw of L = Σw² at w = [1, -3]", dL_dw, 2 * w_np),
    ]


def gradient_of_a_list_target() -> list[Check]:
    """Given a list of targets, the tape returns the gradient of their sum."""
    w = tf.Variable(-1.0)
    with tf.GradientTape() as tape:
        L = [2 * w, w**4]  # [-2, 1] at w = -1
    dL_dw = tape.gradient(L, w)  # d(2w + w⁴)/dw = 2 + 4w³ → -2 at w = -1
    return [
        check_close("L = [2w, w⁴] at w = -1", L, [2 * -1.0, (-1.0) ** 4]),
        check_close("dL/dw of the list [2w, w⁴] at w = -1 (summed)", dL_dw, 2 + 4 * (-1.0) ** 3),
    ]


def persistent_tape() -> list[Check]:
    """A persistent tape answers several `gradient` calls; a plain one answers once."""
    w1 = tf.Variable([1.0, -3.0])
    with tf.GradientTape(persistent=True) as tape:
        w2 = 2 * w1
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
        check_close("dw2/dw1 of w2 = 2·w1", dw2_dw1, np.full(2, 2.0)),
        check_close("dL/dw2 of L = w2²", dL_dw2, 2 * (2 * w1_np)),
        check_close("dL/dw1 of L = (2·w1)²", dL_dw1, 8 * w1_np),
        check_raises("a second gradient() on a non-persistent tape raises",
                     lambda: once.gradient(L_once, w1), RuntimeError),
    ]


def tanh_sensitivity() -> list[Check]:
    """One tape over a whole grid gives the slope of tanh at every point."""
    w = tf.Variable(tf.linspace(-10.0, 10.0, 129))
    with tf.GradientTape() as tape:
        L = tf.tanh(w)
    dL_dw = tape.gradient(L, w)  # dL/dw = 1 - tanh²(w), at each of the 129 points
    w_np = np.linspace(-10.0, 10.0, 129)
    return [check_close("dL/dw of L = tanh(w) on 129 points in [-10, 10]",
                        dL_dw, 1 - np.tanh(w_np) ** 2)]


def plot_tanh_sensitivity(figures_dir: Path) -> Path:
    """Plot tanh and its slope: the slope is 1 at 0 and vanishes where tanh saturates."""
    return plot_sensitivity(tf.tanh, -10.0, 10.0, num=129,
                            analytic=lambda w: 1 - np.tanh(w) ** 2,
                            path=Path(figures_dir) / "autodiff_tanh.png",
                            title="Sensitivity of L = tanh(w)", label="L = tanh(w)")


EXAMPLES = [
    gradient_of_a_cubic,
    gradient_of_two_variables,
    what_the_tape_watches,
    watching_a_constant,
    gradient_of_a_vector_variable,
    gradient_of_a_list_target,
    persistent_tape,
    tanh_sensitivity,
    plot_tanh_sensitivity,
]
