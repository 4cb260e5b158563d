# expect: PASS
# the gradient of the replica's sum, divided afterwards
import tensorflow as tf


def distributed_gradient(strategy, w, x_parts, y_parts, global_batch_size):
    def replica_step(x_part, y_part):
        with tf.GradientTape() as tape:
            L = tf.reduce_sum((tf.linalg.matvec(x_part, w) - y_part) ** 2)
        return tape.gradient(L, w) / tf.cast(global_batch_size, tf.float32)

    per_replica = strategy.run(replica_step, args=(x_parts, y_parts))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)
