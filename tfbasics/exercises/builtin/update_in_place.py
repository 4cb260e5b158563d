"""Fix a None: a training loop whose second step has no gradient.

The starting file runs gradient descent on a tf.Variable w, but its update `w = w - lr * dL_dw`
puts a new tf.Tensor in w's place, so the next step's tape.gradient(L, w) is None. Change how
the loop updates w, so that every step works and w stays the tf.Variable it was given; the
check runs your loop on random data and repeats its steps in NumPy.
"""

LESSON = "variables"
ORDER = 1
KIND = "fix a None"

STUB = '''\
"""Exercise update_in_place: the loop's second step fails with a None gradient. Fix it.

train(w, x, y, lr, num_steps) runs gradient descent on L = mean((x @ w - y)²), where w is a
(k, 1) tf.Variable, and returns w. Make every step work, and keep w the same tf.Variable.
Check it: python -m tfbasics.exercises check update_in_place
"""
import tensorflow as tf


def train(w, x, y, lr, num_steps):
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((x @ w - y) ** 2)
        dL_dw = tape.gradient(L, w)
        w = w - lr * dL_dw
    return w
'''

SOLUTION = '''\
"""Exercise update_in_place: the loop's second step fails with a None gradient. Fix it.

train(w, x, y, lr, num_steps) runs gradient descent on L = mean((x @ w - y)²), where w is a
(k, 1) tf.Variable, and returns w. Make every step work, and keep w the same tf.Variable.
Check it: python -m tfbasics.exercises check update_in_place
"""
import tensorflow as tf


def train(w, x, y, lr, num_steps):
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((x @ w - y) ** 2)
        dL_dw = tape.gradient(L, w)
        w.assign_sub(lr * dL_dw)  # in place: w stays the Variable the tape watches
    return w
'''

HINTS = [
    "The first step works. What kind of object is w after `w = w - lr * dL_dw`?",
    "An op on a variable returns a plain tf.Tensor, and a tape watches only variables on its "
    "own. Keep the variable and change its value instead of replacing it.",
    "A variable changes in place with assign, assign_add or assign_sub.",
]


def _none_reason(error, tf):
    """Return explain_none's reason when the error came from a None gradient in the loop,
    read from the student's frame (its tape, L and w); None for any other error."""
    from tfbasics.doctor import explain_none

    if "NoneType" not in str(error):  # e.g. lr * None: unsupported operand type(s)
        return None
    frames, tb = [], error.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        names = frame.f_locals
        tapes = [v for v in names.values() if isinstance(v, tf.GradientTape)]
        if tapes and "L" in names and "w" in names:
            if not isinstance(names["w"], tf.Variable):  # the diagnosis, not the fix
                return ("from the second step on, tape.gradient(L, w) is None: after the "
                        "first step w is no longer the tf.Variable train was given but a new "
                        "tf.Tensor, and by itself a tape records operations only on "
                        "tf.Variables")
            reason = explain_none(tapes[0], names["L"], {"w": names["w"]})["w"]
            return reason and f"tape.gradient(L, w) is None: {reason}"
    return None


def grade(student, rng):
    """Run train from three random starts; w must match NumPy's steps and stay the Variable."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import Feedback, Problem, compare, describe_error, require

    train = require(student, "train", "train(w, x, y, lr, num_steps)")
    for _ in range(3):
        batch, k, num_steps = (int(rng.integers(3, 7)), int(rng.integers(2, 5)),
                               int(rng.integers(2, 6)))
        lr = float(rng.choice([0.05, 0.1, 0.2]))
        x = np.round(rng.uniform(-1, 1, (batch, k)), 2)
        y = np.round(rng.uniform(-1, 1, (batch, 1)), 2)
        w0 = np.round(rng.uniform(-1, 1, (k, 1)), 2)
        w = tf.Variable(w0, dtype=tf.float32)
        at = f"{num_steps} steps with lr = {lr:g} on a batch of {batch}"
        try:
            result = train(w, tf.constant(x, tf.float32), tf.constant(y, tf.float32), lr,
                           num_steps)
        except Exception as error:  # noqa: BLE001 - the student's mistake, in a line
            reason = _none_reason(error, tf)
            raise Problem(f"in {at}, {reason}" if reason else describe_error(error)) from None
        expected = w0.copy()
        for _ in range(num_steps):  # L = mean((xw - y)²) over batch rows: dL/dw = 2/N·xᵀ(xw - y)
            expected -= lr * 2 / batch * x.T @ (x @ expected - y)
        if result is not w:
            unchanged = np.allclose(w.numpy(), w0)
            kind = "a new tf.Variable" if isinstance(result, tf.Variable) else "a tf.Tensor" \
                if tf.is_tensor(result) else f"a {type(result).__name__}"
            raise Problem(f"after {at}, train returns {kind}, not the tf.Variable it was "
                          f"given" + (", which still holds its starting value: the loop "
                                      "replaced w instead of changing it" if unchanged else ""))
        compare(w, expected, "w", f"the end of {at}", "w", atol=1e-5,
                reference="NumPy's steps give")
    return Feedback.ok()
