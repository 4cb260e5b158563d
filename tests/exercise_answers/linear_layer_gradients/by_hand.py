# expect: FAIL records the loss on a tf.GradientTape
# the gradients derived by hand: right numbers, no tape
import tensorflow as tf


def gradients(x, w, b):
    y = x @ w + b
    dL_dy = 2 * y / tf.cast(tf.size(y), tf.float32)
    return tf.transpose(x) @ dL_dy, tf.reduce_sum(dL_dy, axis=0)
