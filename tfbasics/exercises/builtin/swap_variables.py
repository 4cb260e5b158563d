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
    """Swap three pairs of random variables of random shape, a pair of 1e8 and 1 (where a
    swap by arithmetic loses the 1), and a float64 and an int32 pair whose values a float32
    copy rounds (1e-300, 16777217); both must hold exactly the other's values."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import Feedback, Problem, call, compare, require

    swap = require(student, "swap", "swap(a, b)")
    for number in range(6):
        shape = tuple(int(n) for n in rng.integers(1, 4, int(rng.integers(1, 3))))
        a0 = np.round(rng.uniform(-9, 9, shape), 1)
        b0 = np.round(a0 + rng.uniform(1, 9, shape), 1)  # differs from a0 everywhere
        dtype = tf.float32
        if number == 3:  # where arithmetic breaks: 1e8 + 1 is 1e8 in float32
            a0, b0 = np.full(shape, 1e8), np.ones(shape)
        if number < 4:
            a0, b0 = (v.astype(np.float32).astype(np.float64) for v in (a0, b0))
            at = f"a = {np.round(a0, 1).tolist()}, b = {np.round(b0, 1).tolist()}"
        else:  # the same shape and dtype, not always float32: a float32 copy rounds these
            if number == 4:  # 1e-300 is 0 in float32, 0.1 and 1 + 2⁻⁴⁰ are rounded
                a0, b0 = np.array([1e-300, 0.1, 1 + 2.0**-40]), np.array([-2.5, 1e-200, 7.0])
                dtype = tf.float64
            else:  # 16777217 = 2²⁴ + 1 is 16777216 in float32
                a0, b0 = np.array([16777217, -3, 40]), np.array([5, 2147483647, -16777219])
                dtype = tf.int32
            at = f"a = {a0.tolist()}, b = {b0.tolist()} ({dtype.name})"
        a = tf.Variable(a0, dtype=dtype, name="a")
        b = tf.Variable(b0, dtype=dtype, name="b")
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
        for name, got, held, other in (("a", got_a, b0, "b"), ("b", got_b, a0, "a")):
            if not np.allclose(got, held, rtol=1e-3, atol=1e-3):
                compare(got, held, name, f"swap({at})", name, reference=f"{other} held")
            if not np.array_equal(got, held):  # a swap moves values
                index = tuple(int(i) for i in np.argwhere(got != held)[0])
                raise Problem(f"after swap({at}) {name}{list(index)} is {got[index]:.9g} where "
                              f"{other} held {held[index]:.9g}: a swap moves values exactly, "
                              f"and arithmetic on them, or a copy in another dtype, rounds")
    return Feedback.ok()
