# expect: PASS
import tensorflow as tf


def distributed_gradient(strategy, w, x_parts, y_parts, global_batch_size):
    def replica_step(x_part, y_part):
        with tf.GradientTape() as tape:
            errors = tf.square(tf.linalg.matvec(x_part, w) - y_part)
            L = tf.nn.compute_average_loss(errors, global_batch_size=global_batch_size)
        return tape.gradient(L, w)

    per_replica = strategy.run(replica_step, args=(x_parts, y_parts))
    return strategy.reduce("SUM", per_replica, axis=None)
