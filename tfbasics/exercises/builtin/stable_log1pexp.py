"""Write a custom gradient: log(1 + eˣ) whose gradient stays finite for large x.

Write the gradient function inside log1pexp with `tf.custom_gradient`. The tape's own gradient
of log(1 + eˣ) is NaN at x = 100 in float32, where eˣ overflows to inf; yours must stay finite
and right for every x, and work inside bigger expressions. The check compares the gradient of
a multiple of log1pexp with NumPy's at random points and on a grid of x up to and past
float32's overflow, and runs `check_gradient` at one point.
"""

LESSON = "advanced_autodiff"
ORDER = 1
KIND = "write a custom gradient"

STUB = '''\
"""Exercise stable_log1pexp: a gradient for log(1 + eˣ) that stays finite for large x.

log1pexp(x) computes log(1 + eˣ) elementwise for a float32 tensor x. Write grad(upstream):
it receives upstream, the gradient of the final result with respect to log1pexp(x), and
returns the gradient with respect to x. It must be finite and right at x = 100, where eˣ is
inf in float32 (the value log1pexp(100) may be inf there; the check asks only the gradient).
Check it: python -m tfbasics.exercises check stable_log1pexp
"""
import tensorflow as tf


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return ...  # the gradient with respect to x

    return tf.math.log(1 + e), grad
'''

SOLUTION = '''\
"""Exercise stable_log1pexp: a gradient for log(1 + eˣ) that stays finite for large x.

log1pexp(x) computes log(1 + eˣ) elementwise for a float32 tensor x. Write grad(upstream):
it receives upstream, the gradient of the final result with respect to log1pexp(x), and
returns the gradient with respect to x. It must be finite and right at x = 100, where eˣ is
inf in float32 (the value log1pexp(100) may be inf there; the check asks only the gradient).
Check it: python -m tfbasics.exercises check stable_log1pexp
"""
import tensorflow as tf


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))  # eˣ/(1 + eˣ) without inf/inf: 1 - 0 at e = inf

    return tf.math.log(1 + e), grad
'''

HINTS = [
    "The derivative of log(1 + eˣ) is eˣ/(1 + eˣ), the sigmoid. Where eˣ is inf, that is "
    "inf/inf = NaN: rewrite it so that no inf is divided by an inf.",
    "eˣ/(1 + eˣ) = 1 - 1/(1 + eˣ), and 1/inf is 0 (tf.sigmoid is stable too).",
    "grad gets upstream, the gradient flowing in from above; the chain rule multiplies it by "
    "your derivative. Without it, 3·log1pexp(x) would get the gradient of log1pexp(x).",
]


# Every x where a threshold or an overflow can hide: a grid over [-150, 150] (far past
# float32's overflow of eˣ at x ≈ 88.72), finer around 5 to 20 (where a hard-coded slope of 1
# or 0 is still wrong in float32: 1 - sigmoid(16.6) ≈ float32's epsilon) and around the
# overflow itself, where eˣ/(1 + eˣ) turns into inf/inf.
def edges():
    """Return the x graded at every run, as a float32 vector."""
    import numpy as np

    return np.unique(np.round(np.concatenate([
        np.arange(-150.0, 150.5, 0.5), np.arange(4.0, 20.0, 0.125),
        -np.arange(4.0, 20.0, 0.125), np.arange(88.0, 90.0, 0.02),
        np.arange(95.0, 105.0, 0.1)]), 2)).astype(np.float32)


