"""Write integrated gradients with the trapezoid rule, and check completeness.

Write integrated_gradients(model, x, baseline, steps): for a batch x and a baseline of the
same shape (N, F), average dy/dx along the straight path from the baseline to x with the
trapezoid rule over `steps` intervals (steps + 1 points, every point of every path in one
batch and one tape call), multiply by x - baseline, and return (attributions, shape (N, F);
completeness_error, shape (N,)): |Σ attributions - (y(x) - y(baseline))| for each input.
The check compares both with the rule and the model's derivative worked out in NumPy.
"""

LESSON = "sensitivity"
ORDER = 2
KIND = "write the tape code"

STUB = '''\
"""Exercise integrated_gradients_by_hand: attributions and their completeness error.

model(x) takes x of shape (N, F) and gives y of shape (N,). Along the path baseline + α·(x -
baseline), α from 0 to 1, average dy/dx with the trapezoid rule over `steps` intervals, then
multiply by x - baseline. Return (attributions, completeness_error), shapes (N, F) and (N,),
with completeness_error = |Σ attributions - (y(x) - y(baseline))| per input.
Check it: python -m tfbasics.exercises check integrated_gradients_by_hand
"""
import tensorflow as tf


def integrated_gradients(model, x, baseline, steps):
    count, features = x.shape
    alphas = tf.linspace(0.0, 1.0, steps + 1)  # steps intervals: steps + 1 points
    ...  # every path point of every input in one batch, one tape, the trapezoid rule
    attributions = ...
    completeness_error = ...
    return attributions, completeness_error
'''

SOLUTION = '''\
"""Exercise integrated_gradients_by_hand: attributions and their completeness error.

model(x) takes x of shape (N, F) and gives y of shape (N,). Along the path baseline + α·(x -
baseline), α from 0 to 1, average dy/dx with the trapezoid rule over `steps` intervals, then
multiply by x - baseline. Return (attributions, completeness_error), shapes (N, F) and (N,),
with completeness_error = |Σ attributions - (y(x) - y(baseline))| per input.
Check it: python -m tfbasics.exercises check integrated_gradients_by_hand
"""
import tensorflow as tf


def integrated_gradients(model, x, baseline, steps):
    count, features = x.shape
    alphas = tf.linspace(0.0, 1.0, steps + 1)  # steps intervals: steps + 1 points
    path = baseline + alphas[:, None, None] * (x - baseline)  # (steps + 1, N, F)
    points = tf.reshape(path, [-1, features])  # one batch of (steps + 1)·N inputs
    with tf.GradientTape() as tape:
        tape.watch(points)
        y = model(points)
    dy_dx = tf.reshape(tape.gradient(y, points), path.shape)
    # trapezoid rule: the mean of each interval's two ends, over the steps intervals
    mean_gradient = tf.reduce_mean((dy_dx[:-1] + dy_dx[1:]) / 2, axis=0)
    attributions = (x - baseline) * mean_gradient
    change = model(x) - model(baseline)  # what the attributions should add up to
    completeness_error = tf.abs(tf.reduce_sum(attributions, axis=1) - change)
    return attributions, completeness_error
'''

HINTS = [
    "Build the path as one tensor of shape (steps + 1, N, F): baseline + α·(x - baseline) "
    "with α of shape (steps + 1, 1, 1). Reshape it to (-1, F) so the model sees one batch.",
    "Watch that batch on a tape, y = model(batch), and tape.gradient(y, batch) gives every "
    "point's dy/dx at once. Reshape the gradient back to (steps + 1, N, F).",
    "The trapezoid rule averages each interval's two ends: mean over the intervals of "
    "(g[:-1] + g[1:]) / 2. Multiply by x - baseline; the attributions of an input should add "
    "up to y(x) - y(baseline), and completeness_error measures by how much they miss.",
]


def _model(rng, features, kind):
    """Return a model as (TF function, its value, its gradient by hand in NumPy)."""
    import numpy as np
    import tensorflow as tf

    if kind == "cubic":  # y = Σ x³: from baseline 0 the rule's error has the sign of Σ x³
        return (lambda x: tf.reduce_sum(x**3, axis=1), lambda x: np.sum(x**3, axis=1),
                lambda x: 3 * x**2)
    if kind == "linear":
        w = np.round(rng.uniform(-2, 2, features), 2)
        return (lambda x: tf.reduce_sum(x * tf.constant(w, x.dtype), axis=1) + 0.5,
                lambda x: x @ w + 0.5, lambda x: np.broadcast_to(w, x.shape))
    w1 = np.round(rng.uniform(-1, 1, (features, 5)), 2)
    w2 = np.round(rng.uniform(-1, 1, 5), 2)
    return (lambda x: tf.tensordot(tf.tanh(x @ tf.constant(w1, x.dtype)),
                                   tf.constant(w2, x.dtype), 1),
            lambda x: np.tanh(x @ w1) @ w2,
            lambda x: ((1 - np.tanh(x @ w1) ** 2) * w2) @ w1.T)  # W1·((1 - tanh²)·w2)


