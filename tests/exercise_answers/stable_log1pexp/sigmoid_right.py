# expect: PASS
import tensorflow as tf


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * tf.sigmoid(x)

    return tf.math.log(1 + e), grad
