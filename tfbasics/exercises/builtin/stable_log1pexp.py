"""Write a custom gradient: log(1 + eˣ) whose gradient stays finite for large x.

Write the gradient function inside log1pexp with `tf.custom_gradient`. The tape's own gradient
of log(1 + eˣ) is NaN at x = 100 in float32, where eˣ overflows to inf; yours must stay finite
and right for every x, and work inside bigger expressions. The check runs `check_gradient` at
random points, inside a multiple of log1pexp, and compares the gradient at large x with NumPy.
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


def grade(student, rng):
    """check_gradient of c·log1pexp at three random points (c random), values against NumPy,
    then the gradient at large x (100 and beyond) against NumPy's sigmoid."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        at_point,
        call,
        compare,
        points,
        require,
    )
    from tfbasics.gradcheck import check_gradient

    log1pexp = require(student, "log1pexp", "log1pexp(x)")
    if getattr(getattr(log1pexp, "_tf_decorator", None), "decorator_name", "") \
            != "custom_gradient":
        raise Problem("log1pexp has no @tf.custom_gradient: the exercise is to give it a "
                      "gradient of your own")

    def sigmoid(x):
        return 1 / (1 + np.exp(-np.asarray(x, np.float64)))

    def gradient(x, c):  # d/dx of Σ c·log1pexp(x), by the tape (through the student's grad)
        x = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(c * log1pexp(x))
        return tape.gradient(y, x)

    def gradient_of(x, c, what, at):
        """The tape's gradient through the student's grad, checked for ... and None."""
        dx = call(gradient, x, c, what="grad in log1pexp")
        if dx is None:
            raise Problem(f"at {at} the gradient of {what} is None: grad must return the "
                          f"gradient with respect to x")
        return dx

    for x in points(rng, (4,), low=-5.0, high=5.0):
        at = at_point(["x"], [x])
        c = float(np.round(rng.uniform(2.0, 4.0), 1))
        compare(call(log1pexp, tf.constant(x)), np.logaddexp(0.0, x.astype(np.float64)),
                "log1pexp(x)", at, "log1pexp(x)")
        compare(gradient_of(x, 1.0, "log1pexp(x)", at), sigmoid(x), "the gradient of "
                "log1pexp(x)", at, "x", reference="the slope of log(1 + eˣ) is")
        scaled = gradient_of(x, c, f"{c:g}·log1pexp(x)", at)
        if np.allclose(scaled, sigmoid(x), rtol=1e-4):  # c ≥ 2: the scaled one differs
            raise Problem(f"at {at} the gradient of {c:g}·log1pexp(x) is the gradient of "
                          f"log1pexp(x) alone: your grad ignores upstream (here {c:g}, the "
                          f"gradient of the result with respect to log1pexp(x))")
        check = check_gradient(lambda x, c=c: tf.reduce_sum(c * log1pexp(x)), x,
                               analytic=lambda x, c=c: c * sigmoid(x))
        if not check.passed:
            compare(scaled, c * sigmoid(x), f"the gradient of {c:g}·log1pexp(x)", at, "x",
                    reference="the slope of log(1 + eˣ) gives")
            raise Problem(f"at {at} check_gradient fails {c:g}·log1pexp(x): {check.blame}")

    large = np.round(np.concatenate([[100.0], rng.uniform(89.0, 150.0, 2),
                                     -rng.uniform(89.0, 150.0, 1)]), 1).astype(np.float32)
    at = at_point(["x"], [large])
    c = float(np.round(rng.uniform(2.0, 4.0), 1))
    dx = np.asarray(gradient_of(large, c, f"{c:g}·log1pexp(x)", at), dtype=np.float64)
    if not np.all(np.isfinite(dx)):
        i = int(np.argwhere(~np.isfinite(dx))[0][0])
        with np.errstate(over="ignore"):
            e = np.exp(large[i])  # in float32, as TF computes it
        raise Problem(f"at x = {large[i]:g} (float32) the gradient of {c:g}·log1pexp(x) is "
                      f"{dx[i]:g}: eˣ is {e:g} there, and your grad turns it into {dx[i]:g}")
    compare(dx, c * sigmoid(large), f"the gradient of {c:g}·log1pexp(x)", at, "x",
            reference="the slope of log(1 + eˣ) gives")
    return Feedback.ok()