def _rule(gradient, x, x0, alphas, weights):
    """Return Σ_k weight_k·dy/dx(x0 + α_k(x - x0)), in float64 NumPy."""
    import numpy as np

    return sum(w * gradient(x0 + a * (x - x0)) for a, w in zip(alphas, weights, strict=True)) \
        * np.ones_like(x)


def grade(student, rng):
    """Three random batches (a tanh model, a linear one, a cubic), each with its own number of
    steps (4, 6 and 9 in a random order); compare with NumPy."""
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

    ig = require(student, "integrated_gradients", "integrated_gradients(model, x, baseline, "
                 "steps)")
    # three different steps, one per model: an answer that keeps the first call's path points
    # (or its steps) gets the wrong sum at the next model with a path of its own
    for kind, steps in zip(("tanh", "linear", "cubic"), rng.permutation([4, 6, 9]),
                           strict=True):
        steps = int(steps)
        count, features = int(rng.integers(2, 5)), int(rng.integers(3, 6))
        model, value, gradient = _model(rng, features, kind)
        x = np.round(rng.uniform(-2, 2, (count, features)), 2).astype(np.float32)
        x0 = np.round(rng.uniform(-1, 1, (count, features)), 2).astype(np.float32)
        if kind == "cubic":  # inputs of both signs, baseline 0: errors of both signs
            x = (np.abs(x) * np.where(np.arange(count) % 2, -1, 1)[:, None]).astype(np.float32)
            x0 = 0 * x0
        result = call(ig, model, tf.constant(x), tf.constant(x0), steps)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise Problem("integrated_gradients should return two values: (attributions, "
                          "completeness_error)")
        at = f"{count} inputs, {steps} steps"
        got = as_array(result[0], "attributions", (count, features))
        x64, b64 = x.astype(np.float64), x0.astype(np.float64)
        trapezoid = np.full(steps + 1, 1 / steps)
        trapezoid[[0, -1]] /= 2
        mean = _rule(gradient, x64, b64, np.linspace(0, 1, steps + 1), trapezoid)
        expected = (x64 - b64) * mean
        scale = float(np.max(np.abs(expected)))
        close = lambda a, b, s=scale: np.allclose(a, b, rtol=1e-4, atol=1e-5 * s)  # noqa: E731
        uniform = np.full(steps, 1 / steps)
        others = {  # what a slip gives, each told apart from the trapezoid on a curved model
            "a left Riemann sum (α = 0 ... (steps - 1)/steps, each point weighing the same), "
            "not the trapezoid rule, where both ends count half":
                (x64 - b64) * _rule(gradient, x64, b64, np.arange(steps) / steps, uniform),
            "a right Riemann sum (α = 1/steps ... 1, each point weighing the same), not the "
            "trapezoid rule, where both ends count half":
                (x64 - b64) * _rule(gradient, x64, b64, np.arange(1, steps + 1) / steps,
                                    uniform),
            "a mean over all steps + 1 points, each weighing the same: in the trapezoid rule "
            "the two ends count half":
                (x64 - b64) * _rule(gradient, x64, b64, np.linspace(0, 1, steps + 1),
                                    np.full(steps + 1, 1 / (steps + 1))),
            "the average gradient along the path, not yet multiplied by how far each input "
            "moves, x - baseline": mean,
            "the average gradient times x: each input moves by x - baseline along the path":
                x64 * mean,
            "the right size with the wrong sign: the path runs from the baseline to x":
                -expected,
        }
        if not close(got, expected):
            for what, values in others.items():
                if (kind != "linear" or "Riemann" not in what) and close(got, values):
                    raise Problem(f"for {at} your attributions are {what}")
            compare(got, expected, "attributions", at, "attributions", rtol=1e-4,
                    atol=1e-5 * scale)
        error = as_array(result[1], "completeness_error", (count,))
        change = value(x64) - value(b64)
        want = np.abs(got.sum(axis=1) - change)  # for the attributions you returned
        tolerance = 1e-5 * max(1.0, float(np.max(np.abs(change))), scale)
        if np.any(error < -tolerance):
            raise Problem(f"for {at} completeness_error has negative values: it is a size, "
                          f"how far Σ attributions misses y(x) - y(baseline)")
        if np.any(np.abs(error - want) > tolerance):
            i = int(np.argmax(np.abs(error - want)))
            raise Problem(f"for {at} completeness_error[{i}] is {error[i]:.3g} where it "
                          f"should be {want[i]:.3g}: compare the attributions' sum with "
                          f"y(x) - y(baseline) from the model itself")
    avoids(ig, "integrated_gradients", ["tfbasics"], "computes the attributions with a tape "
           "of its own, not with tfbasics' helpers")
    uses(ig, "integrated_gradients", ["GradientTape"], "records the model on a "
         "tf.GradientTape")
    ones = tf.constant(np.ones((2, features), np.float32))
    asked = tape_calls(ig, model, ones, 0 * ones, 5)
    if asked != 1:
        raise Problem(f"integrated_gradients asked a tape for a gradient {asked} times for 2 "
                      f"inputs and 5 steps: put every path point of every input in one batch "
                      f"and ask once")
    return Feedback.ok()
