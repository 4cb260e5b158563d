"""Write the tape code: a saliency map, |dy/dx| for every input of a batch, from one tape.

Write saliency(model, x): model takes a batch x of shape (N, F) and gives one output per
input, shape (N,). Return |dy/dx| for each input, shape (N, F), asking one tf.GradientTape
once for the whole batch. The check compares it with derivatives worked out by hand, for
random models and inputs.
"""

LESSON = "sensitivity"
ORDER = 1
KIND = "write the tape code"

STUB = '''\
"""Exercise saliency_map: |dy/dx| for each input of a batch, from one tape.

model(x) takes x of shape (N, F) and gives y of shape (N,), one output per input. Return the
saliency map |dy/dx|, shape (N, F): one tape, asked once for the whole batch.
Check it: python -m tfbasics.exercises check saliency_map
"""
import tensorflow as tf


def saliency(model, x):
    x = tf.convert_to_tensor(x)
    ...  # record y = model(x) on a tape, then ask it for dy/dx
    return ...
'''

SOLUTION = '''\
"""Exercise saliency_map: |dy/dx| for each input of a batch, from one tape.

model(x) takes x of shape (N, F) and gives y of shape (N,), one output per input. Return the
saliency map |dy/dx|, shape (N, F): one tape, asked once for the whole batch.
Check it: python -m tfbasics.exercises check saliency_map
"""
import tensorflow as tf


def saliency(model, x):
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)  # x is a tf.Tensor: the tape records it only when asked
        y = model(x)
    dy_dx = tape.gradient(y, x)  # of Σy: each input's output depends on that input only
    return tf.abs(dy_dx)
'''

HINTS = [
    "Compute y = model(x) inside `with tf.GradientTape() as tape:`. x is a tf.Tensor, not a "
    "tf.Variable: the tape records it only after tape.watch(x).",
    "tape.gradient(y, x) differentiates the sum of y's elements. Each output depends on its "
    "own input only, so row i of the result is dy[i]/dx[i]: the whole batch in one call.",
    "A saliency map is the size of the gradient: tf.abs(tape.gradient(y, x)).",
]


def _models(rng):
    """Return two random models as (TF function, its gradient by hand in NumPy)."""
    import numpy as np
    import tensorflow as tf

    features = int(rng.integers(3, 6))
    w1 = np.round(rng.uniform(-1, 1, (features, 4)), 2)
    w2 = np.round(rng.uniform(-1, 1, 4), 2)
    v = np.round(rng.uniform(-2, 2, features), 2)

    def mlp(x):  # y = tanh(x·W1)·w2
        return tf.tensordot(tf.tanh(x @ tf.constant(w1, x.dtype)), tf.constant(w2, x.dtype), 1)

    def mlp_gradient(x):  # dy/dx = W1·((1 - tanh²(x·W1))·w2)
        return ((1 - np.tanh(x @ w1) ** 2) * w2) @ w1.T

    def waves(x):  # y = Σ v·sin(x) + x0·x1
        return tf.reduce_sum(tf.constant(v, x.dtype) * tf.sin(x), axis=1) + x[:, 0] * x[:, 1]

    def waves_gradient(x):
        g = v * np.cos(x)
        g[:, 0] += x[:, 1]
        g[:, 1] += x[:, 0]
        return g

    return features, [(mlp, mlp_gradient), (waves, waves_gradient)]


def _why_none(saliency):
    """Say why the tape gave None: x unwatched, or y computed outside the with block."""
    from tfbasics.exercises.grading import Problem, uses

    try:
        uses(saliency, "saliency", ["watch"], "")
    except Problem:  # no tape.watch anywhere (a tf.Variable would not need one)
        return "records a tf.Tensor such as x only after tape.watch(x)"
    return ("records only what runs inside its with block: compute the value you "
            "differentiate there")


def grade(student, rng):
    """Run saliency on two random models with batches of one shape, then the first model on a
    third batch; compare with |dy/dx| by hand, then count the tape's gradients."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        as_array,
        avoids,
        call,
        compare,
        require,
        tape_calls,
        uses,
    )

    saliency = require(student, "saliency", "saliency(model, x)")
    features, models = _models(rng)
    # both models get batches of one shape (new numbers each time), and the tape count below
    # a third: a map remembered by shape, or by model, is a wrong map at the next call
    count = int(rng.integers(3, 6))
    for model, by_hand in models:
        x = np.round(rng.uniform(-2, 2, (count, features)), 2).astype(np.float32)
        try:
            got = call(saliency, model, tf.constant(x))
        except Problem as problem:
            if "None" in str(problem):
                raise Problem(f"{str(problem).rstrip('.')}: the tape gave None, since it "
                              f"{_why_none(saliency)}") from None
            raise
        at = f"a batch of {count} inputs"
        if got is None:
            raise Problem(f"for {at} saliency returned None: the tape gives None when it "
                          f"{_why_none(saliency)}")
        got = as_array(got, "saliency(model, x)", (count, features))
        g = by_hand(x.astype(np.float64))
        expected = np.abs(g)
        close = lambda a, b: np.allclose(a, b, rtol=1e-4, atol=1e-5)  # noqa: E731
        if close(got, g) and np.any(g < -1e-3):
            raise Problem(f"for {at} saliency has negative values, the signed dy/dx: a "
                          f"saliency map is the size of the gradient")
        if close(got, expected / count):
            raise Problem(f"for {at} saliency is {count} times too small, the batch size: "
                          f"is y averaged over the batch? Each input's gradient comes from "
                          f"its own output, so the tape's sum over y is what you want")
        if close(got, np.abs(x * g)):
            raise Problem(f"for {at} saliency is |x·dy/dx|, gradient times input: the "
                          f"saliency map is the gradient alone")
        compare(got, expected, "saliency(model, x)", at, "s", rtol=1e-4, atol=1e-5)
    avoids(saliency, "saliency", ["tfbasics"], "computes the map with a tape of its own, "
           "not with tfbasics' helpers")
    uses(saliency, "saliency", ["GradientTape"], "records the model on a tf.GradientTape")
    # the map's values first, so a wrong map is said to be wrong before how it is computed
    x = np.round(rng.uniform(-2, 2, (count, features)), 2).astype(np.float32)
    model, by_hand = models[0]
    compare(call(saliency, model, tf.constant(x)), np.abs(by_hand(x.astype(np.float64))),
            "saliency(model, x)", f"a batch of {count} inputs", "s", rtol=1e-4, atol=1e-5)
    asked = tape_calls(saliency, model, tf.constant(x))
    if asked != 1:
        raise Problem(f"saliency asked a tape for a gradient {asked} times for a batch of "
                      f"{count}: "
                      f"one call gives the whole batch's gradients, so ask once")
    return Feedback.ok()
