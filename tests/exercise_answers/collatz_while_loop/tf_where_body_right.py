# expect: PASS
import tensorflow as tf


@tf.function
def collatz_steps(n):
    steps = tf.constant(0, tf.int32)
    while n > 1:
        n = tf.where(tf.equal(n % 2, 0), n // 2, 3 * n + 1)
        steps = steps + 1
    return steps
