# expect: PASS
# a module-level tensor inside the replica step
import tensorflow as tf

TWO = tf.constant(2.0)


def distributed_gradient(strategy, w, x_parts, y_parts, global_batch_size):
    def replica_step(x_part, y_part):
        residual = tf.linalg.matvec(x_part, w) - y_part
        # d/dw Σ(xw - y)² = 2·xᵀ(xw - y), derived by hand, divided by the global batch size
        return TWO * tf.linalg.matvec(x_part, residual, transpose_a=True) / global_batch_size

    per_replica = strategy.run(replica_step, args=(x_parts, y_parts))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)
