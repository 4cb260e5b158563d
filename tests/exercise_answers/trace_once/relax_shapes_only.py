# expect: FAIL traced a new graph
# reduce_retracing helps with shapes, not with a new Python float each call
import tensorflow as tf


@tf.function(reduce_retracing=True)
def leaky_relu(x, slope):
    return tf.where(x > 0, x, slope * x)
