"""Derive a gradient by hand: dL/dw for L(w) = 4w + w³.

Write dL_dw(w): given a NumPy array w of any shape, return dL/dw, one value per element.
The course began with this function at w = 1, where the gradient is 7; your formula must
hold at any w. The check compares it with the tape at random points.
"""

LESSON = "autodiff"
ORDER = 1
KIND = "derive a gradient"

STUB = '''\
"""Exercise cubic_derivative: the gradient of L(w) = 4w + w³ (summed over w's elements).

Write dL_dw(w) with NumPy: for an array w, return dL/dw (same shape as w).
Check it: python -m tfbasics.exercises check cubic_derivative
"""
import numpy as np


def dL_dw(w):
    return ...  # your formula
'''

SOLUTION = '''\
"""Exercise cubic_derivative: the gradient of L(w) = 4w + w³ (summed over w's elements).

Write dL_dw(w) with NumPy: for an array w, return dL/dw (same shape as w).
Check it: python -m tfbasics.exercises check cubic_derivative
"""
import numpy as np


def dL_dw(w):
    return 4 + 3 * w**2
'''

HINTS = [
    "Differentiate each term on its own and add: the derivative of a sum is the sum of the "
    "derivatives.",
    "d(4w)/dw = 4, and the power rule gives d(wⁿ)/dw = n·wⁿ⁻¹.",
]


def grade(student, rng):
    """Check dL_dw against the tape at three random points: vectors of two lengths and
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

    formula = require(student, "dL_dw", "dL_dw(w)")

    def L(w):
        return tf.reduce_sum(4 * w + w**3)

    grade_formula(L, formula, [(point,) for shape in varied_shapes(rng)
                               for point in points(rng, shape, count=1)], ["w"])
    avoids(formula, "dL_dw", ["GradientTape", "ForwardAccumulator", "jacobian", "tfbasics",
                              "compute_gradient"],
           "is your own derivation: the check compares it with TF's tape, so it cannot ask a "
           "tape for the answer")
    return Feedback.ok()
