# expect: FAIL x_parts and y_parts are PerReplica values, not lists
# reads x_parts as a list, as the old docstring suggested
import tensorflow as tf


def distributed_gradient(strategy, w, x_parts, y_parts, global_batch_size):
    grads = []
    for i in range(2):
        with tf.GradientTape() as tape:
            L = tf.reduce_sum((tf.linalg.matvec(x_parts[i], w) - y_parts[i]) ** 2)
        grads.append(tape.gradient(L, w) / global_batch_size)
    return tf.add_n(grads)
