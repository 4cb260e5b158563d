# expect: FAIL leaky_relu(x, slope) is wrong
import tensorflow as tf


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.float32)])
def leaky_relu(x, slope):
    return tf.where(x > 1e-3, x, slope * x)   # wrong for 0 < x <= 0.001
