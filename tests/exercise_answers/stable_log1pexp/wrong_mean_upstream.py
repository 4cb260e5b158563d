# expect: FAIL upstream
import tensorflow as tf


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        # right only when every element's upstream is the same number
        return tf.reduce_mean(upstream) * tf.math.sigmoid(x)

    return tf.math.log(1 + e), grad
