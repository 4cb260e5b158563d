"""Derive the gradient of L(w) = Σ w²·sin(w) with the product rule.

Write dL_dw_product(w): given a NumPy array w of any shape, return dL/dw, one value per
element of w.
Each element contributes w²·sin(w) to L, so each element's derivative is that term's
derivative. The check compares your formula with the tape, forward mode and finite
differences at random points.
"""

LESSON = "autodiff"
ORDER = 2
KIND = "derive a gradient"

STUB = '''\
"""Exercise product_rule: the gradient of L(w) = Σ w²·sin(w).

Write dL_dw_product(w) with NumPy: for an array w, return dL/dw (same shape as w).
Check it: python -m tfbasics.exercises check product_rule
"""
import numpy as np


def dL_dw_product(w):
    return ...  # your formula, with np.sin and np.cos
'''

SOLUTION = '''\
"""Exercise product_rule: the gradient of L(w) = Σ w²·sin(w).

Write dL_dw_product(w) with NumPy: for an array w, return dL/dw (same shape as w).
Check it: python -m tfbasics.exercises check product_rule
"""
import numpy as np


def dL_dw_product(w):
    return 2 * w * np.sin(w) + w**2 * np.cos(w)  # (uv)' = u'v + uv'
'''

HINTS = [
    "L is a sum over elements, so dL/dw[i] is the derivative of w[i]²·sin(w[i]) alone.",
    "The product rule: (u·v)' = u'·v + u·v', here with u = w² and v = sin(w).",
    "u' = 2w and v' = cos(w); add the two products.",
]


def grade(student, rng):
    """Check dL_dw_product against the tape at three random points: vectors of two lengths and
    a matrix."""
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        avoids,
        grade_formula,
        points,
        require,
        varied_shapes,
    )

    formula = require(student, "dL_dw_product", "dL_dw_product(w)")

    def L(w):
        return tf.reduce_sum(w**2 * tf.sin(w))

    grade_formula(L, formula, [(point,) for shape in varied_shapes(rng)
                               for point in points(rng, shape, count=1)], ["w"])
    avoids(formula, "dL_dw_product",
           ["GradientTape", "ForwardAccumulator", "jacobian", "tfbasics",
            "compute_gradient"],
           "is your own derivation: the check compares it with TF's tape, so it cannot ask a "
           "tape for the answer")
    return Feedback.ok()
