# expect: PASS
# AutoGraph turns int(n) on a tensor into tf.cast: the loop still runs in the graph
import tensorflow as tf


@tf.function
def collatz_steps(n):
    n = int(n)
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps
