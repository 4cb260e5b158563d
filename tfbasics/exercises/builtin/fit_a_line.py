"""Write a training loop: fit y ≈ a·x + b by gradient descent, down to the least-squares fit.

Write train(x, y, num_steps): starting from a = b = 0, take num_steps steps of plain gradient
descent with the learning rate lr = 0.1 on L = mean((a·x + b - y)²), each recorded on a
`tf.GradientTape` and applied with `assign_sub`, and return (a, b), float32 variables. The
check replays your first steps in NumPy, then trains on random data sets and compares your a
and b with the exact least-squares fit NumPy solves.
"""

LESSON = "modules"
ORDER = 2
KIND = "write a training loop"

STUB = '''\
"""Exercise fit_a_line: fit y ≈ a·x + b by gradient descent.

train(x, y, num_steps) starts from a = b = 0, takes num_steps steps of plain gradient descent
(lr = 0.1) on L = mean((a·x + b - y)²) and returns (a, b). x and y are float32 tensors of
shape (N,).
Check it: python -m tfbasics.exercises check fit_a_line
"""
import tensorflow as tf


def train(x, y, num_steps):
    a = tf.Variable(0.0)
    b = tf.Variable(0.0)
    lr = 0.1  # the learning rate
    for _ in range(num_steps):
        ...  # one step: record L on a tape, then move a and b downhill
    return a, b
'''

SOLUTION = '''\
"""Exercise fit_a_line: fit y ≈ a·x + b by gradient descent.

train(x, y, num_steps) starts from a = b = 0, takes num_steps steps of plain gradient descent
(lr = 0.1) on L = mean((a·x + b - y)²) and returns (a, b). x and y are float32 tensors of
shape (N,).
Check it: python -m tfbasics.exercises check fit_a_line
"""
import tensorflow as tf


def train(x, y, num_steps):
    a = tf.Variable(0.0)
    b = tf.Variable(0.0)
    lr = 0.1  # the learning rate
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((a * x + b - y) ** 2)
        dL_da, dL_db = tape.gradient(L, [a, b])
        a.assign_sub(lr * dL_da)  # a ← a - lr·dL/da
        b.assign_sub(lr * dL_db)
    return a, b
'''

HINTS = [
    "Each step: compute L inside `with tf.GradientTape() as tape:`, then ask the tape for "
    "the gradient of L with respect to a and b.",
    "Move each variable against its gradient, in place: a.assign_sub(lr * dL_da). Writing "
    "a = a - ... makes a a plain Tensor, which the next tape does not watch.",
    "L = tf.reduce_mean((a * x + b - y) ** 2); dL_da, dL_db = tape.gradient(L, [a, b]).",
]

NUM_STEPS = 200
LEARNING_RATE = 0.1  # the stub's
# The loss is a quadratic bowl whose curvatures (the eigenvalues of 2·[[mean x², mean x],
# [mean x, 1]]) lie between 0.7 and 5.2 for the data sets drawn here (9000 of them tried): at
# lr = 0.1 each step shrinks the distance to the least-squares fit by 7% or more, so 200 steps
# from a = b = 0 end within 1e-6 of it, as float32 rounding does. 1e-3 accepts every run that
# converged and rejects one still on its way.
TOLERANCE = 1e-3


def grade(student, rng):
    """Replay the first steps in NumPy (the start, one plain step of lr = 0.1 on the mean, a
    second from where it ended) on two random data sets of different sizes, then train on a
    third; a and b must match
    np.linalg.lstsq to 1e-3."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        as_array,
        avoids,
        call,
        require,
        show,
        tape_calls,
        uses,
    )

    train = require(student, "train", "train(x, y, num_steps)")

    def fit(x, y, num_steps):  # the student's (a, b) after num_steps steps, as floats
        try:
            result = call(train, tf.constant(x), tf.constant(y), num_steps)
        except Problem as problem:
            if "NoneType" in str(problem):  # e.g. unsupported operand ... 'NoneType'
                raise Problem(f"{problem}; a gradient was None: the tape follows only the "
                              f"tf.Variables read inside its with block, and a = a - ... "
                              f"turns a into a plain Tensor") from None
            raise
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise Problem("train should return two numbers: (a, b)")
        for value, name in zip(result, "ab", strict=True):
            dtype = getattr(value, "dtype", None)
            if tf.is_tensor(value) and dtype != tf.float32:
                raise Problem(f"train returns {name} as a {dtype.name} "
                              f"{'tf.Variable' if isinstance(value, tf.Variable) else 'tensor'}"
                              f": x and y are float32, and so should a and b be")
        return np.array([as_array(value, f"train(...)'s {name}", ())
                         for value, name in zip(result, "ab", strict=True)])

    def mse(p, x64, y64):  # mean((a·x + b - y)²) in float64; inf once training blew up
        with np.errstate(all="ignore"):
            return float(np.mean((p[0] * x64 + p[1] - y64) ** 2))

    def downhill(p, x64, y64):  # -dL/d(a, b) at p
        residual = p[0] * x64 + p[1] - y64
        return -np.array([2 * np.mean(residual * x64), 2 * np.mean(residual)])

    def data(count=None, low=-2.0):
        count = int(rng.integers(20, 61)) if count is None else count
        x = np.round(rng.uniform(low, low + 4, count), 2)
        a_true, b_true = np.round(rng.uniform(-3, 3, 2), 2)
        y = np.round(a_true * x + b_true + rng.normal(0, 0.3, count), 2)
        return count, x.astype(np.float32), y.astype(np.float32)

    def first_steps(count, x, y):  # the start and two plain steps, replayed in float64
        x64, y64 = x.astype(np.float64), y.astype(np.float64)
        on = f"on {count} random points"
        start = fit(x, y, 0)
        if np.any(start != 0):
            raise Problem(f"{on} train(x, y, 0) returns {show(start)}, not the start a = b = "
                          f"0: does train start from a = b = 0 and take num_steps steps (none "
                          f"when num_steps is 0)?")
        one, want = fit(x, y, 1), LEARNING_RATE * downhill(start, x64, y64)
        step = one - start
        if not np.allclose(step, want, rtol=1e-4, atol=1e-6):
            diagnose(on, step, want, start, one, count, x64, y64)
        two = fit(x, y, 2)
        expected = one + LEARNING_RATE * downhill(one, x64, y64)
        if not np.allclose(two, expected, rtol=1e-4, atol=1e-6):
            raise Problem(f"{on} the first step is right, but the second, from (a, b) = "
                          f"{show(one)}, ends at {show(two)} where a plain gradient step of "
                          f"lr = {LEARNING_RATE} ends at {show(expected)}: each step should "
                          f"follow the gradient where it starts, and nothing else")

    def diagnose(on, step, want, start, one, count, x64, y64):
        before, after_one = mse(start, x64, y64), mse(one, x64, y64)
        if np.array_equal(start, one):
            raise Problem(f"{on} train(x, y, 1) returns the a and b of train(x, y, 0), "
                          f"{show(start)}: a step does not change them yet")
        for k, name in enumerate("ab"):
            if step[k] == 0 and want[k] != 0:
                raise Problem(f"{on} one step moves {'ba'[k]} but not {name}: each step "
                              f"must move both variables downhill")
        if np.dot(step, want) < 0:
            raise Problem(f"{on} your steps go uphill: one step from (a, b) = {show(start)} "
                          f"raised the loss from {before:.4g} to {after_one:.4g}; it moved "
                          f"a and b along the gradient, not against it")
        close = np.isclose(step, want, rtol=1e-4, atol=1e-6)
        if close.sum() == 1:  # a learning rate or a scaled L moves both; here one is right
            right, wrong = "ab" if close[0] else "ba"
            raise Problem(f"{on} one step from (a, b) = {show(start)} moves them by "
                          f"{show(step, 6)} where a plain step of lr = {LEARNING_RATE} moves "
                          f"them by {show(want, 6)}: {right}'s step is right, {wrong}'s is "
                          f"not, so the step is not straight downhill from where it starts; "
                          f"take both gradients there, before either variable moves")
        ratio = float(np.dot(step, want) / np.dot(want, want))  # how far, in lr = 0.1 steps
        # float32 turns a step by a few units in its last place (1e-6): a direction 1e-3 off
        # is a step that does not follow the gradient at its start, whatever its length, and
        # so is a wrong step of the right length (b's gradient taken after a moved, say)
        if np.linalg.norm(step - ratio * want) > 1e-3 * np.linalg.norm(ratio * want) or \
                abs(ratio - 1) < 1e-3:
            raise Problem(f"{on} one step from (a, b) = {show(start)} moves them by "
                          f"{show(step, 6)} where a plain step of lr = {LEARNING_RATE} moves "
                          f"them by {show(want, 6)}: not straight downhill on L = mean((a·x "
                          f"+ b - y)²) from where the step starts; take each variable's "
                          f"gradient there, before either one moves")
        if abs(ratio / count - 1) < 0.1:
            raise Problem(f"{on} one step goes {ratio:.3g} times as far as a step of lr = "
                          f"{LEARNING_RATE} on the mean squared error, about the number of "
                          f"points ({count}): is L a sum over the points rather than a mean?")
        why = ("the learning rate is too large, or L is scaled up" if ratio > 1 else
               "the steps are too small: a learning rate below it, or L scaled down")
        raise Problem(f"{on} one step from (a, b) = {show(start)} goes {ratio:.3g} times as "
                      f"far as a step of lr = {LEARNING_RATE} on L = mean((a·x + b - y)²): "
                      f"{why}")

    first = data()
    first_steps(*first)
    # again on a data set of another size, its x off-centre: a step that keeps the first
    # size, or takes b's gradient after a has moved (a change of size mean(x)), shows there
    second = (first[0] + int(rng.integers(5, 21))) % 41 + 20  # from 20 to 60, never the same
    first_steps(*data(second, low=-0.5))
    for _ in range(1):  # the steps are checked above: one end point says the rest
        count, x, y = data()
        x64, y64 = x.astype(np.float64), y.astype(np.float64)
        exact = np.linalg.lstsq(np.stack([x64, np.ones_like(x64)], 1), y64, rcond=None)[0]
        got = fit(x, y, NUM_STEPS)
        if np.all(np.isfinite(got)) and np.all(np.abs(got - exact) <= TOLERANCE):
            continue
        first_steps(count, x, y)  # a wrong step says more than a wrong end point
        raise Problem(f"on {count} random points (a, b) after {NUM_STEPS} steps is "
                      f"{show(got)}, still {np.max(np.abs(got - exact)):.2g} from the "
                      f"least-squares fit {show(exact)}, though the first steps are right: "
                      f"does train take num_steps steps?")
    uses(train, "train", ["GradientTape"], "records each step's loss on a tf.GradientTape")
    x = tf.constant(np.linspace(-1.0, 1.0, 8, dtype=np.float32))
    for steps in (0, 3):  # one tape.gradient per step: num_steps of them, no more, no fewer
        asked = tape_calls(train, x, 2 * x + 1, steps)
        if asked != steps:
            raise Problem(f"train(x, y, {steps}) asked a tape for a gradient {asked} times: "
                          f"each of the num_steps steps asks once, so {steps} times")
    avoids(train, "train", ["lstsq", "solve", "pinv", "inv"],
           "reaches the fit by gradient descent, not by solving for it")
    return Feedback.ok()
