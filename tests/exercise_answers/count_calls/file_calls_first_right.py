# expect: PASS
# the file tries it once: calls is 1 before the check, and that is right
import tensorflow as tf

calls = tf.Variable(0)


@tf.function
def squared_norm(x):
    calls.assign(calls + 1)
    return tf.reduce_sum(x * x)


squared_norm(tf.constant([1.0, 2.0]))
