# expect: PASS
# tf.function stacked on tf.custom_gradient
import tensorflow as tf


@tf.function
@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return tf.math.log(1 + e), grad
