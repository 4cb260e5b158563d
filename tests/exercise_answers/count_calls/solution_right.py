# expect: PASS
import tensorflow as tf

calls = tf.Variable(0)


@tf.function
def squared_norm(x):
    calls.assign_add(1)
    return tf.reduce_sum(x**2)