def grade(student, rng):
    """Values and gradients of c·log1pexp at four random points (c random, then a different c
    for each element) against NumPy,
    then the gradient on every edge (edges(): both sides of each plausible threshold, up to and
    past float32's overflow) against NumPy's sigmoid, at every run; then check_gradient at
    one random point."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        as_array,
        at_point,
        call,
        compare,
        points,
        require,
        show,
        uses,
    )
    from tfbasics.gradcheck import check_gradient

    log1pexp = require(student, "log1pexp", "log1pexp(x)")

    def sigmoid(x):
        return 1 / (1 + np.exp(-np.asarray(x, np.float64)))

    def gradient(x, c):  # d/dx of Σ c·log1pexp(x), by the tape (through the student's grad)
        x = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(c * log1pexp(x))
        return tape.gradient(y, x)

    def run(function, *args, what):  # call(), saying what a decorator in the wrong order does
        try:
            return call(function, *args, what=what)
        except Problem as problem:
            if "found return value of type function" not in str(problem.__cause__):
                raise
            raise Problem("log1pexp is a tf.function inside @tf.custom_gradient, and a "
                          "tf.function cannot return grad (a Python function): put "
                          "@tf.function above @tf.custom_gradient, or leave it out") from None

    def gradient_of(x, c, what, at):
        """The tape's gradient through the student's grad, checked for ... and None."""
        dx = run(gradient, x, c, what="grad in log1pexp")
        if dx is None:
            raise Problem(f"at {at} the gradient of {what} is None: grad must return the "
                          f"gradient with respect to x")
        return dx

    for x in points(rng, (4,), low=-5.0, high=5.0):
        at = at_point(["x"], [x])
        c = float(np.round(rng.uniform(2.0, 4.0), 1))
        value = run(log1pexp, tf.constant(x), what="log1pexp")
        if isinstance(value, tuple) and len(value) == 2 and callable(value[1]):
            raise Problem("log1pexp has no @tf.custom_gradient: it returns the pair (value, "
                          "grad), which that decorator turns into a function with your "
                          "gradient")
        compare(value, np.logaddexp(0.0, x.astype(np.float64)),
                "log1pexp(x)", at, "log1pexp(x)")
        compare(gradient_of(x, 1.0, "log1pexp(x)", at), sigmoid(x), "the gradient of "
                "log1pexp(x)", at, "x", reference="the slope of log(1 + eˣ) is")
        scaled = gradient_of(x, c, f"{c:g}·log1pexp(x)", at)
        if np.allclose(scaled, sigmoid(x), rtol=1e-4):  # c ≥ 2: the scaled one differs
            raise Problem(f"at {at} the gradient of {c:g}·log1pexp(x) is the gradient of "
                          f"log1pexp(x) alone: your grad ignores upstream (here {c:g}, the "
                          f"gradient of the result with respect to log1pexp(x))")
        compare(scaled, c * sigmoid(x), f"the gradient of {c:g}·log1pexp(x)", at, "x",
                reference="the slope of log(1 + eˣ) gives")
        # a different c for each element: upstream is not one number repeated, so a grad
        # that sums, averages or takes one element of upstream gets the wrong gradient
        weights = np.array([1.0, -2.0, 3.5, 0.5])
        varied = gradient_of(x, tf.constant(weights, tf.float32), "Σ cᵢ·log1pexp(xᵢ)", at)
        got = as_array(varied, "the gradient of Σ cᵢ·log1pexp(xᵢ)", x.shape)
        expected = weights * sigmoid(x)
        error = np.abs(got - expected) - 1e-6 - 1e-4 * np.abs(expected)
        if np.any(error > 0):
            i = int(np.argmax(error))
            raise Problem(f"at {at} the gradient of Σ cᵢ·log1pexp(xᵢ) with c = "
                          f"{show(weights, 3)} is {show(got)} where cᵢ times the slope of "
                          f"log(1 + eˣ) gives {show(expected)} (wrong in x[{i}]): upstream "
                          f"holds one number per element of x, and grad must multiply each "
                          f"element's slope by its own upstream")

    x_last = x
    c = float(np.round(rng.uniform(2.0, 4.0), 1))
    x = edges()
    dx = np.asarray(gradient_of(x, c, f"{c:g}·log1pexp(x)", "large x"), dtype=np.float64)
    if dx.shape != x.shape:
        raise Problem(f"for x of shape {x.shape} the gradient has shape {dx.shape}: grad "
                      f"must return one number per element of x")
    if not np.all(np.isfinite(dx)):
        i = int(np.argwhere(~np.isfinite(dx))[0][0])
        with np.errstate(over="ignore"):
            e = np.exp(x[i])  # in float32, as TF computes it
        raise Problem(f"at x = {x[i]:g} (float32) the gradient of {c:g}·log1pexp(x) is "
                      f"{dx[i]:g}: eˣ is {e:g} there, and your grad turns it into {dx[i]:g}")
    expected = c * sigmoid(x)
    # float32 rounding: a few units in the last place of the slope (2e-6 relative), and
    # where the slope is tiny, two units of 1 (2.5e-7 absolute: 1 - 1/(1 + eˣ) cancels);
    # a slope cut off at x = 10 is 5e-6 off at x = 12, and caught
    error = np.abs(dx - expected) - c * 2.5e-7 - 2e-6 * np.abs(expected)
    if np.any(error > 0):
        i = int(np.argmax(error))
        raise Problem(f"at x = {x[i]:g} (float32) the gradient of {c:g}·log1pexp(x) is "
                      f"{dx[i]:.7g} where the slope of log(1 + eˣ) gives {expected[i]:.7g}")
    # the tape, forward mode and finite differences agree on the last random point's c·log1pexp
    check = check_gradient(lambda x, c=c: tf.reduce_sum(c * log1pexp(x)), x_last,
                           analytic=lambda x, c=c: c * sigmoid(x))
    if not check.passed:
        raise Problem(f"at {at_point(['x'], [x_last])} check_gradient fails "
                      f"{c:g}·log1pexp(x): {check.blame}")
    uses(log1pexp, "log1pexp", ["custom_gradient"], "has a gradient of your own, given with "
         "@tf.custom_gradient")
    return Feedback.ok()
