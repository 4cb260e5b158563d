"""Count training steps in a variable that the tape does not watch.

Write make_counter(), which returns a new step counter: a tf.Variable that starts at 0, holds
whole numbers and is not trained. Then finish train_step(w, counter, x, y, lr) so that it adds
1 to that counter, in place. The check runs a few steps: the counter must count them, no tape
may watch it, and w must still take its gradient steps.
"""

LESSON = "variables"
ORDER = 2
KIND = "write the variable code"

STUB = '''\
"""Exercise nontrainable_counter: count training steps in a variable that is not trained.

make_counter() returns a new step counter: a tf.Variable that starts at 0, holds whole
numbers, and that no tape watches. train_step(w, counter, x, y, lr) takes one gradient step
on w; make it add 1 to counter as well, in place.
Check it: python -m tfbasics.exercises check nontrainable_counter
"""
import tensorflow as tf


def make_counter():
    return ...  # a step counter


def train_step(w, counter, x, y, lr):
    with tf.GradientTape() as tape:
        L = tf.reduce_mean((x @ w - y) ** 2)
    w.assign_sub(lr * tape.gradient(L, w))
    ...  # count this step
'''

SOLUTION = '''\
"""Exercise nontrainable_counter: count training steps in a variable that is not trained.

make_counter() returns a new step counter: a tf.Variable that starts at 0, holds whole
numbers, and that no tape watches. train_step(w, counter, x, y, lr) takes one gradient step
on w; make it add 1 to counter as well, in place.
Check it: python -m tfbasics.exercises check nontrainable_counter
"""
import tensorflow as tf


def make_counter():
    return tf.Variable(0, trainable=False)  # an int32 that tapes do not watch


def train_step(w, counter, x, y, lr):
    with tf.GradientTape() as tape:
        L = tf.reduce_mean((x @ w - y) ** 2)
    w.assign_sub(lr * tape.gradient(L, w))
    counter.assign_add(1)
'''

HINTS = [
    "The lesson makes a step counter in names_and_trainable: which argument keeps a variable "
    "out of gradients?",
    "A Python int gives an int32 variable. A tape watches every trainable variable it sees "
    "used, whatever its dtype.",
    "counter = counter + 1 makes a new tensor and leaves the caller's counter alone; change "
    "the variable itself with assign_add.",
]


def grade(student, rng):
    """Make a counter, run 2 to 5 steps under a tape; check the count, the tape and w."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import Feedback, Problem, article, call, compare, require

    make_counter = require(student, "make_counter", "make_counter()")
    train_step = require(student, "train_step", "train_step(w, counter, x, y, lr)")
    for _ in range(3):
        counter = call(make_counter)
        if not isinstance(counter, tf.Variable):
            kind = "tf.Tensor" if tf.is_tensor(counter) else type(counter).__name__
            raise Problem(f"make_counter() gives {article(kind)} {kind}, not a tf.Variable: a "
                          f"counter must change in place")
        if not counter.dtype.is_integer:
            raise Problem(f"make_counter() gives a {counter.dtype.name} variable: a step count "
                          f"is a whole number, so give it an integer dtype")
        if counter.shape.rank != 0 or int(counter.numpy()) != 0:
            raise Problem(f"make_counter() gives a counter holding {counter.numpy()}: it "
                          f"should be the single number 0")
        num_steps, batch, k = (int(n) for n in rng.integers(2, 6, 3))
        lr = float(rng.choice([0.05, 0.1]))
        x = np.round(rng.uniform(-1, 1, (batch, k)), 2)
        y = np.round(rng.uniform(-1, 1, (batch, 1)), 2)
        w0 = np.round(rng.uniform(-1, 1, (k, 1)), 2)
        w = tf.Variable(w0, dtype=tf.float32)
        with tf.GradientTape() as outer:  # a tape around the steps, as a training loop has
            for _ in range(num_steps):
                call(train_step, w, counter, tf.constant(x, tf.float32),
                     tf.constant(y, tf.float32), lr)
        count = int(counter.numpy())
        if count != num_steps:
            raise Problem(f"after {num_steps} calls of train_step your counter holds {count}"
                          + (": train_step did not change the variable it was given"
                             if count == 0 else ""))
        if counter.trainable or counter.ref() in {v.ref() for v in outer.watched_variables()}:
            raise Problem("a tf.GradientTape around train_step watched your counter, as if it "
                          "were a weight: it is a trainable variable")
        expected = w0.copy()
        for _ in range(num_steps):  # dL/dw = 2/N·xᵀ(xw - y)
            expected -= lr * 2 / batch * x.T @ (x @ expected - y)
        compare(w, expected, "w", f"the end of {num_steps} steps", "w", atol=1e-5,
                reference="NumPy's steps give")
    return Feedback.ok()
