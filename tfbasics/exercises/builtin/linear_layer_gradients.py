"""Write the tape code: the gradients of a linear layer's loss.

Write gradients(x, w, b) with a tf.GradientTape: for L = mean((x @ w + b)²) return
(dL/dw, dL/db), each the shape of its variable. The check compares them with the gradients
derived by hand, at random inputs.
"""

LESSON = "autodiff"
ORDER = 4
KIND = "write the tape code"

STUB = '''\
"""Exercise linear_layer_gradients: dL/dw and dL/db for L = mean((x @ w + b)²).

x is a (batch, 3) tensor, w a (3, 2) tf.Variable and b a (2,) tf.Variable. Record L on a
tf.GradientTape and return (dL/dw, dL/db).
Check it: python -m tfbasics.exercises check linear_layer_gradients
"""
import tensorflow as tf


def gradients(x, w, b):
    ...  # record L on a tape here
    return ..., ...
'''

SOLUTION = '''\
"""Exercise linear_layer_gradients: dL/dw and dL/db for L = mean((x @ w + b)²).

x is a (batch, 3) tensor, w a (3, 2) tf.Variable and b a (2,) tf.Variable. Record L on a
tf.GradientTape and return (dL/dw, dL/db).
Check it: python -m tfbasics.exercises check linear_layer_gradients
"""
import tensorflow as tf


def gradients(x, w, b):
    with tf.GradientTape() as tape:
        y = x @ w + b
        L = tf.reduce_mean(y**2)
    dL_dw, dL_db = tape.gradient(L, [w, b])
    return dL_dw, dL_db
'''

HINTS = [
    "Compute y = x @ w + b and L = tf.reduce_mean(y**2) inside `with tf.GradientTape() as "
    "tape:`.",
    "tape.gradient(L, [w, b]) returns both gradients, in the order you ask.",
]


def grade(student, rng):
    """Run gradients at three random (x, w, b); compare with 2/N·xᵀy and 2/N·Σy."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        call,
        compare,
        require,
        tape_calls,
        uses,
    )

    gradients = require(student, "gradients", "gradients(x, w, b)")
    for _ in range(3):
        batch = int(rng.integers(2, 6))
        x = np.round(rng.uniform(-2, 2, (batch, 3)), 2)
        w = np.round(rng.uniform(-1, 1, (3, 2)), 2)
        b = np.round(rng.uniform(-1, 1, 2), 2)
        result = call(gradients, tf.constant(x, tf.float32), tf.Variable(w, dtype=tf.float32),
                      tf.Variable(b, dtype=tf.float32))
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise Problem("gradients should return two values: (dL/dw, dL/db)")
        y = x @ w + b  # L = mean(y²) over batch·2 numbers: dL/dy = 2y / (2·batch)
        dL_dy = 2 * y / y.size
        at = f"a batch of {batch}"
        if result[0] is None or result[1] is None:
            raise Problem(f"for {at} a gradient is None: did you compute L inside the tape's "
                          f"with block, from w and b?")
        compare(result[0], x.T @ dL_dy, "dL/dw", at, "dL_dw")
        compare(result[1], dL_dy.sum(axis=0), "dL/db", at, "dL_db")
    uses(gradients, "gradients", ["GradientTape"], "records the loss on a tf.GradientTape")
    if tape_calls(gradients, tf.constant(x, tf.float32), tf.Variable(w, dtype=tf.float32),
                  tf.Variable(b, dtype=tf.float32)) == 0:
        raise Problem("the exercise asks that gradients record the loss on a tf.GradientTape "
                      "and ask it for dL/dw and dL/db; yours never asks a tape")
    return Feedback.ok()
