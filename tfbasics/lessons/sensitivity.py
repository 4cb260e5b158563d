"""Sensitivity: gradient fields and what a model's output depends on

A gradient is a sensitivity: how much the output moves when one input moves a little. So far
every sensitivity has been along a line. Here you look at a loss of two weights over the whole
plane, where the gradient points and how gradient descent follows it.

Then you ask a trained model which of its inputs its output is sensitive to, with saliency
(|dy/dx|) and integrated gradients, the method of TF's integrated-gradients tutorial. Every
answer is checked against one known in advance.

Guides: https://www.tensorflow.org/guide/autodiff and
https://www.tensorflow.org/tutorials/interpretability/integrated_gradients
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close
from tfbasics.sensitivity import gradient_field

LINE_X = np.linspace(-2.0, 2.0, 21, dtype=np.float32)
LINE_Y = (3 * LINE_X + 2 + 0.5 * np.sin(3 * LINE_X)).astype(np.float32)


def line_loss(a, b):
    """L(a, b) = mean((a·x + b - y)²) at every grid point (a, b) at once."""
    residual = a[..., None] * LINE_X + b[..., None] - LINE_Y
    return tf.reduce_mean(residual**2, axis=-1)


def the_gradient_field_of_a_line_fit() -> list[Check]:
    """The loss of a line fit depends on two weights, so its gradient is an arrow in the plane.

    `gradient_field` evaluates L on a grid of (a, b) and asks one tape for the gradient at
    every point at once: the tape sums L over the grid, and each point's L depends on that
    point only. By hand, dL/da = 2·mean(r·x) and dL/db = 2·mean(r), with r = a·x + b - y.
    """
    field = gradient_field(line_loss, (-1.0, 6.0), (-2.0, 5.0), num=15)
    r = field.w0[..., None] * LINE_X + field.w1[..., None] - LINE_Y
    # Verify
    r = r.astype(np.float64)
    return [
        check_close("dL/da on the 15×15 grid, 2·mean(r·x) by hand", field.dL_dw0,
                    2 * np.mean(r * LINE_X, -1), rtol=1e-5, atol=1e-5),
        check_close("dL/db on the 15×15 grid, 2·mean(r) by hand", field.dL_dw1,
                    2 * np.mean(r, -1), rtol=1e-5, atol=1e-5),
    ]


EXAMPLES = [the_gradient_field_of_a_line_fit]
