# expect: FAIL hands n to Python
# the loop in NumPy, called through tf.numpy_function: right numbers, no loop in the graph
import numpy as np
import tensorflow as tf


def steps_in_python(n):
    n, steps = int(n), 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return np.int32(steps)


@tf.function
def collatz_steps(n):
    return tf.numpy_function(steps_in_python, [n], tf.int32)
