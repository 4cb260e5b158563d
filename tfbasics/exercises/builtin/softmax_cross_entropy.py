"""Derive the gradient of softmax cross-entropy with respect to the logits z.

Write dL_dz(z, y): given NumPy vectors z (the logits) and y (the target: one-hot, or
probabilities that sum to 1), return dL/dz for L = -Σ y·log softmax(z). The softmax couples
every element of z to every other, so each element's derivative has a contribution from each
class. The check compares your formula with the tape at random z and y.
"""

LESSON = "advanced_autodiff"
ORDER = 2
KIND = "derive a gradient"

STUB = '''\
"""Exercise softmax_cross_entropy: dL/dz for L = -Σ y·log softmax(z).

softmax(z)[i] = exp(z[i]) / Σ_k exp(z[k]); y is one-hot or a probability vector (Σ y = 1).
Write dL_dz(z, y) with NumPy: for vectors z and y of one length, return dL/dz (same shape).
Check it: python -m tfbasics.exercises check softmax_cross_entropy
"""
import numpy as np


def dL_dz(z, y):
    return ...  # your formula
'''

SOLUTION = '''\
"""Exercise softmax_cross_entropy: dL/dz for L = -Σ y·log softmax(z).

softmax(z)[i] = exp(z[i]) / Σ_k exp(z[k]); y is one-hot or a probability vector (Σ y = 1).
Write dL_dz(z, y) with NumPy: for vectors z and y of one length, return dL/dz (same shape).
Check it: python -m tfbasics.exercises check softmax_cross_entropy
"""
import numpy as np


def dL_dz(z, y):
    softmax = np.exp(z) / np.sum(np.exp(z))
    return softmax - y  # -y + softmax·Σy, and Σy = 1
'''

HINTS = [
    "Write log softmax(z)[k] = z[k] - log Σ_j exp(z[j]) first; then L = -Σ_k y[k]·z[k] + "
    "(Σ_k y[k])·log Σ_j exp(z[j]).",
    "The derivative of log Σ_j exp(z[j]) with respect to z[i] is softmax(z)[i].",
    "The first term gives -y[i]; the second gives softmax(z)[i] times Σ y, which is 1.",
]


def grade(student, rng):
    """Check dL_dz against the tape at three random (z, y): two one-hot y, one of
    probabilities; the length of z is random too."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        at_point,
        avoids,
        grade_formula,
        points,
        require,
    )

    formula = require(student, "dL_dz", "dL_dz(z, y)")
    for one_hot in (True, False, True):
        k = int(rng.integers(3, 7))
        [z] = points(rng, (k,), count=1, low=-3.0, high=3.0)
        if one_hot:
            y = np.eye(k)[int(rng.integers(k))]
        else:  # probabilities that sum to 1
            counts = rng.integers(1, 10, k)
            y = counts / counts.sum()
        y = y.astype(np.float32)

        def L(z, y=y):
            return -tf.reduce_sum(y * tf.nn.log_softmax(z))

        try:
            grade_formula(L, lambda z, y=y: formula(z, y.copy()), [(z,)], ["z"])
        except Problem as problem:  # name y beside z in the message
            message = str(problem)
            before, after = f"at {at_point(['z'], [z])}", f"at {at_point(['z', 'y'], [z, y])}"
            raise Problem(message.replace(before, after, 1)) from None
    avoids(formula, "dL_dz", ["GradientTape", "ForwardAccumulator", "jacobian", "tfbasics",
                              "compute_gradient"],
           "is your own derivation: the check compares it with TF's tape, so it cannot ask a "
           "tape for the answer")
    return Feedback.ok()
