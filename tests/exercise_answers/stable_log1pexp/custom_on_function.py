# expect: FAIL tf.function cannot return grad
# tf.custom_gradient stacked on tf.function: TF itself refuses this order
# tf.custom_gradient stacked on tf.function
import tensorflow as tf


@tf.custom_gradient
@tf.function
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * tf.sigmoid(x)

    return tf.math.log(1 + e), grad
