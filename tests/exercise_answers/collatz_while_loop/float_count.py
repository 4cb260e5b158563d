# expect: FAIL a number of steps is a whole number
import tensorflow as tf


@tf.function
def collatz_steps(n):
    steps = tf.constant(0.0)
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1.0
    return steps
