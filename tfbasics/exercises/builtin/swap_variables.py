"""Swap two variables' values in place, keeping the same tf.Variable objects.

Write swap(a, b): afterwards a holds what b held and b what a held, and both are still the
variables the caller gave you (a model that uses them sees the change). `assign` writes into
the variable itself, so mind the order of your writes. The check swaps random variables and
compares their values with copies it kept.
"""

LESSON = "variables"
ORDER = 3
KIND = "change in place"

STUB = '''\
"""Exercise swap_variables: swap the values of two tf.Variables, in place.

a and b are tf.Variables of the same shape and dtype. After swap(a, b), a holds what b held
and b holds what a held; they must stay the same Variable objects (swap returns nothing).
Check it: python -m tfbasics.exercises check swap_variables
"""
import tensorflow as tf


def swap(a, b):
    ...  # swap the values of a and b
'''

SOLUTION = '''\
"""Exercise swap_variables: swap the values of two tf.Variables, in place.

a and b are tf.Variables of the same shape and dtype. After swap(a, b), a holds what b held
and b holds what a held; they must stay the same Variable objects (swap returns nothing).
Check it: python -m tfbasics.exercises check swap_variables
"""
import tensorflow as tf


def swap(a, b):
    old_a = tf.convert_to_tensor(a)  # a's value now, as a tensor: it will not change
    a.assign(b)
    b.assign(old_a)
'''

HINTS = [
    "Rebinding names (a, b = b, a) changes only your function's names, not the caller's "
    "variables: write into the variables with assign.",
    "After a.assign(b), a's old values are gone. Keep them first.",
    "`old = a` keeps the variable, which will change; keep its current value as a tensor "
    "instead (the lesson's tf.convert_to_tensor).",
]


def grade(student, rng):
    """Swap three pairs of random variables of random shape; check both values and objects."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import Feedback, Problem, call, compare, require

    swap = require(student, "swap", "swap(a, b)")
    for _ in range(3):
        shape = tuple(int(n) for n in rng.integers(1, 4, int(rng.integers(1, 3))))
        a0 = np.round(rng.uniform(-9, 9, shape), 1)
        b0 = np.round(a0 + rng.uniform(1, 9, shape), 1)  # differs from a0 everywhere
        a = tf.Variable(a0, dtype=tf.float32, name="a")
        b = tf.Variable(b0, dtype=tf.float32, name="b")
        at = f"a = {a0.tolist()}, b = {b0.tolist()}"
        call(swap, a, b)
        got_a, got_b = a.numpy(), b.numpy()
        same_a, same_b = (np.allclose(got_a, a0), np.allclose(got_b, b0))
        if same_a and same_b:
            raise Problem(f"after swap({at}) both variables still hold their starting "
                          f"values: swap must write into the variables it was given")
        for value, old in ((b0, "b"), (a0, "a")):
            if np.allclose(got_a, value) and np.allclose(got_b, value):
                raise Problem(f"after swap({at}) a and b both hold what {old} held: the "
                              f"other variable's old value was overwritten before you "
                              f"copied it")
        compare(a, b0, "a", f"swap({at})", "a", reference="b held")
        compare(b, a0, "b", f"swap({at})", "b", reference="a held")
    return Feedback.ok()
