# expect: FAIL where the slope of log(1 + eˣ) gives
import tensorflow as tf


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * tf.sigmoid(tf.clip_by_value(x, -80.0, 10.0))

    return tf.math.log(1 + e), grad
