# expect: PASS
# tf.while_loop written out
import tensorflow as tf


@tf.function
def collatz_steps(n):
    def step(n, steps):
        n = tf.where(n % 2 == 0, n // 2, 3 * n + 1)
        return n, steps + 1

    _, steps = tf.while_loop(lambda n, steps: n != 1, step, [n, tf.constant(0)])
    return steps
