# expect: FAIL each replica divided by its own number of examples
import tensorflow as tf


def distributed_gradient(strategy, w, x_parts, y_parts, global_batch_size):
    def replica_step(x_part, y_part):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((tf.linalg.matvec(x_part, w) - y_part) ** 2)
        return tape.gradient(L, w)

    per_replica = strategy.run(replica_step, args=(x_parts, y_parts))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)
