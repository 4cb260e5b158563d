# expect: FAIL one gradient per replica
import tensorflow as tf


def distributed_gradient(strategy, w, x_parts, y_parts, global_batch_size):
    def replica_step(x_part, y_part):
        with tf.GradientTape() as tape:
            L = tf.reduce_sum((tf.linalg.matvec(x_part, w) - y_part) ** 2) / global_batch_size
        return tape.gradient(L, w)

    return strategy.run(replica_step, args=(x_parts, y_parts))
